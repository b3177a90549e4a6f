"""What can be booked (slots, recurring series) and the bookings themselves."""

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.enums import (
    BookingStatus,
    CancelledBy,
    Confirmation,
    Modality,
    SlotKind,
    SlotStatus,
)
from core.models.types import EnumText, JSONDocument, UTCDateTime


class SlotSeries(SQLModel, table=True):
    """A weekly recurrence, e.g. "every Thursday 14:00–16:00, 40 parcels, 8 weeks".

    Times are local wall-clock times in the configured time zone, so a series keeps
    its hour across daylight-saving changes; each occurrence is a `Slot` row.
    """

    __tablename__ = "slot_series"

    id: int | None = Field(default=None, primary_key=True)
    kind: SlotKind = Field(sa_type=EnumText(SlotKind))
    title: str = Field(max_length=200)
    weekday: int = Field(ge=0, le=6)
    local_start: time
    local_end: time
    first_date: date
    occurrences: int = Field(ge=1)
    capacity: int = Field(ge=1)
    site_id: int | None = Field(default=None, foreign_key="site.id", ondelete="SET NULL")
    partner_id: int | None = Field(default=None, foreign_key="partner.id", ondelete="SET NULL")
    created_at: datetime = Field(sa_type=UTCDateTime)


class Slot(SQLModel, table=True):
    """One bookable time: a workshop session, a food pickup or an individual appointment."""

    __tablename__ = "slot"
    __table_args__ = (
        sa.Index("ix_slot_kind_starts_at", "kind", "starts_at"),
        # The dashboard's weeks of every site and kind, read from the index alone, and
        # the calendar of every site.
        sa.Index("ix_slot_week", "starts_at", "status", "site_id", "kind", "capacity"),
        sa.Index("ix_slot_site_starts_at", "site_id", "starts_at"),
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: SlotKind = Field(sa_type=EnumText(SlotKind))
    status: SlotStatus = Field(default=SlotStatus.SCHEDULED, sa_type=EnumText(SlotStatus))
    title: str = Field(max_length=200)
    # Titles typed by staff in other languages, keyed by locale; French is `title`.
    title_translations: dict[str, str] = Field(default_factory=dict, sa_type=JSONDocument)
    topic: str | None = Field(default=None, max_length=64)
    description: str = Field(default="", max_length=4000)
    what_to_bring: str = Field(default="", max_length=1000)
    site_id: int | None = Field(default=None, foreign_key="site.id", ondelete="SET NULL")
    partner_id: int | None = Field(default=None, foreign_key="partner.id", ondelete="SET NULL")
    series_id: int | None = Field(
        default=None, foreign_key="slot_series.id", ondelete="SET NULL", index=True
    )
    place_name: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=300)
    latitude: float | None = Field(default=None)
    longitude: float | None = Field(default=None)
    modality: Modality = Field(default=Modality.ON_SITE, sa_type=EnumText(Modality))
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    capacity: int
    booking_opens_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # None means bookings stay open until the slot starts.
    booking_closes_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancellation_cutoff_minutes: int = Field(default=240, ge=0)
    waitlist_enabled: bool = Field(default=True)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancel_reason: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class Booking(SQLModel, table=True):
    """A youth's place (or place in line) on a slot."""

    __tablename__ = "booking"
    __table_args__ = (
        # At most one active booking per youth and slot: the database backs up the
        # service's idempotency even if two processes race.
        sa.Index(
            "uq_booking_active_youth_slot",
            "youth_id",
            "slot_id",
            unique=True,
            sqlite_where=sa.text("status IN ('booked', 'waitlisted')"),
            postgresql_where=sa.text("status IN ('booked', 'waitlisted')"),
        ),
        # Seats counted per slot and status; with the youth, the youths booked on a
        # site's slots (an adviser's youth search) come from the index alone.
        sa.Index("ix_booking_slot_status_youth", "slot_id", "status", "youth_id"),
        sa.Index("ix_booking_youth_status", "youth_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Null once the youth erased their data: the row stays as an anonymous count.
    youth_id: int | None = Field(default=None, foreign_key="youth.id", ondelete="SET NULL")
    slot_id: int = Field(foreign_key="slot.id", ondelete="CASCADE")
    status: BookingStatus = Field(sa_type=EnumText(BookingStatus))
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    # Set when a waitlisted booking got a seat, so notices and stats can tell.
    promoted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    confirmation: Confirmation | None = Field(default=None, sa_type=EnumText(Confirmation))
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    interpreter_language: str | None = Field(default=None, max_length=16)
    note: str | None = Field(default=None, max_length=500)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_by: CancelledBy | None = Field(default=None, sa_type=EnumText(CancelledBy))
    cancel_reason: str | None = Field(default=None, max_length=1000)
    attendance_marked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attendance_marked_by: int | None = Field(
        default=None, foreign_key="staff_user.id", ondelete="SET NULL"
    )
