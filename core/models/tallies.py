"""Per-slot counts kept ahead of time for the coordinators' dashboard (`core.stats_tally`).

Counting a year of bookings and reminders at every visit is too slow, so each slot's
figures are counted once and kept here. Triggers (migration 0006) write a row into
`slot_tally_change` whenever a booking or a reminder of a slot changes in a way the
dashboard counts, whoever writes it: the bot, the dispatcher, the panel, an erasure,
a script. The next dashboard drops the tallies those rows name and counts those slots
again. Nothing else writes these tables.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.types import UTCDateTime


class SlotTally(SQLModel, table=True):
    """One slot's counts, among young people only (the bot preview's staff are left out)."""

    __tablename__ = "slot_tally"

    slot_id: int = Field(primary_key=True, foreign_key="slot.id", ondelete="CASCADE")
    seats_booked: int = Field(default=0)
    # Bookings that got a reminder, and those of them that answered "Je viens".
    reminded: int = Field(default=0)
    confirmed: int = Field(default=0)
    # Seats whose attendance was marked, and how.
    marked: int = Field(default=0)
    attended: int = Field(default=0)
    no_shows: int = Field(default=0)
    # Reminders proper (48 h, 2 h) by status: one column per `OutboxStatus`.
    reminders_pending: int = Field(default=0)
    reminders_sent: int = Field(default=0)
    reminders_failed: int = Field(default=0)
    reminders_skipped: int = Field(default=0)


class SlotFailureTally(SQLModel, table=True):
    """A slot's failed reminders with one reason: how many, and the latest one due."""

    __tablename__ = "slot_failure_tally"

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(foreign_key="slot.id", ondelete="CASCADE", index=True)
    # Telegram's answer as the dispatcher kept it; "" when none was kept.
    reason: str = Field(max_length=1000)
    count: int
    last_due_at: datetime = Field(sa_type=UTCDateTime)


class SlotTallyChange(SQLModel, table=True):
    """A slot whose tally is out of date: written by the triggers, read and emptied by
    the dashboard. No foreign key: a deleted slot's row is simply dropped."""

    __tablename__ = "slot_tally_change"

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(index=True)


class TallyGeneration(SQLModel, table=True):
    """One row, bumped by each dashboard that stores tallies.

    Two dashboards counting at once must not both store: the later one could save
    counts made before a change whose `slot_tally_change` row the earlier one already
    consumed. Each reads the generation before counting and stores only if it is
    unchanged, bumping it in the same transaction (see `core.stats_tally`).
    """

    __tablename__ = "tally_generation"
    __table_args__ = (sa.CheckConstraint("id = 1", name="one_row"),)

    id: int = Field(default=1, primary_key=True)
    generation: int = Field(default=0)
