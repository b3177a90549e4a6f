"""Keeping the dashboard's counts up to date (tables in `core.models.tallies`).

The dashboard reads sums per week (`core.stats_weeks`) of one tally per slot instead
of every booking and reminder: at a year's scale that is the difference between a
second and a few milliseconds. Triggers (migrations 0006 and 0007) write a row into
`slot_tally_change` for each new, changed or deleted slot and each change to a slot's
bookings or reminders that the dashboard counts, so every slot has a tally or a change
row. Before it reads, `bring_up_to_date` counts again the slots with change rows and
stores their tallies, moving the difference into the weeks' sums; in the same pass,
the weeks whose satisfaction answers or new youths changed are counted again
(`core.stats_dated`). With nothing changed, it costs one small query.

Counting is done outside any write transaction, so that on SQLite a large recount
does not hold the bot's writers back; storing is a short transaction. A concurrent
dashboard may store in between: storing checks the generation it read before
counting, and on a change counts again (after two tries, it counts while holding the
generation, which nobody can then overtake). A change committed while we count either
has its change row read by us before counting (so it is in the counts) or keeps its
change row for the next dashboard: the change rows we delete are exactly those we had
seen, which `_consume` checks by their number. The counting itself is
`core.slot_counts`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core import stats_dated, stats_weeks
from core.db import Database
from core.models import (
    DatedChange,
    Slot,
    SlotFailureTally,
    SlotTally,
    SlotTallyChange,
    TallyGeneration,
)
from core.slot_counts import count_slots
from core.stats_weeks import NO_SESSION_SYNC, zone_name

OPTIMISTIC_TRIES = 2
Tallies = type[SlotTally] | type[SlotFailureTally]
# The slot as it is counted: which week, site and kind its tally is summed into.
_SLOT_AS_COUNTED = ("starts_at", "site_id", "kind", "status", "capacity")


@dataclass
class _Recount:
    """What one pass counted, and what it read before counting."""

    generation: int
    # The weeks' time zone the sums are in (None before the first), and the one wanted.
    zone_summed: str | None
    tz: tzinfo
    # The change rows seen before counting: how many, and the highest id among them.
    changes_seen: int
    last_change_id: int
    dated_changes_seen: int
    last_dated_change_id: int
    # The slots still there, as they are now; a deleted slot's rows are consumed all the same.
    slots: dict[int, dict[str, Any]]
    tallies: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    dated: stats_dated.DatedWeeks | None = None

    @property
    def in_another_zone(self) -> bool:
        return self.zone_summed != zone_name(self.tz)


async def bring_up_to_date(database: Database, tz: tzinfo) -> None:
    """Recount the slots whose tally is missing or out of date, store their tallies and
    their weeks' sums in the weeks of `tz`."""
    for _ in range(OPTIMISTIC_TRIES):
        async with database.reading() as session:
            recount = await _recount(session, tz)
        if recount is None:
            return
        async with database.transaction() as session:
            if await _store(session, recount):
                return
    # Other dashboards kept storing first: count with the generation held.
    async with database.transaction() as session:
        await session.execute(
            sa.select(col(TallyGeneration.generation)).with_for_update()
        )  # SQLite's BEGIN IMMEDIATE already holds every writer back.
        recount = await _recount(session, tz)
        if recount is not None and not await _store(session, recount):
            raise RuntimeError("the tally generation moved while it was held")


async def _recount(session: AsyncSession, tz: tzinfo) -> _Recount | None:
    def seen(table: type[SlotTallyChange] | type[DatedChange]) -> list[Any]:
        return [
            sa.select(sa.func.count()).select_from(table).scalar_subquery(),
            sa.select(sa.func.coalesce(sa.func.max(col(table.id)), 0)).scalar_subquery(),
        ]

    marks = sa.select(
        col(TallyGeneration.generation),
        col(TallyGeneration.zone),
        *seen(SlotTallyChange),
        *seen(DatedChange),
    )
    generation, zone, changes, last_id, dated_changes, last_dated_id = (
        await session.execute(marks)
    ).one()
    if not changes and not dated_changes and zone == zone_name(tz):
        return None
    stale = await session.execute(
        sa.select(col(Slot.id).label("slot_id"), *(getattr(Slot, c) for c in _SLOT_AS_COUNTED))
        .where(
            col(Slot.id).in_(
                sa.select(col(SlotTallyChange.slot_id)).where(col(SlotTallyChange.id) <= last_id)
            )
        )
        .order_by(col(Slot.id))
    )
    slots = {row["slot_id"]: dict(row) for row in stale.mappings()}
    recount = _Recount(int(generation or 0), zone, tz, int(changes), last_id, int(dated_changes),
                       last_dated_id, slots)  # fmt: skip
    mondays = None  # in another zone, every week
    if not recount.in_another_zone:
        mondays = {}
        if dated_changes:
            mondays = await stats_dated.changed_weeks(session, tz, last_dated_id)
    recount.dated = await stats_dated.count(session, tz, mondays)
    recount.tallies, recount.failures = await count_slots(session, slots)
    return recount


async def _store(session: AsyncSession, recount: _Recount) -> bool:
    """Replace the recounted tallies; False, storing nothing, if another dashboard stored
    since `recount` read the generation."""
    bumped = await session.execute(
        sa.update(TallyGeneration)
        .where(col(TallyGeneration.generation) == recount.generation)
        .values(generation=col(TallyGeneration.generation) + 1),
        execution_options=NO_SESSION_SYNC,
    )
    if bumped.rowcount != 1:  # type: ignore[attr-defined]
        return False
    recounted = sa.select(col(SlotTallyChange.slot_id)).where(
        col(SlotTallyChange.id) <= recount.last_change_id
    )
    replaced = await _take_out(session, SlotTally, recounted)
    replaced_failures = await _take_out(session, SlotFailureTally, recounted)
    await _consume(session, SlotTallyChange, recount.last_change_id, recount.changes_seen)
    if recount.dated_changes_seen:
        await _consume(
            session, DatedChange, recount.last_dated_change_id, recount.dated_changes_seen
        )
    await _put_in(session, SlotTally, recount.tallies)
    await _put_in(session, SlotFailureTally, recount.failures)
    if recount.dated is not None:
        await stats_dated.store(session, recount.tz, recount.dated)
    if recount.in_another_zone:
        await stats_weeks.sum_every_week(session, recount.tz)
    else:
        await stats_weeks.follow(
            session,
            recount.tz,
            stats_weeks.Replacement(replaced, recount.tallies),
            stats_weeks.Replacement(replaced_failures, recount.failures),
        )
    return True


async def _take_out(session: AsyncSession, table: Tallies, slot_ids: Any) -> list[dict[str, Any]]:
    """Delete the rows of `table` for `slot_ids`, and return them."""
    columns = table.__table__.c  # type: ignore[union-attr]
    rows = await session.execute(
        sa.delete(table.__table__)  # type: ignore[union-attr]
        .where(columns.slot_id.in_(slot_ids))
        .returning(*columns)
    )
    return [dict(row) for row in rows.mappings()]


async def _put_in(session: AsyncSession, table: Tallies, rows: list[dict[str, Any]]) -> None:
    """Insert `rows`, which all have the same keys, in one statement."""
    if rows:
        await session.execute(table.__table__.insert(), rows)  # type: ignore[union-attr]


async def _consume(
    session: AsyncSession,
    table: type[SlotTallyChange] | type[DatedChange],
    last_id: int,
    seen: int,
) -> None:
    # On PostgreSQL ids are handed out before commit: a writer that took an id below
    # ours may have committed after we read. Its change may be missing from our counts,
    # so every row is kept and counted again next time.
    consumed = col(table.id) <= last_id
    now_seen = await session.scalar(sa.select(sa.func.count()).select_from(table).where(consumed))
    if now_seen == seen:
        await session.execute(sa.delete(table).where(consumed), execution_options=NO_SESSION_SYNC)
