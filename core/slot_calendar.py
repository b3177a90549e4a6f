"""The panel's slot calendar: one ISO week of slots, filtered, one page at a time.

A week is counted on the wall clock of the configured time zone (Monday 00:00
to the next Monday 00:00 in Paris), so its UTC bounds move with daylight saving.
Each row carries its seats taken and its waitlist, counted in the same query.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

import sqlalchemy as sa
from sqlalchemy import case, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.models import Booking, BookingStatus, Partner, Site, Slot, SlotKind
from core.wall_clock import to_local, to_utc


@dataclass(frozen=True)
class CalendarFilters:
    kind: SlotKind | None = None
    site_id: int | None = None
    partner_id: int | None = None


@dataclass(frozen=True)
class CalendarRow:
    slot: Slot
    site: Site | None
    partner: Partner | None
    booked: int
    waiting: int


def week_monday(instant: datetime, tz: tzinfo) -> date:
    """The Monday of the ISO week holding `instant` on the local clock."""
    day = to_local(instant, tz).date()
    return day - timedelta(days=day.weekday())


def week_bounds(monday: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The UTC instants of that Monday's midnight and the next Monday's, on the local clock."""
    start = to_utc(datetime.combine(monday, time()), tz)
    end = to_utc(datetime.combine(monday + timedelta(weeks=1), time()), tz)
    return start, end


async def week_slots(
    session: AsyncSession,
    *,
    monday: date,
    tz: tzinfo,
    filters: CalendarFilters,
    site_ids: Collection[int] | None,
    offset: int,
    limit: int,
) -> tuple[list[CalendarRow], int]:
    """The week's slots (cancelled ones too) by start, in scope and filtered, and their total.

    `site_ids` are an adviser's sites (None: every site); a slot with no site is
    nobody else's, so every adviser sees it (`core.staff_scope`).
    """
    start, end = week_bounds(monday, tz)
    conditions = [col(Slot.starts_at) >= start, col(Slot.starts_at) < end]
    if site_ids is not None:
        conditions.append(col(Slot.site_id).in_(sorted(site_ids)) | col(Slot.site_id).is_(None))
    if filters.kind is not None:
        conditions.append(col(Slot.kind) == filters.kind)
    if filters.site_id is not None:
        conditions.append(col(Slot.site_id) == filters.site_id)
    if filters.partner_id is not None:
        conditions.append(col(Slot.partner_id) == filters.partner_id)
    total = (await session.execute(select(func.count()).select_from(Slot).where(*conditions))).one()
    is_booked = col(Booking.status) == BookingStatus.BOOKED
    is_waiting = col(Booking.status) == BookingStatus.WAITLISTED
    # Counted for the week's slots only: grouping every booking ever made would cost
    # the whole table (200,000 rows in bench.admin_pages) on each page of the calendar.
    counts = (
        select(
            col(Booking.slot_id).label("slot_id"),
            func.sum(case((is_booked, 1), else_=0)).label("booked"),
            func.sum(case((is_waiting, 1), else_=0)).label("waiting"),
        )
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .where(*conditions)
        .group_by(col(Booking.slot_id))
        .subquery()
    )
    statement = (
        # SQLAlchemy's own select: sqlmodel's is typed for at most four columns.
        sa.select(Slot, Site, Partner, counts.c.booked, counts.c.waiting)
        .outerjoin(Site, col(Site.id) == col(Slot.site_id))
        .outerjoin(Partner, col(Partner.id) == col(Slot.partner_id))
        .outerjoin(counts, counts.c.slot_id == col(Slot.id))
        .where(*conditions)
        .order_by(col(Slot.starts_at), col(Slot.id))
        .offset(offset)
        .limit(limit)
    )
    rows = [
        CalendarRow(slot, site, partner, int(booked or 0), int(waiting or 0))
        for slot, site, partner, booked, waiting in (await session.execute(statement)).all()
    ]
    return rows, int(total[0])
