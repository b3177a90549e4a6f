"""Counts kept ahead of time for the coordinators' dashboard (`core.stats_tally`).

Counting a year of bookings and reminders at every visit is too slow, so each slot's
figures are counted once and kept here, and summed per local week, site and kind.
Triggers (migrations 0006 and 0007) write a row into `slot_tally_change` whenever a
slot, or a booking or reminder of a slot, changes in a way the dashboard counts,
whoever writes it: the bot, the dispatcher, the panel, an erasure, a script. The next
dashboard counts those slots again and moves the difference into the weeks' sums.
Nothing else writes these tables.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.enums import SlotKind, SlotStatus
from core.models.types import EnumText, UTCDateTime


class BookingCounts(SQLModel):
    """What is counted of a slot's bookings and reminders, among young people only (the
    bot preview's staff are left out)."""

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


class SlotTally(BookingCounts, table=True):
    """One slot's counts, with the slot as it was when counted: when the slot moves,
    changes or goes, that is what its week's sums give back. No foreign key: the tally
    outlives a deleted slot until the next dashboard takes it out of its week."""

    __tablename__ = "slot_tally"

    slot_id: int = Field(primary_key=True)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    site_id: int | None = Field(default=None)
    kind: SlotKind = Field(sa_type=EnumText(SlotKind))
    status: SlotStatus = Field(sa_type=EnumText(SlotStatus))
    capacity: int


class WeekTally(BookingCounts, table=True):
    """The slots of one local ISO week, site and kind, summed: what the dashboard reads.

    Weeks are those of `zone`, the configured time zone; another zone sums them anew."""

    __tablename__ = "week_tally"
    __table_args__ = (sa.Index("ix_week_tally_week", "zone", "monday", "site_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    zone: str = Field(max_length=64)
    monday: date
    site_id: int | None = Field(default=None)
    kind: SlotKind = Field(sa_type=EnumText(SlotKind))
    slots_published: int = Field(default=0)
    slots_cancelled: int = Field(default=0)
    # Seats offered by the published slots.
    capacity: int = Field(default=0)


class WeekFailureTally(SQLModel, table=True):
    """The failed reminders of one week, site and kind with one reason."""

    __tablename__ = "week_failure_tally"
    __table_args__ = (sa.Index("ix_week_failure_tally_week", "zone", "monday", "site_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    zone: str = Field(max_length=64)
    monday: date
    site_id: int | None = Field(default=None)
    kind: SlotKind = Field(sa_type=EnumText(SlotKind))
    reason: str = Field(max_length=1000)
    count: int
    last_due_at: datetime = Field(sa_type=UTCDateTime)


class SlotFailureTally(SQLModel, table=True):
    """A slot's failed reminders with one reason: how many, and the latest one due."""

    __tablename__ = "slot_failure_tally"

    id: int | None = Field(default=None, primary_key=True)
    slot_id: int = Field(index=True)
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
    # The time zone `week_tally` and `week_failure_tally` are summed in; None before
    # the first dashboard.
    zone: str | None = Field(default=None, max_length=64)


class WeekSatisfaction(SQLModel, table=True):
    """Satisfaction answers of one local week (by the answer's date), site and kind."""

    __tablename__ = "week_satisfaction"
    __table_args__ = (sa.Index("ix_week_satisfaction_week", "zone", "monday"),)

    id: int | None = Field(default=None, primary_key=True)
    zone: str = Field(max_length=64)
    monday: date
    site_id: int | None = Field(default=None)
    kind: SlotKind = Field(sa_type=EnumText(SlotKind))
    answers: int
    total_score: int


class WeekNewYouths(SQLModel, table=True):
    """Youths who first wrote in one local week, per site and deep-link origin."""

    __tablename__ = "week_new_youths"
    __table_args__ = (sa.Index("ix_week_new_youths_week", "zone", "monday"),)

    id: int | None = Field(default=None, primary_key=True)
    zone: str = Field(max_length=64)
    monday: date
    site_id: int | None = Field(default=None)
    origin: str | None = Field(default=None, max_length=64)
    youths: int


class DatedChange(SQLModel, table=True):
    """The date of a satisfaction answer or youth that changed in a way the dashboard counts:
    written by triggers (migration 0007), read and emptied by the dashboard, which counts
    that date's week again. `source` names the table."""

    __tablename__ = "dated_change"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=32)
    at: datetime = Field(sa_type=UTCDateTime)
