"""The dashboard's queries (`core.stats`): read from sums per local week, kept ahead.

Slots, bookings and reminders come from `WeekTally` and `WeekFailureTally`
(`core.stats_weeks`), satisfaction answers and new youths from `WeekSatisfaction` and
`WeekNewYouths` (`core.stats_dated`); the caller brings them up to date first. The
weeks are those of the configured time zone, named by `zone`; each query reads a few
hundred rows at most, whatever the size of the database.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.models import (
    Site,
    SlotKind,
    WeekFailureTally,
    WeekNewYouths,
    WeekSatisfaction,
    WeekTally,
)
from core.staff_scope import SiteIds, in_scope
from core.stats_weeks import WEEK_COUNTS

# The columns of `Counter.activity`, after the week, site and kind; named as in `core.stats.Counts`.
ACTIVITY_COUNTS = WEEK_COUNTS
KindSums = type[WeekTally] | type[WeekFailureTally] | type[WeekSatisfaction]
WeekSums = KindSums | type[WeekNewYouths]


class Counter:
    """The dashboard's queries, over one range of weeks and one scope."""

    def __init__(
        self,
        session: AsyncSession,
        mondays: list[date],
        zone: str,
        site_ids: SiteIds,
        kinds: Collection[SlotKind] | None,
    ) -> None:
        """`mondays`: the weeks' first days, in order, in the time zone named `zone`."""
        self.session = session
        self.mondays = mondays
        self.zone = zone
        self.site_ids = site_ids
        self.kinds = list(kinds) if kinds is not None else None

    def in_view(self, table: WeekSums) -> list[sa.ColumnElement[bool]]:
        """SQL: the weeks' sums of the range, at the sites in scope."""
        return [
            col(table.zone) == self.zone,
            col(table.monday) >= self.mondays[0],
            col(table.monday) <= self.mondays[-1],
            in_scope(col(table.site_id), self.site_ids),
        ]

    def of_kinds(
        self, table: type[WeekTally] | type[WeekFailureTally] | type[WeekSatisfaction]
    ) -> list[sa.ColumnElement[bool]]:
        """SQL: as `in_view`, of the kinds wanted."""
        conditions = self.in_view(table)
        if self.kinds is not None:
            conditions.append(col(table.kind).in_(self.kinds))
        return conditions

    async def by_week(self, statement: Any) -> list[Any]:
        """The rows of `statement`, whose first column is a Monday, with the week's index."""
        index = {monday: n for n, monday in enumerate(self.mondays)}
        rows = (await self.session.execute(statement)).all()
        return [(index[monday], *rest) for monday, *rest in rows]

    async def activity(self) -> list[Any]:
        """(week, site, kind, *ACTIVITY_COUNTS)."""
        return await self.by_week(
            sa.select(
                col(WeekTally.monday),
                col(WeekTally.site_id),
                col(WeekTally.kind),
                *(getattr(WeekTally, name) for name in ACTIVITY_COUNTS),
            ).where(*self.of_kinds(WeekTally))
        )

    async def failures(self) -> list[Any]:
        """(site, kind, reason, count, latest due) of failed reminders, the most frequent first."""
        failed = sa.func.sum(col(WeekFailureTally.count))
        key = (col(WeekFailureTally.site_id), col(WeekFailureTally.kind),
               col(WeekFailureTally.reason))  # fmt: skip
        statement = (
            sa.select(*key, failed, sa.func.max(col(WeekFailureTally.last_due_at)))
            .where(*self.of_kinds(WeekFailureTally))
            .group_by(*key)
            .order_by(failed.desc(), col(WeekFailureTally.reason))
        )
        return list((await self.session.execute(statement)).all())

    async def satisfaction(self) -> list[Any]:
        """(week, site, kind, answers, total score)."""
        return await self.by_week(
            sa.select(
                col(WeekSatisfaction.monday),
                col(WeekSatisfaction.site_id),
                col(WeekSatisfaction.kind),
                col(WeekSatisfaction.answers),
                col(WeekSatisfaction.total_score),
            ).where(*self.of_kinds(WeekSatisfaction))
        )

    async def origins(self) -> list[Any]:
        """(week, site, origin, count) of the youths who first wrote in the range."""
        return await self.by_week(
            sa.select(
                col(WeekNewYouths.monday),
                col(WeekNewYouths.site_id),
                col(WeekNewYouths.origin),
                col(WeekNewYouths.youths),
            ).where(*self.in_view(WeekNewYouths))
        )

    async def site_names(self) -> list[Any]:
        """(id, name) of every site: a handful, whichever the dashboard shows."""
        statement = sa.select(col(Site.id), col(Site.name))
        return list((await self.session.execute(statement)).all())
