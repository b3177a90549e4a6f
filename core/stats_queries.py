"""The dashboard's queries (`core.stats`): counted in the database, grouped by week, site, kind.

Each query sorts an instant into its week with a CASE over the weeks' bounds,
selects it as a labelled column of a subquery, and groups the outer query by
that label: PostgreSQL then sees one expression to group by, rather than two
copies of the CASE with their own parameters, which it would refuse.

The queries follow the indexes: slots by (site, starts_at) or (kind, starts_at),
bookings by (slot, status), reminders by booking; see the report of issue 7 for
the ones a benchmark at full size may still want.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.booking.rules import ATTENDANCE_MARKS
from core.models import (
    Booking,
    BookingStatus,
    Confirmation,
    OutboxKind,
    OutboxStatus,
    Reminder,
    SatisfactionAnswer,
    Slot,
    SlotKind,
    SlotStatus,
    Youth,
)
from core.rosters import seat_count_filter
from core.staff_preview import not_staff_preview
from core.staff_scope import SiteIds, in_scope


class Counter:
    """The dashboard's queries, over one range of weeks and one scope."""

    def __init__(
        self,
        session: AsyncSession,
        weeks: list[tuple[datetime, datetime]],
        site_ids: SiteIds,
        kinds: Collection[SlotKind] | None,
        staff_previews: list[int],
    ) -> None:
        self.session = session
        self.weeks = weeks
        self.site_ids = site_ids
        self.kinds = list(kinds) if kinds is not None else None
        # The bot preview's youths (`core.staff_preview`): staff, not young people.
        self.young_people_only = not_staff_preview(col(Booking.youth_id), staff_previews)

    def week_of(self, instant: Any) -> Any:
        branches = ((instant < ends_at, index) for index, (_, ends_at) in enumerate(self.weeks))
        return sa.case(*branches).label("week")

    def within(self, instant: Any) -> sa.ColumnElement[bool]:
        return sa.and_(instant >= self.weeks[0][0], instant < self.weeks[-1][1])

    def slot_filter(self) -> list[sa.ColumnElement[bool]]:
        conditions = [self.within(col(Slot.starts_at)), in_scope(col(Slot.site_id), self.site_ids)]
        if self.kinds is not None:
            conditions.append(col(Slot.kind).in_(self.kinds))
        return conditions

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

    async def slots(self) -> list[Any]:
        scheduled = col(Slot.status) == SlotStatus.SCHEDULED
        inner = sa.select(
            *self.slot_key(),
            _flag(scheduled).label("published"),
            _flag(col(Slot.status) == SlotStatus.CANCELLED).label("cancelled"),
            sa.case((scheduled, col(Slot.capacity)), else_=0).label("capacity"),
        ).where(*self.slot_filter())
        return await self.grouped(
            inner, *(_sum(name) for name in ("published", "cancelled", "capacity"))
        )

    async def bookings(self) -> list[Any]:
        reminded = (
            sa.select(col(Reminder.id))
            .where(
                col(Reminder.booking_id) == col(Booking.id),
                col(Reminder.kind) == OutboxKind.REMINDER,
                col(Reminder.status) == OutboxStatus.SENT,
            )
            .exists()
        )
        marked = col(Booking.status).in_(ATTENDANCE_MARKS) & col(
            Booking.attendance_marked_at
        ).is_not(None)
        inner = (
            sa.select(
                *self.slot_key(),
                _flag(seat_count_filter()).label("seat"),
                _flag(reminded).label("reminded"),
                _flag(col(Booking.confirmation) == Confirmation.COMING).label("coming"),
                _flag(marked).label("marked"),
                _flag(marked & (col(Booking.status) == BookingStatus.ATTENDED)).label("attended"),
                _flag(marked & (col(Booking.status) == BookingStatus.NO_SHOW)).label("no_show"),
            )
            .join(Slot, col(Slot.id) == col(Booking.slot_id))
            .where(
                col(Slot.status) == SlotStatus.SCHEDULED,
                self.young_people_only,
                *self.slot_filter(),
            )
        )
        return await self.grouped(
            inner,
            _sum("seat"),
            _sum("reminded"),
            # Confirmed among the reminded: a "Je viens" from the booking screen is not an answer.
            lambda c: sa.func.coalesce(sa.func.sum(c.reminded * c.coming), 0),
            _sum("marked"),
            _sum("attended"),
            _sum("no_show"),
        )

    def reminder_rows(self) -> sa.Select[Any]:
        return (
            sa.select(*self.slot_key())
            .select_from(Reminder)
            .join(Booking, col(Booking.id) == col(Reminder.booking_id))
            .join(Slot, col(Slot.id) == col(Booking.slot_id))
            .where(
                col(Reminder.kind) == OutboxKind.REMINDER,
                self.young_people_only,
                *self.slot_filter(),
            )
        )

    async def reminders(self) -> list[Any]:
        inner = self.reminder_rows().add_columns(col(Reminder.status).label("status"))
        rows = inner.subquery()
        key = [rows.c.week, rows.c.site_id, rows.c.kind, rows.c.status]
        outer = sa.select(*key, sa.func.count()).group_by(*key)
        return list((await self.session.execute(outer)).all())

    async def failures(self) -> list[Any]:
        """(site, kind, reason, count, latest due) of failed reminders, the most frequent first."""
        reason = sa.func.coalesce(col(Reminder.last_error), "")
        statement = (
            sa.select(
                col(Slot.site_id),
                col(Slot.kind),
                reason,
                sa.func.count(),
                sa.func.max(col(Reminder.due_at)),
            )
            .select_from(Reminder)
            .join(Booking, col(Booking.id) == col(Reminder.booking_id))
            .join(Slot, col(Slot.id) == col(Booking.slot_id))
            .where(
                col(Reminder.kind) == OutboxKind.REMINDER,
                col(Reminder.status) == OutboxStatus.FAILED,
                self.young_people_only,
                *self.slot_filter(),
            )
            .group_by(col(Slot.site_id), col(Slot.kind), reason)
            .order_by(sa.func.count().desc(), reason)
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


def _flag(condition: Any) -> Any:
    return sa.case((condition, 1), else_=0)


def _sum(name: str) -> Any:
    return lambda columns: sa.func.coalesce(sa.func.sum(columns[name]), 0)
