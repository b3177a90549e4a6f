"""The dashboard's queries (`core.stats`): counted in the database, grouped by week, site, kind.

Each query sorts an instant into its week with a CASE over the weeks' bounds,
selects it as a labelled column of a subquery, and groups the outer query by
that label: PostgreSQL then sees one expression to group by, rather than two
copies of the CASE with their own parameters, which it would refuse.

Bookings and reminders are read from the slots' tallies (`core.stats_tally`), which
the caller brings up to date first; satisfaction and new youths are few enough to
count from their rows.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.models import (
    SatisfactionAnswer,
    Site,
    Slot,
    SlotFailureTally,
    SlotKind,
    SlotStatus,
    SlotTally,
    Youth,
)
from core.staff_scope import SiteIds, in_scope
from core.stats_tally import REMINDER_COLUMNS


class Counter:
    """The dashboard's queries, over one range of weeks and one scope."""

    def __init__(
        self,
        session: AsyncSession,
        weeks: list[tuple[datetime, datetime]],
        site_ids: SiteIds,
        kinds: Collection[SlotKind] | None,
    ) -> None:
        self.session = session
        self.weeks = weeks
        self.site_ids = site_ids
        self.kinds = list(kinds) if kinds is not None else None

    def week_of(self, instant: Any) -> Any:
        branches = ((instant < ends_at, index) for index, (_, ends_at) in enumerate(self.weeks))
        return sa.case(*branches).label("week")

    def within(self, instant: Any) -> sa.ColumnElement[bool]:
        return sa.and_(instant >= self.weeks[0][0], instant < self.weeks[-1][1])

    def slot_filter(self) -> list[sa.ColumnElement[bool]]:
        return slots_in_view(self.weeks, self.site_ids, self.kinds)

    def slot_key(self) -> list[Any]:
        return [
            self.week_of(col(Slot.starts_at)),
            col(Slot.site_id).label("site_id"),
            col(Slot.kind).label("kind"),
        ]

    async def grouped(self, inner: sa.Select[Any], *sums: Any) -> list[Any]:
        """Group the labelled rows of `inner` by week, site and kind; `sums` read its columns."""
        rows = inner.subquery()
        key = [rows.c.week, rows.c.site_id, rows.c.kind]
        outer = sa.select(*key, *(agg(rows.c) for agg in sums)).group_by(*key)
        return list((await self.session.execute(outer)).all())

    async def activity(self) -> list[Any]:
        """Per (week, site, kind): slots published and cancelled, capacity, then the
        slots' tallies (`core.stats_tally`), which the caller brought up to date."""
        scheduled = col(Slot.status) == SlotStatus.SCHEDULED
        tally = {name: sa.func.coalesce(column, 0) for name, column in _TALLY_COLUMNS.items()}
        columns = [
            _flag(scheduled).label("slots_published"),
            _flag(col(Slot.status) == SlotStatus.CANCELLED).label("slots_cancelled"),
            sa.case((scheduled, col(Slot.capacity)), else_=0).label("capacity"),
            # A cancelled slot's bookings were cancelled with it: they count nowhere.
            *(sa.case((scheduled, tally[name]), else_=0).label(name) for name in BOOKING_COUNTS),
            # Its reminders were sent or skipped all the same.
            *(tally[name].label(name) for name in REMINDER_COUNTS),
        ]
        inner = (
            sa.select(*self.slot_key(), *columns)
            .outerjoin(SlotTally, col(SlotTally.slot_id) == col(Slot.id))
            .where(*self.slot_filter())
        )
        return await self.grouped(inner, *(_sum(name) for name in ACTIVITY_COUNTS))

    async def failures(self) -> list[Any]:
        """(site, kind, reason, count, latest due) of failed reminders, the most frequent first."""
        failed = sa.func.sum(col(SlotFailureTally.count))
        statement = (
            sa.select(
                col(Slot.site_id),
                col(Slot.kind),
                col(SlotFailureTally.reason),
                failed,
                sa.func.max(col(SlotFailureTally.last_due_at)),
            )
            .select_from(SlotFailureTally)
            .join(Slot, col(Slot.id) == col(SlotFailureTally.slot_id))
            .where(*self.slot_filter())
            .group_by(col(Slot.site_id), col(Slot.kind), col(SlotFailureTally.reason))
            .order_by(failed.desc(), col(SlotFailureTally.reason))
        )
        return list((await self.session.execute(statement)).all())

    async def satisfaction(self) -> list[Any]:
        answered = col(SatisfactionAnswer.answered_at)
        conditions = [
            self.within(answered),
            in_scope(col(SatisfactionAnswer.site_id), self.site_ids),
        ]
        if self.kinds is not None:
            conditions.append(col(SatisfactionAnswer.slot_kind).in_(self.kinds))
        inner = sa.select(
            self.week_of(answered),
            col(SatisfactionAnswer.site_id).label("site_id"),
            col(SatisfactionAnswer.slot_kind).label("kind"),
            col(SatisfactionAnswer.score).label("score"),
        ).where(*conditions)
        return await self.grouped(inner, lambda c: sa.func.count(), _sum("score"))

    async def origins(self) -> list[Any]:
        """(week, site, origin, count) of the youths who first wrote in the range."""
        created = col(Youth.created_at)
        inner = (
            sa.select(
                self.week_of(created),
                col(Youth.site_id).label("site_id"),
                col(Youth.origin).label("origin"),
            )
            .where(
                self.within(created),
                in_scope(col(Youth.site_id), self.site_ids),
                col(Youth.telegram_user_id) >= 0,  # not the bot preview's staff
            )
            .subquery()
        )
        key = [inner.c.week, inner.c.site_id, inner.c.origin]
        statement = sa.select(*key, sa.func.count()).group_by(*key)
        return list((await self.session.execute(statement)).all())

    async def site_names(self) -> list[Any]:
        """(id, name) of every site: a handful, whichever the dashboard shows."""
        statement = sa.select(col(Site.id), col(Site.name))
        return list((await self.session.execute(statement)).all())


# The columns of `Counter.activity`, after the week, site and kind; named as in `core.stats.Counts`.
SLOT_COUNTS = ("slots_published", "slots_cancelled", "capacity")
BOOKING_COUNTS = ("seats_booked", "reminded", "confirmed", "marked", "attended", "no_shows")
REMINDER_COUNTS = tuple(REMINDER_COLUMNS.values())
ACTIVITY_COUNTS = SLOT_COUNTS + BOOKING_COUNTS + REMINDER_COUNTS
_TALLY_COLUMNS = {name: getattr(SlotTally, name) for name in BOOKING_COUNTS + REMINDER_COUNTS}


def slots_in_view(
    weeks: list[tuple[datetime, datetime]],
    site_ids: SiteIds,
    kinds: Collection[SlotKind] | None,
) -> list[sa.ColumnElement[bool]]:
    """SQL: the slots starting within `weeks`, at `site_ids`, of `kinds`."""
    starts_at = col(Slot.starts_at)
    conditions = [
        starts_at >= weeks[0][0],
        starts_at < weeks[-1][1],
        in_scope(col(Slot.site_id), site_ids),
    ]
    if kinds is not None:
        conditions.append(col(Slot.kind).in_(list(kinds)))
    return conditions


def _flag(condition: Any) -> Any:
    return sa.case((condition, 1), else_=0)


def _sum(name: str) -> Any:
    return lambda columns: sa.func.coalesce(sa.func.sum(columns[name]), 0)
