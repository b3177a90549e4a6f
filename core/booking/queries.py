"""Reading bookings and availability: what a youth can book, and what they hold.

Like the operations, these take a session that is already inside a transaction
and never commit, so a conversation can read and write in one unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.booking import rules
from core.models import ACTIVE_BOOKING_STATUSES, Booking, BookingStatus, Slot
from core.models.enums import SlotKind, SlotStatus

MY_PAST_BOOKINGS_LIMIT = 20


@dataclass(frozen=True)
class SlotFilter:
    """Which bookable slots to list: every criterion left as None matches any slot."""

    kind: SlotKind | None = None
    site_id: int | None = None
    partner_id: int | None = None
    topic: str | None = None
    # How far ahead to look, from now.
    days: int = 14
    # Leave out slots with no seat left and no waitlist: nothing a youth could do with them.
    hide_unavailable: bool = False

    def conditions(self, now: datetime) -> list[ColumnElement[bool]]:
        """Slots open for booking at `now` and starting within `days` that match the
        criteria (the same rules as `rules.check_bookable`, in SQL)."""
        conditions: list[ColumnElement[bool]] = [
            col(Slot.status) == SlotStatus.SCHEDULED,
            col(Slot.starts_at) > now,
            col(Slot.starts_at) < now + timedelta(days=self.days),
            or_(col(Slot.booking_opens_at).is_(None), col(Slot.booking_opens_at) <= now),
            or_(col(Slot.booking_closes_at).is_(None), col(Slot.booking_closes_at) > now),
        ]
        criteria = (
            (Slot.kind, self.kind),
            (Slot.site_id, self.site_id),
            (Slot.partner_id, self.partner_id),
            (Slot.topic, self.topic),
        )
        conditions += [col(column) == value for column, value in criteria if value is not None]
        if self.hide_unavailable:
            conditions.append(or_(col(Slot.waitlist_enabled), _seats_taken() < col(Slot.capacity)))
        return conditions


def _seats_taken() -> Any:
    """The booked count of the slot in the enclosing query, as a correlated subquery."""
    return (
        select(func.count())
        .where(
            col(Booking.slot_id) == col(Slot.id),
            col(Booking.status) == BookingStatus.BOOKED,
        )
        .correlate(Slot)
        .scalar_subquery()
    )


# Every bookable slot of the next 14 days: what a youth sees before narrowing anything down.
DEFAULT_SLOT_FILTER = SlotFilter()


@dataclass(frozen=True)
class SlotAvailability:
    slot: Slot
    booked: int
    waitlisted: int

    @property
    def seats_left(self) -> int:
        # Staff may lower a capacity below the seats already given: never negative.
        return max(self.slot.capacity - self.booked, 0)

    @property
    def is_full(self) -> bool:
        return self.seats_left == 0


@dataclass(frozen=True)
class BookingEntry:
    booking: Booking
    slot: Slot
    waitlist_position: int | None = None


@dataclass(frozen=True)
class MyBookings:
    upcoming: list[BookingEntry]
    past: list[BookingEntry]


async def active_booking(session: AsyncSession, *, youth_id: int, slot_id: int) -> Booking | None:
    statement = (
        select(Booking)
        .where(
            col(Booking.youth_id) == youth_id,
            col(Booking.slot_id) == slot_id,
            col(Booking.status).in_(ACTIVE_BOOKING_STATUSES),
        )
        .execution_options(populate_existing=True)
    )
    return await session.scalar(statement)


async def count_with_status(
    session: AsyncSession, slot_id: int, status: BookingStatus, *also: ColumnElement[bool]
) -> int:
    """How many of the slot's bookings have `status` and meet every condition in `also`."""
    statement = select(func.count()).where(
        col(Booking.slot_id) == slot_id, col(Booking.status) == status, *also
    )
    return int((await session.scalars(statement)).one())


async def waitlist_position(session: AsyncSession, booking: Booking) -> int | None:
    """1 for the next youth to get a seat; None when the booking is not waiting."""
    if booking.status != BookingStatus.WAITLISTED:
        return None
    # First come, first served, in the order the places were taken. That is the id
    # order: a booking is inserted under its slot's lock, so ids grow in lock order.
    # `created_at` is not: it is when the youth's event started, possibly before
    # another youth who got the lock first.
    ahead = col(Booking.id) < booking.id
    return await count_with_status(session, booking.slot_id, BookingStatus.WAITLISTED, ahead) + 1


async def food_parcel_bookings_in_week_of(
    session: AsyncSession, youth_id: int, slot_start: datetime, tz: tzinfo
) -> list[tuple[BookingStatus, datetime]]:
    """The youth's food-parcel bookings that count towards the weekly limit in the
    local week (in `tz`) of `slot_start`, as (status, slot start) pairs for the rule."""
    week_start, week_end = rules.food_parcel_week_bounds(slot_start, tz)
    statement = (
        select(col(Booking.status), col(Slot.starts_at))
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .where(
            col(Booking.youth_id) == youth_id,
            col(Slot.kind) == SlotKind.FOOD_PARCEL,
            col(Booking.status).in_(rules.FOOD_PARCEL_COUNTING_STATUSES),
            col(Slot.starts_at) >= week_start,
            col(Slot.starts_at) < week_end,
        )
    )
    return [(status, starts_at) for status, starts_at in (await session.execute(statement)).all()]


async def list_upcoming(
    session: AsyncSession,
    *,
    now: datetime,
    filters: SlotFilter = DEFAULT_SLOT_FILTER,
    limit: int = 5,
    offset: int = 0,
    prefer_site_id: int | None = None,
) -> list[SlotAvailability]:
    """Bookable slots with their seat counts, the youth's own site first, then by start."""
    conditions = filters.conditions(now)
    candidate_ids = select(col(Slot.id)).where(*conditions)
    # One grouped count over the candidate slots' active bookings, outer-joined so
    # slots nobody booked yet still appear, instead of two counts per slot.
    counts = (
        select(
            col(Booking.slot_id).label("slot_id"),
            func.sum(case((col(Booking.status) == BookingStatus.BOOKED, 1), else_=0)).label(
                "booked"
            ),
            func.sum(case((col(Booking.status) == BookingStatus.WAITLISTED, 1), else_=0)).label(
                "waitlisted"
            ),
        )
        .where(
            col(Booking.status).in_(ACTIVE_BOOKING_STATUSES),
            col(Booking.slot_id).in_(candidate_ids),
        )
        .group_by(col(Booking.slot_id))
        .subquery()
    )
    order: list[Any] = []
    if prefer_site_id is not None:
        order.append(case((col(Slot.site_id) == prefer_site_id, 0), else_=1))
    order += [col(Slot.starts_at), col(Slot.id)]
    statement = (
        select(
            Slot,
            func.coalesce(counts.c.booked, 0),
            func.coalesce(counts.c.waitlisted, 0),
        )
        .outerjoin(counts, counts.c.slot_id == col(Slot.id))
        .where(*conditions)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    )
    rows = (await session.execute(statement)).all()
    return [
        SlotAvailability(slot=slot, booked=int(booked), waitlisted=int(waitlisted))
        for slot, booked, waitlisted in rows
    ]


async def count_upcoming(
    session: AsyncSession, *, now: datetime, filters: SlotFilter = DEFAULT_SLOT_FILTER
) -> int:
    """How many slots `list_upcoming` would page through with the same filters."""
    statement = select(func.count()).select_from(Slot).where(*filters.conditions(now))
    return int((await session.scalars(statement)).one())


async def my_bookings(session: AsyncSession, *, now: datetime, youth_id: int) -> MyBookings:
    """What the youth holds or waits for (soonest first), then their history (latest first)."""
    is_upcoming = and_(col(Booking.status).in_(ACTIVE_BOOKING_STATUSES), col(Slot.ends_at) > now)
    base = (
        select(Booking, Slot)
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .where(col(Booking.youth_id) == youth_id)
    )
    upcoming_rows = (
        await session.execute(base.where(is_upcoming).order_by(col(Slot.starts_at), col(Slot.id)))
    ).all()
    past_rows = (
        await session.execute(
            base.where(~is_upcoming)
            .order_by(col(Slot.starts_at).desc(), col(Booking.id).desc())
            .limit(MY_PAST_BOOKINGS_LIMIT)
        )
    ).all()
    upcoming = [
        BookingEntry(booking, slot, await waitlist_position(session, booking))
        for booking, slot in upcoming_rows
    ]
    past = [BookingEntry(booking, slot) for booking, slot in past_rows]
    return MyBookings(upcoming=upcoming, past=past)
