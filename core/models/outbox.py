"""The outbox: every message the product sends outside a conversation.

Reminders, waitlist promotions, slot changes and follow-ups are rows here first
and are sent by the dispatcher later, so a crash or a Telegram outage loses none
of them, and several dispatchers can share the table (DESIGN.md §6).
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.enums import OutboxKind, OutboxStatus
from core.models.types import EnumText, JSONDocument, UTCDateTime


class Reminder(SQLModel, table=True):
    __tablename__ = "reminder"
    __table_args__ = (
        # The dispatcher's claim scans pending rows by due time.
        sa.Index("ix_reminder_status_due_at", "status", "due_at"),
        # A booking's reminders (the roster), and whether one was sent (the dashboard)
        # read from the index alone.
        sa.Index("ix_reminder_booking_kind_status", "booking_id", "kind", "status"),
        sa.Index("ix_reminder_youth_id", "youth_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: OutboxKind = Field(sa_type=EnumText(OutboxKind))
    booking_id: int | None = Field(default=None, foreign_key="booking.id", ondelete="SET NULL")
    youth_id: int | None = Field(default=None, foreign_key="youth.id", ondelete="SET NULL")
    # For reminders: how long before the slot start it is due (e.g. 2880 for 48 h).
    offset_minutes: int | None = Field(default=None)
    due_at: datetime = Field(sa_type=UTCDateTime)
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_type=EnumText(OutboxStatus))
    # What the message needs beyond the booking, e.g. a staff message's text.
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDocument)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, max_length=1000)
    skip_reason: str | None = Field(default=None, max_length=200)
    claimed_by: str | None = Field(default=None, max_length=100)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    telegram_message_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    # Each state change appended as {"at", "event", "detail"}, for coordinators.
    history: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONDocument)
    created_at: datetime = Field(sa_type=UTCDateTime)
