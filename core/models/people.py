"""Who uses Passerelle: sites, partners, youths and staff."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.enums import StaffRole
from core.models.types import EnumText, UTCDateTime


class Site(SQLModel, table=True):
    """A reception office of the Mission Locale; slots, staff and youths belong to one."""

    __tablename__ = "site"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    address: str = Field(default="", max_length=300)
    arrondissement: int | None = Field(default=None)
    latitude: float | None = Field(default=None)
    longitude: float | None = Field(default=None)
    opening_hours: str = Field(default="", max_length=300)


class Partner(SQLModel, table=True):
    """An organisation that runs workshops, food pickups or appointments with the ML."""

    __tablename__ = "partner"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    category: str = Field(default="", max_length=64)
    description: str = Field(default="", max_length=2000)
    website: str = Field(default="", max_length=300)


class Place(SQLModel, table=True):
    """A known address with its map coordinates: staff pick a place for a slot and its
    pin comes from here, since the panel looks nothing up on the internet."""

    __tablename__ = "place"
    __table_args__ = (sa.Index("ix_place_name", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    address: str = Field(max_length=300)
    latitude: float
    longitude: float
    # The site whose staff use it most; None for places every site uses.
    site_id: int | None = Field(default=None, foreign_key="site.id", ondelete="SET NULL")


class Youth(SQLModel, table=True):
    """A young person known to the bot, keyed by their Telegram user id.

    Nothing here identifies them beyond what Telegram already shows the ML:
    no social security number, no ID number, no street address.
    """

    __tablename__ = "youth"
    __table_args__ = (
        # The staff panel's search by a piece of a name (`core.youth_search`): trigrams on
        # PostgreSQL (migration 0005 adds the pg_trgm extension); a plain index on SQLite.
        sa.Index(
            "ix_youth_name_trigrams",
            "display_name",
            "username",
            postgresql_using="gin",
            postgresql_ops={"display_name": "gin_trgm_ops", "username": "gin_trgm_ops"},
        ),
        # The dashboard's new youths per week, read from the index alone.
        sa.Index("ix_youth_new_per_week", "created_at", "telegram_user_id", "site_id", "origin"),
    )

    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int = Field(sa_type=sa.BigInteger, unique=True)
    display_name: str = Field(default="", max_length=200)
    username: str | None = Field(default=None, max_length=64)
    locale: str = Field(default="fr", max_length=8)
    site_id: int | None = Field(default=None, foreign_key="site.id", ondelete="SET NULL")
    consent_version: int | None = Field(default=None)
    consented_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    share_diagnostic: bool = Field(default=False)
    age_group: str | None = Field(default=None, max_length=16)
    origin: str | None = Field(default=None, max_length=64, index=True)
    food_parcel_eligible: bool = Field(default=False)
    reachable: bool = Field(default=True)
    unreachable_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_seen_at: datetime = Field(sa_type=UTCDateTime, index=True)


class StaffUser(SQLModel, table=True):
    """An adviser, coordinator or admin of the panel."""

    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    display_name: str = Field(default="", max_length=200)
    password_hash: str = Field(max_length=200)
    role: StaffRole = Field(sa_type=EnumText(StaffRole))
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class StaffSite(SQLModel, table=True):
    """The sites a staff account is scoped to."""

    __tablename__ = "staff_site"

    staff_id: int = Field(foreign_key="staff_user.id", primary_key=True, ondelete="CASCADE")
    site_id: int = Field(foreign_key="site.id", primary_key=True, ondelete="CASCADE")


class LoginAttempt(SQLModel, table=True):
    """One try at logging in to the panel, kept a while to throttle guessing per account
    and per address, whichever process of the panel received it."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        sa.Index("ix_login_attempt_email_at", "email", "at"),
        sa.Index("ix_login_attempt_ip_at", "ip", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # As typed, lower-cased: an unknown account is throttled like a known one.
    email: str = Field(max_length=254)
    ip: str = Field(max_length=64)
    at: datetime = Field(sa_type=UTCDateTime)
    succeeded: bool = Field(default=False)
