"""The slots' tallies summed per local week, site and kind (`WeekTally`, `WeekFailureTally`).

The dashboard shows weeks, so it reads these sums: a few hundred rows for two months
of every site, however many slots and bookings there are. They are kept by
`core.stats_tally` inside the transaction that stores slot tallies: the tallies it
replaces are taken out of their weeks and the new ones put in, so a view after a few
changes costs what those changes cost, not a recount of its weeks.

A slot's tally keeps the slot as it was counted (start, site, kind, status, capacity),
which says which week it was summed into even after the slot moved or went. Weeks
are those of one time zone, the configured one; asked for another, every week is
summed again from the slot tallies. The failure sums keep the latest failure of
each reason, which a subtraction cannot give back, so a week whose failures changed
is summed again from its slots' failure tallies instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.models import (
    OutboxStatus,
    SlotFailureTally,
    SlotKind,
    SlotStatus,
    SlotTally,
    TallyGeneration,
    WeekFailureTally,
    WeekTally,
)

Key = tuple[date, int | None, SlotKind]
# What a slot adds to its week, named as `WeekTally`'s columns.
SLOT_COUNTS = ("slots_published", "slots_cancelled", "capacity")
BOOKING_COUNTS = ("seats_booked", "reminded", "confirmed", "marked", "attended", "no_shows")
# The tally column for each reminder status.
REMINDER_COLUMNS = {status: f"reminders_{status.value}" for status in OutboxStatus}
REMINDER_COUNTS = tuple(REMINDER_COLUMNS.values())
WEEK_COUNTS = SLOT_COUNTS + BOOKING_COUNTS + REMINDER_COUNTS
# These tables are never loaded as objects: no session to keep in step with a bulk statement.
NO_SESSION_SYNC = {"synchronize_session": False}
# Rows are inserted through the tables, not the models: the ORM would split rows with a
# None (a slot with no site) into statements of their own.


def zone_name(tz: tzinfo) -> str:
    """How the weeks' time zone is recorded: its IANA name."""
    return str(getattr(tz, "key", None) or tz)


def midnight(day: date, tz: tzinfo) -> datetime:
    """The UTC instant of `day`'s local midnight."""
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def within_week(instant: Any, monday: date, tz: tzinfo) -> sa.ColumnElement[bool]:
    """SQL: `instant` falls in the local week of `monday`."""
    return sa.and_(instant >= midnight(monday, tz), instant < midnight(monday + timedelta(7), tz))


def monday_of(instant: datetime, tz: tzinfo) -> date:
    day = instant.astimezone(tz).date()
    return day - timedelta(days=day.weekday())


def week_of(tally: Mapping[str, Any], tz: tzinfo) -> Key:
    return monday_of(tally["starts_at"], tz), tally["site_id"], SlotKind(tally["kind"])


def contribution(tally: Mapping[str, Any]) -> dict[str, int]:
    """What one slot's tally adds to its week. A cancelled slot counts as cancelled, and
    its bookings (cancelled with it) nowhere; its reminders were sent all the same."""
    scheduled = tally["status"] == SlotStatus.SCHEDULED
    counts = {
        "slots_published": int(scheduled),
        "slots_cancelled": int(tally["status"] == SlotStatus.CANCELLED),
        "capacity": tally["capacity"] if scheduled else 0,
    }
    counts |= {name: tally.get(name, 0) if scheduled else 0 for name in BOOKING_COUNTS}
    return counts | {name: tally.get(name, 0) for name in REMINDER_COUNTS}


@dataclass(frozen=True)
class Replacement:
    """Rows of slot tallies (or of their failures) taken out, and those put in their place."""

    replaced: list[dict[str, Any]]
    stored: list[dict[str, Any]]

    def by_slot(self) -> tuple[dict[int, list[dict[str, Any]]], dict[int, list[dict[str, Any]]]]:
        before: dict[int, list[dict[str, Any]]] = defaultdict(list)
        after: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for rows, by_slot in ((self.replaced, before), (self.stored, after)):
            for row in rows:
                by_slot[row["slot_id"]].append(row)
        return before, after


async def follow(
    session: AsyncSession, tz: tzinfo, tallies: Replacement, failures: Replacement
) -> None:
    """Move the replaced slot tallies out of their weeks and the stored ones in; sum
    again the failures of the weeks where a slot's failures changed."""
    deltas: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(WEEK_COUNTS, 0))
    for rows, sign in ((tallies.replaced, -1), (tallies.stored, 1)):
        for tally in rows:
            delta = deltas[week_of(tally, tz)]
            for name, count in contribution(tally).items():
                delta[name] += sign * count
    changed = {key: delta for key, delta in deltas.items() if any(delta.values())}
    if changed:
        await _add_to_weeks(session, zone_name(tz), changed)
    weeks = _weeks_whose_failures_changed(tz, tallies, failures)
    if weeks:
        await _sum_failures(session, tz, {monday for monday, _, _ in weeks})


def _weeks_whose_failures_changed(
    tz: tzinfo, tallies: Replacement, failures: Replacement
) -> set[Key]:
    """The weeks of the slots whose failures changed, or that moved with failures."""
    old_tallies, new_tallies = tallies.by_slot()
    old_failures, new_failures = failures.by_slot()
    weeks: set[Key] = set()
    for slot_id in old_tallies.keys() | new_tallies.keys():
        before = {_failure(row) for row in old_failures.get(slot_id, [])}
        after = {_failure(row) for row in new_failures.get(slot_id, [])}
        slot_weeks = {week_of(t, tz) for t in old_tallies[slot_id] + new_tallies[slot_id]}
        if before != after or (len(slot_weeks) > 1 and (before or after)):
            weeks |= slot_weeks
    return weeks


def _failure(row: Mapping[str, Any]) -> tuple[str, int, datetime]:
    return row["reason"], row["count"], aware(row["last_due_at"])


def aware(value: datetime | str) -> datetime:
    """An aggregate may lose the column's type: SQLite can hand back text or a naive datetime."""
    instant = datetime.fromisoformat(value) if isinstance(value, str) else value
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


async def sum_every_week(session: AsyncSession, tz: tzinfo) -> None:
    """Throw the sums away and sum every slot tally again, in the weeks of `tz`."""
    for table in (WeekTally, WeekFailureTally):
        await session.execute(sa.delete(table), execution_options=NO_SESSION_SYNC)
    tallies = await session.execute(sa.select(*SlotTally.__table__.c))  # type: ignore[attr-defined]
    sums: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(WEEK_COUNTS, 0))
    for row in tallies.mappings():
        tally = dict(row)
        week = sums[week_of(tally, tz)]
        for name, count in contribution(tally).items():
            week[name] += count
    await _insert_weeks(session, zone_name(tz), sums)
    await _sum_failures(session, tz, None)
    await session.execute(
        sa.update(TallyGeneration).values(zone=zone_name(tz)), execution_options=NO_SESSION_SYNC
    )


async def _add_to_weeks(
    session: AsyncSession, zone: str, deltas: dict[Key, dict[str, int]]
) -> None:
    week_rows = await session.execute(
        sa.select(*WeekTally.__table__.c).where(  # type: ignore[attr-defined]
            col(WeekTally.zone) == zone,
            col(WeekTally.monday).in_({monday for monday, _, _ in deltas}),
        )
    )
    sums = {key: dict(delta) for key, delta in deltas.items()}
    replaced: list[int] = []
    for row in week_rows.mappings():
        key = (row["monday"], row["site_id"], SlotKind(row["kind"]))
        if key in sums:
            replaced.append(row["id"])
            for name in WEEK_COUNTS:
                sums[key][name] += row[name]
    if replaced:
        await session.execute(
            sa.delete(WeekTally).where(col(WeekTally.id).in_(replaced)),
            execution_options=NO_SESSION_SYNC,
        )
    # A week left with no slot of that site and kind has nothing left to show.
    await _insert_weeks(session, zone, {key: s for key, s in sums.items() if any(s.values())})


async def _insert_weeks(session: AsyncSession, zone: str, sums: dict[Key, dict[str, int]]) -> None:
    rows = [
        {"zone": zone, "monday": monday, "site_id": site_id, "kind": kind, **counts}
        for (monday, site_id, kind), counts in sums.items()
    ]
    if rows:
        await session.execute(WeekTally.__table__.insert(), rows)  # type: ignore[attr-defined]


async def _sum_failures(session: AsyncSession, tz: tzinfo, mondays: set[date] | None) -> None:
    """Sum again the failures of the weeks of `mondays`, or of every week with None."""
    zone = zone_name(tz)
    failures = (
        sa.select(
            col(SlotTally.starts_at),
            col(SlotTally.site_id),
            col(SlotTally.kind),
            col(SlotFailureTally.reason),
            col(SlotFailureTally.count),
            col(SlotFailureTally.last_due_at),
        )
        .select_from(SlotFailureTally)
        .join(SlotTally, col(SlotTally.slot_id) == col(SlotFailureTally.slot_id))
    )
    if mondays is not None:
        await session.execute(
            sa.delete(WeekFailureTally).where(
                col(WeekFailureTally.zone) == zone, col(WeekFailureTally.monday).in_(mondays)
            ),
            execution_options=NO_SESSION_SYNC,
        )
        starts_at = col(SlotTally.starts_at)
        failures = failures.where(
            sa.or_(*(within_week(starts_at, monday, tz) for monday in sorted(mondays)))
        )
    await _insert_failures(session, tz, (await session.execute(failures)).all())


async def _insert_failures(session: AsyncSession, tz: tzinfo, failures: Iterable[Any]) -> None:
    sums: dict[tuple[Key, str], list[Any]] = {}
    for starts_at, site_id, kind, reason, count, last_due_at in failures:
        week = (monday_of(starts_at, tz), site_id, SlotKind(kind))
        found = sums.setdefault((week, reason), [0, last_due_at])
        found[0] += count
        found[1] = max(found[1], last_due_at)
    rows = [
        {
            "zone": zone_name(tz),
            "monday": monday,
            "site_id": site_id,
            "kind": kind,
            "reason": reason,
            "count": count,
            "last_due_at": last_due_at,
        }
        for ((monday, site_id, kind), reason), (count, last_due_at) in sums.items()
    ]
    if rows:
        await session.execute(WeekFailureTally.__table__.insert(), rows)  # type: ignore[attr-defined]
