"""What youths and staff leave behind: contact requests, diagnostics, surveys, the audit log."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.enums import ContactStatus, SlotKind
from core.models.types import EnumText, JSONDocument, UTCDateTime


class ContactRequest(SQLModel, table=True):
    """A youth asking an adviser of their site to get in touch; urgent ones come first."""

    __tablename__ = "contact_request"
    __table_args__ = (sa.Index("ix_contact_request_inbox", "site_id", "status", "urgent"),)

    id: int | None = Field(default=None, primary_key=True)
    youth_id: int = Field(foreign_key="youth.id", ondelete="CASCADE", index=True)
    site_id: int | None = Field(default=None, foreign_key="site.id", ondelete="SET NULL")
    topic: str = Field(max_length=64)
    message: str = Field(default="", max_length=1000)
    urgent: bool = Field(default=False)
    status: ContactStatus = Field(default=ContactStatus.OPEN, sa_type=EnumText(ContactStatus))
    taken_by: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    answer: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class DiagnosticResult(SQLModel, table=True):
    """One run of the self-diagnostic; earlier runs are kept as the youth's history."""

    __tablename__ = "diagnostic_result"

    id: int | None = Field(default=None, primary_key=True)
    youth_id: int = Field(foreign_key="youth.id", ondelete="CASCADE", index=True)
    started_at: datetime = Field(sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Question key -> answer key, as defined by the diagnostic's data.
    answers: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDocument)
    # [{"theme": data·inclusion code, "priority": "P0"|"P1"|"P2", ...}]
    signals: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONDocument)
    orientations: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONDocument)


class SatisfactionAnswer(SQLModel, table=True):
    """A youth's answer to the one-question survey after a workshop (DESIGN.md §6).

    It names no youth, only the booking, which loses its youth when they erase
    their data: the score then stays as an anonymous count. The slot, its site and
    its kind are copied so coordinators' statistics outlive the booking (bookings
    are deleted after two years).
    """

    __tablename__ = "satisfaction_answer"
    __table_args__ = (
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_1_to_5"),
        sa.Index("ix_satisfaction_answer_site_kind", "site_id", "slot_kind"),
        # The dashboard's weeks, with what it groups by: read from the index alone.
        sa.Index("ix_satisfaction_answer_week", "answered_at", "site_id", "slot_kind", "score"),
    )

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int | None = Field(
        default=None, foreign_key="booking.id", ondelete="SET NULL", unique=True
    )
    slot_id: int | None = Field(
        default=None, foreign_key="slot.id", ondelete="SET NULL", index=True
    )
    site_id: int | None = Field(default=None, foreign_key="site.id", ondelete="SET NULL")
    slot_kind: SlotKind = Field(sa_type=EnumText(SlotKind))
    score: int
    comment: str | None = Field(default=None, max_length=500)
    # The first answer: a change of mind is accepted for a while after it.
    answered_at: datetime = Field(sa_type=UTCDateTime)


class AuditEntry(SQLModel, table=True):
    """Who changed what, with the values before and after."""

    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    actor: str = Field(max_length=254)
    action: str = Field(max_length=64)
    entity: str = Field(max_length=64)
    entity_id: str = Field(default="", max_length=64)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSONDocument)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSONDocument)
