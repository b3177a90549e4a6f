"""Sums per local week of what the dashboard counts by its own date: satisfaction answers
(by the day of the answer, per site and kind) and new youths (by the day they first
wrote, per site and deep-link origin) (`WeekSatisfaction`, `WeekNewYouths`).

Triggers (migration 0007) write the date of every answer or youth that comes, goes or
changes in a way these sums count into `dated_change`; `core.stats_tally` reads those
dates with the slots' changes and has the weeks they fall in counted again here, from
their rows: a week is a few hundred rows, where the dashboard's range is thousands.
Counting is done in Python over the rows of those weeks, so that a row's week is its
local Monday whatever the database (SQLite knows no time zones).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.models import (
    DatedChange,
    SatisfactionAnswer,
    SlotKind,
    WeekNewYouths,
    WeekSatisfaction,
    Youth,
)
from core.stats_weeks import NO_SESSION_SYNC, monday_of, within_week, zone_name

# The tables whose rows are counted by their date, as the triggers name them.
SATISFACTION = "satisfaction_answer"
NEW_YOUTHS = "youth"


@dataclass(frozen=True)
class DatedWeeks:
    """Weeks counted again, per table (None: every week, in another time zone), and their
    rows of `WeekSatisfaction` and `WeekNewYouths`."""

    mondays: dict[str, set[date]] | None
    satisfaction: list[dict[str, Any]]
    new_youths: list[dict[str, Any]]


async def changed_weeks(session: AsyncSession, tz: tzinfo, last_id: int) -> dict[str, set[date]]:
    """The weeks of the dated changes up to `last_id`, per table."""
    changes = await session.execute(
        sa.select(col(DatedChange.source), col(DatedChange.at))
        .distinct()
        .where(col(DatedChange.id) <= last_id)
    )
    mondays: dict[str, set[date]] = defaultdict(set)
    for source, at in changes.all():
        mondays[source].add(monday_of(at, tz))
    return mondays


async def count(
    session: AsyncSession, tz: tzinfo, mondays: dict[str, set[date]] | None
) -> DatedWeeks:
    """Count the weeks of `mondays` again, or every week with None."""
    zone = zone_name(tz)

    def weeks_of(source: str) -> set[date] | None:
        return None if mondays is None else mondays.get(source, set())

    answers = await _rows_in(
        session,
        tz,
        weeks_of(SATISFACTION),
        col(SatisfactionAnswer.answered_at),
        col(SatisfactionAnswer.site_id),
        col(SatisfactionAnswer.slot_kind),
        col(SatisfactionAnswer.score),
    )
    satisfaction: dict[tuple[date, int | None, SlotKind], list[int]] = defaultdict(lambda: [0, 0])
    for answered_at, site_id, kind, score in answers:
        sums = satisfaction[(monday_of(answered_at, tz), site_id, SlotKind(kind))]
        sums[0] += 1
        sums[1] += score
    youths = await _rows_in(
        session,
        tz,
        weeks_of(NEW_YOUTHS),
        col(Youth.created_at),
        col(Youth.site_id),
        col(Youth.origin),
        condition=col(Youth.telegram_user_id) >= 0,  # not the bot preview's staff
    )
    new_youths: dict[tuple[date, int | None, str | None], int] = defaultdict(int)
    for created_at, site_id, origin in youths:
        new_youths[(monday_of(created_at, tz), site_id, origin)] += 1
    return DatedWeeks(
        mondays,
        [
            {
                "zone": zone,
                "monday": monday,
                "site_id": site_id,
                "kind": kind,
                "answers": answered,
                "total_score": total,
            }
            for (monday, site_id, kind), (answered, total) in satisfaction.items()
        ],
        [
            {"zone": zone, "monday": monday, "site_id": site_id, "origin": origin, "youths": n}
            for (monday, site_id, origin), n in new_youths.items()
        ],
    )


async def store(session: AsyncSession, tz: tzinfo, weeks: DatedWeeks) -> None:
    """Replace the sums of the weeks counted again (of every week: those of every zone)."""
    for table, source, rows in (
        (WeekSatisfaction, SATISFACTION, weeks.satisfaction),
        (WeekNewYouths, NEW_YOUTHS, weeks.new_youths),
    ):
        stale = sa.delete(table)
        if weeks.mondays is not None:
            mondays = weeks.mondays.get(source)
            if not mondays:
                continue
            stale = stale.where(
                col(table.zone) == zone_name(tz), col(table.monday).in_(sorted(mondays))
            )
        await session.execute(stale, execution_options=NO_SESSION_SYNC)
        if rows:
            await session.execute(table.__table__.insert(), rows)  # type: ignore[union-attr]


async def _rows_in(
    session: AsyncSession,
    tz: tzinfo,
    mondays: set[date] | None,
    instant: Any,
    *columns: Any,
    condition: Any = None,
) -> list[Any]:
    """(`instant`, *`columns`) of the rows dated within the weeks of `mondays` (None: all)."""
    statement = sa.select(instant, *columns)
    if condition is not None:
        statement = statement.where(condition)
    if mondays is not None:
        if not mondays:
            return []
        statement = statement.where(
            sa.or_(*(within_week(instant, monday, tz) for monday in sorted(mondays)))
        )
    return list((await session.execute(statement)).all())
