"""The coordinators' dashboard: activity per ISO week, site and slot kind.

Everything is counted in the database, never by loading rows: the dashboard must
stay fast over hundreds of thousands of bookings and reminders, so slots, bookings
and reminders are read from sums per week, site and kind of per-slot tallies
(`core.stats_tally`, `core.stats_weeks`), which `dashboard` brings up to date first.
Weeks are local ISO weeks (Monday 00:00 in the configured time zone): their bounds are
computed here, DST included; the database sorts satisfaction answers and new youths
into their week with a CASE over those bounds, which both SQLite (no time zones) and
PostgreSQL run alike.

What is counted, and by which date:
- slots, seats, confirmations, attendance and reminders by the week the slot starts;
- satisfaction by the week of the answer, from the site and kind copied onto it,
  so the scores outlive the bookings (deleted after two years);
- new youths by the week they first wrote, per deep-link origin and site.
Cancelled slots count as cancelled, not published, and their (cancelled)
bookings count nowhere. Reminder counts are of reminders proper (48 h, 2 h),
not of the other messages of the outbox.

`dashboard` owns its transactions: it may store tallies, then reads in a session of
its own. The queries are in `core.stats_queries`, the CSV tables in `core.stats_csv`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import KW_ONLY, dataclass, field, fields
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from core.db import Database
from core.models import OutboxStatus, SlotKind
from core.staff_scope import SiteIds
from core.stats_queries import ACTIVITY_COUNTS, Counter
from core.stats_tally import bring_up_to_date
from core.stats_weeks import (
    BOOKING_COUNTS,
    REMINDER_COLUMNS,
    SLOT_COUNTS,
    aware,
    midnight,
    zone_name,
)

# Two years of weeks: what a coordinator compares; longer ranges belong in an export job.
MAX_WEEKS = 106
Key = tuple[int, int | None, SlotKind]


@dataclass(frozen=True)
class Rate:
    """A ratio the panel shows as "12/40 (30 %)"; no fraction when nothing was counted."""

    numerator: int
    denominator: int

    @property
    def fraction(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class Week:
    index: int
    monday: date
    # The week's bounds in UTC: [starts_at, ends_at).
    starts_at: datetime
    ends_at: datetime

    @property
    def label(self) -> str:
        """ISO 8601: "2026-W48"."""
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"


@dataclass
class Counts:
    """What is counted for a (week, site, kind), or summed over a week: see the module."""

    _: KW_ONLY
    slots_published: int = 0
    slots_cancelled: int = 0
    capacity: int = 0
    seats_booked: int = 0
    # Bookings that got a reminder, and those of them that answered "Je viens".
    reminded: int = 0
    confirmed: int = 0
    # Seats whose attendance was marked, and how.
    marked: int = 0
    attended: int = 0
    no_shows: int = 0
    reminders: dict[OutboxStatus, int] = field(default_factory=dict)
    satisfaction_count: int = 0
    satisfaction_total: int = 0

    @property
    def fill(self) -> Rate:
        return Rate(self.seats_booked, self.capacity)

    @property
    def confirmation(self) -> Rate:
        return Rate(self.confirmed, self.reminded)

    @property
    def attendance(self) -> Rate:
        return Rate(self.attended, self.marked)

    @property
    def no_show(self) -> Rate:
        return Rate(self.no_shows, self.marked)

    @property
    def satisfaction_average(self) -> float | None:
        count = self.satisfaction_count
        return self.satisfaction_total / count if count else None

    def add(self, other: Counts) -> None:
        for name in _SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for status, count in other.reminders.items():
            self.reminders[status] = self.reminders.get(status, 0) + count


_SUMMED = tuple(f.name for f in fields(Counts) if f.name != "reminders")


@dataclass
class ActivityRow(Counts):
    week: Week
    site_id: int | None
    kind: SlotKind


@dataclass
class WeekTotal(Counts):
    """Every row of one week added up: what the charts draw."""

    week: Week


@dataclass(frozen=True)
class FailureRow:
    site_id: int | None
    kind: SlotKind
    # Telegram's answer as the dispatcher kept it; "" when none was kept.
    reason: str
    count: int
    last_due_at: datetime


@dataclass(frozen=True)
class OriginRow:
    week: Week
    site_id: int | None
    # The deep-link campaign the youth came from; None for a plain /start.
    origin: str | None
    new_youths: int


@dataclass(frozen=True)
class Dashboard:
    weeks: list[Week]
    # By week, then site, then kind; only the combinations with something to count.
    activity: list[ActivityRow]
    # The most frequent first.
    failures: list[FailureRow]
    origins: list[OriginRow]
    site_names: dict[int, str]


def weekly_totals(board: Dashboard) -> list[WeekTotal]:
    """One total per week of the range, empty weeks included, so the charts show the gaps."""
    totals = [WeekTotal(week) for week in board.weeks]
    for row in board.activity:
        totals[row.week.index].add(row)
    return totals


def weeks_between(first_day: date, last_day: date, tz: tzinfo) -> list[Week]:
    """The whole local ISO weeks covering `first_day` to `last_day`: a part of a week
    would compare badly with the others."""
    if last_day < first_day:
        raise ValueError("the range ends before it starts")
    monday = first_day - timedelta(days=first_day.weekday())
    weeks: list[Week] = []
    while monday <= last_day:
        if len(weeks) == MAX_WEEKS:
            raise ValueError(f"at most {MAX_WEEKS} weeks at a time")
        following = monday + timedelta(days=7)
        weeks.append(Week(len(weeks), monday, midnight(monday, tz), midnight(following, tz)))
        monday = following
    return weeks


async def dashboard(
    database: Database,
    *,
    site_ids: SiteIds,
    first_day: date,
    last_day: date,
    tz: tzinfo,
    kinds: Collection[SlotKind] | None = None,
) -> Dashboard:
    weeks = weeks_between(first_day, last_day, tz)
    mondays = [w.monday for w in weeks]
    await bring_up_to_date(database, tz)

    # Each query reads a few hundred sums: one after the other in one session costs
    # less than sessions side by side.
    async with database.reading() as session:
        counter = Counter(session, mondays, zone_name(tz), site_ids, kinds)
        counted = [
            await query()
            for query in (
                counter.activity,
                counter.satisfaction,
                counter.failures,
                counter.origins,
                counter.site_names,
            )
        ]
    return _assemble(weeks, *counted)


def _assemble(
    weeks: list[Week],
    activity_rows: list[Any],
    satisfaction_rows: list[Any],
    failure_rows: list[Any],
    origin_rows: list[Any],
    site_rows: list[Any],
) -> Dashboard:
    rows: dict[Key, ActivityRow] = {}

    def row(key: Any) -> ActivityRow:
        week, site_id, kind = key
        found = rows.get((week, site_id, kind))
        if found is None:
            found = rows[(week, site_id, kind)] = ActivityRow(weeks[week], site_id, kind)
        return found

    for week, site_id, kind, *counts in activity_rows:
        target = row((week, site_id, kind))
        numbers = dict(zip(ACTIVITY_COUNTS, (int(n) for n in counts), strict=True))
        for name in SLOT_COUNTS + BOOKING_COUNTS:
            setattr(target, name, numbers[name])
        target.reminders = {
            status: numbers[column]
            for status, column in REMINDER_COLUMNS.items()
            if numbers[column]
        }
    for *key, count, total in satisfaction_rows:
        target = row(key)
        target.satisfaction_count, target.satisfaction_total = int(count), int(total)
    activity = sorted(rows.values(), key=lambda r: (r.week.index, r.site_id or 0, r.kind.value))
    failures = [
        FailureRow(site_id, SlotKind(kind), reason, int(count), aware(last))
        for site_id, kind, reason, count, last in failure_rows
    ]
    origins = sorted(
        (OriginRow(weeks[w], site, origin, int(n)) for w, site, origin, n in origin_rows),
        key=lambda r: (r.week.index, r.site_id or 0, r.origin or ""),
    )
    shown = {r.site_id for r in activity} | {r.site_id for r in failures}
    shown |= {r.site_id for r in origins}
    names = {site_id: name for site_id, name in site_rows if site_id in shown}
    return Dashboard(weeks, activity, failures, origins, names)
