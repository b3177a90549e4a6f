"""Booking, cancelling and excusing, as steps of a caller's transaction.

Each operation takes a session already inside a transaction and never commits:
`BookingService` wraps one per use case, and the conversation engine calls them
inside its own one-transaction-per-event.

Capacity holds under concurrency because every writer of a slot's bookings
first locks the youth row and then the slot row, always in that order so two
writers cannot deadlock each other, and only then counts. On PostgreSQL the
locks are row locks, and the counts are read by fresh statements after the lock
is granted, so at READ COMMITTED they include every competitor that committed
while we waited. On SQLite `FOR UPDATE` is not supported (SQLAlchemy leaves it
out), but `Database.transaction()` begins with `BEGIN IMMEDIATE`, which lets
one writer in at a time across every process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import case, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.booking import rules
from core.booking.errors import BookingNotFound, NotYourBooking, SlotNotFound, YouthNotFound
from core.booking.queries import (
    BookingEntry,
    MyBookings,
    SlotAvailability,
    SlotFilter,
    active_booking,
    count_upcoming,
    count_with_status,
    food_parcel_bookings_in_week_of,
    list_upcoming,
    my_bookings,
    waitlist_position,
)
from core.models import (
    Booking,
    BookingStatus,
    CancelledBy,
    Confirmation,
    OutboxKind,
    OutboxStatus,
    Reminder,
    Slot,
    Youth,
)
from core.models.enums import SlotKind, SlotStatus
from core.outbox import skip_pending
from core.reminders import DEFAULT_REMINDER_OFFSETS, plan_reminders_at

# The reads live in `queries`; they are offered here too, so a caller working inside
# its own transaction finds every step in one place.
__all__ = [
    "BookingEntry",
    "BookingOutcome",
    "CancelOutcome",
    "MyBookings",
    "SlotAvailability",
    "SlotFilter",
    "active_booking",
    "book",
    "cancel",
    "confirm_coming",
    "count_upcoming",
    "excuse",
    "list_upcoming",
    "my_bookings",
    "waitlist_position",
]

SKIP_REASON_BOOKING_CANCELLED = "booking_cancelled"

ReminderOffsets = Sequence[timedelta] | Callable[[SlotKind], Sequence[timedelta]] | None
"""When reminders are due before a slot: fixed offsets, or the offsets of the slot's kind."""


@dataclass(frozen=True)
class BookingOutcome:
    booking: Booking
    # False when the youth already held this booking: a repeated tap, not a new one.
    created: bool
    waitlist_position: int | None = None


@dataclass(frozen=True)
class CancelOutcome:
    booking: Booking
    # The waitlisted booking that got the freed seat, if any.
    promoted: Booking | None = None


async def book(
    session: AsyncSession,
    *,
    now: datetime,
    tz: tzinfo,
    youth_id: int,
    slot_id: int,
    interpreter_language: str | None = None,
    note: str | None = None,
    accept_waitlist: bool = True,
    reminder_offsets: ReminderOffsets = None,
) -> BookingOutcome:
    """A seat if one is free, else a place on the waitlist; the same booking again if
    the youth already holds one on this slot.

    `accept_waitlist=False` is for a youth who asked for a seat: when the last one
    went to someone else meanwhile, they are asked before being put in line.

    A new seat gets its reminders planned at `reminder_offsets`: the offsets, or
    `Settings.reminder_offsets_for` to pick them by the slot's kind; without them the
    defaults (48 h and 2 h before) apply.
    """
    if not await _lock_youth(session, youth_id):
        raise YouthNotFound(youth_id)
    # Whether this youth already holds this slot only changes under the youth's lock,
    # so it is settled before queueing for the slot's lock: a double tap never waits
    # behind a crowd, and the slot's critical section below stays short.
    existing = await active_booking(session, youth_id=youth_id, slot_id=slot_id)
    if existing is not None:
        return BookingOutcome(existing, False, await waitlist_position(session, existing))

    slot = await lock_slot(session, slot_id)
    rules.check_bookable(slot, now)
    if slot.kind == SlotKind.FOOD_PARCEL:
        held = await food_parcel_bookings_in_week_of(session, youth_id, slot.starts_at, tz)
        rules.check_weekly_food_parcel_limit(slot, held, tz)

    booked, waiting = await _booked_and_waiting(session, slot_id)
    status = rules.seat_decision(
        slot.capacity, booked, slot.waitlist_enabled and accept_waitlist, slot_id=slot_id
    )
    booking = Booking(
        youth_id=youth_id,
        slot_id=slot_id,
        status=status,
        created_at=now,
        updated_at=now,
        interpreter_language=interpreter_language,
        note=note,
    )
    session.add(booking)
    await session.flush()
    await plan_reminders_at(session, booking, slot, _offsets(reminder_offsets, slot.kind), now)
    position = waiting + 1 if status == BookingStatus.WAITLISTED else None
    return BookingOutcome(booking, True, position)


async def _booked_and_waiting(session: AsyncSession, slot_id: int) -> tuple[int, int]:
    """Seats taken, and youths waiting ahead of the booking about to be made, in one statement.

    Under the slot's lock nobody else adds to this slot, so the booking about to be
    inserted gets the highest id of the slot: everyone already waiting is ahead of it.
    """
    is_booked = col(Booking.status) == BookingStatus.BOOKED
    is_waiting = col(Booking.status) == BookingStatus.WAITLISTED
    statement = select(
        func.coalesce(func.sum(case((is_booked, 1), else_=0)), 0),
        func.coalesce(func.sum(case((is_waiting, 1), else_=0)), 0),
    ).where(col(Booking.slot_id) == slot_id)
    booked, waiting = (await session.execute(statement)).one()
    return int(booked), int(waiting)


async def cancel(
    session: AsyncSession,
    *,
    now: datetime,
    booking_id: int,
    by: CancelledBy,
    reason: str | None,
    youth_id: int | None = None,
    reminder_offsets: ReminderOffsets = None,
) -> CancelOutcome:
    """Cancel a booking; a freed seat goes to the first youth on the waitlist.

    Pass `youth_id` when a youth acts: the booking must then be theirs. The
    promoted youth's reminders are planned at `reminder_offsets`, as in `book`.
    """
    booking, slot = await _lock_booking(session, booking_id, youth_id)
    rules.check_cancellable(booking, slot, now, by)
    return await _withdraw(
        session,
        booking,
        slot,
        now,
        status=BookingStatus.CANCELLED,
        by=by,
        reason=reason,
        reminder_offsets=reminder_offsets,
    )


async def excuse(
    session: AsyncSession,
    *,
    now: datetime,
    booking_id: int,
    youth_id: int,
    reason: str | None,
    reminder_offsets: ReminderOffsets = None,
) -> CancelOutcome:
    """The youth says they cannot come, possibly after the cut-off.

    The seat is freed and the waitlist promoted exactly as for a cancellation; the
    booking stays on record as excused rather than cancelled.
    """
    booking, slot = await _lock_booking(session, booking_id, youth_id)
    rules.check_excusable(booking, slot, now)
    return await _withdraw(
        session,
        booking,
        slot,
        now,
        status=BookingStatus.EXCUSED,
        by=CancelledBy.YOUTH,
        reason=reason,
        reminder_offsets=reminder_offsets,
    )


def _offsets(reminder_offsets: ReminderOffsets, kind: SlotKind) -> Sequence[timedelta]:
    if reminder_offsets is None:
        return DEFAULT_REMINDER_OFFSETS
    return reminder_offsets(kind) if callable(reminder_offsets) else reminder_offsets


async def confirm_coming(
    session: AsyncSession, *, now: datetime, booking_id: int, youth_id: int
) -> tuple[Booking, Slot]:
    """The youth answered "Je viens" to a reminder: recorded on their seat."""
    booking, slot = await _lock_booking(session, booking_id, youth_id)
    rules.check_confirmable(booking, slot, now)
    booking.confirmation = Confirmation.COMING
    booking.confirmed_at = now
    booking.updated_at = now
    return booking, slot


async def _lock_youth(session: AsyncSession, youth_id: int) -> bool:
    # FOR NO KEY UPDATE (key_share=True) serializes this youth's bookings without
    # blocking inserts elsewhere that merely reference the youth, such as the outbox
    # row of a promotion, which would otherwise deadlock against this youth's own book.
    statement = (
        select(col(Youth.id)).where(col(Youth.id) == youth_id).with_for_update(key_share=True)
    )
    return await session.scalar(statement) is not None


async def lock_slot(session: AsyncSession, slot_id: int) -> Slot:
    """The slot row, locked against changes to it (its own bookings stay free to change)."""
    statement = (
        select(Slot)
        .where(col(Slot.id) == slot_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    slot = await session.scalar(statement)
    if slot is None:
        raise SlotNotFound(slot_id)
    return slot


async def _lock_booking(
    session: AsyncSession, booking_id: int, youth_id: int | None
) -> tuple[Booking, Slot]:
    """The booking and its slot, locked in the youth-then-slot order, re-read after the locks."""
    statement = (
        select(Booking)
        .where(col(Booking.id) == booking_id)
        .execution_options(populate_existing=True)
    )
    booking = await session.scalar(statement)
    if booking is None:
        raise BookingNotFound(booking_id)
    if youth_id is not None and booking.youth_id != youth_id:
        raise NotYourBooking(booking_id, youth_id)
    if booking.youth_id is not None:
        await _lock_youth(session, booking.youth_id)
    slot = await lock_slot(session, booking.slot_id)
    booking = (await session.scalars(statement)).one()
    return booking, slot


async def _withdraw(
    session: AsyncSession,
    booking: Booking,
    slot: Slot,
    now: datetime,
    *,
    status: BookingStatus,
    by: CancelledBy,
    reason: str | None,
    reminder_offsets: ReminderOffsets,
) -> CancelOutcome:
    held_a_seat = booking.status == BookingStatus.BOOKED
    booking.status = status
    booking.updated_at = now
    booking.cancelled_at = now
    booking.cancelled_by = by
    booking.cancel_reason = reason
    await skip_pending(
        session, col(Reminder.booking_id) == booking.id, now, SKIP_REASON_BOOKING_CANCELLED
    )
    await session.flush()
    promoted = (
        await promote_next(session, slot, now, _offsets(reminder_offsets, slot.kind))
        if held_a_seat
        else None
    )
    return CancelOutcome(booking, promoted)


async def promote_next(
    session: AsyncSession, slot: Slot, now: datetime, reminder_offsets: Sequence[timedelta]
) -> Booking | None:
    """Give a free seat to the longest-waiting youth, queue the notice telling them and
    plan the seat's reminders."""
    if slot.status != SlotStatus.SCHEDULED or now >= slot.starts_at or slot.id is None:
        return None
    booked = await count_with_status(session, slot.id, BookingStatus.BOOKED)
    if booked >= slot.capacity:
        return None
    statement = (
        select(Booking)
        .where(col(Booking.slot_id) == slot.id, col(Booking.status) == BookingStatus.WAITLISTED)
        # The waitlist is served in the order places were taken: see `waitlist_position`.
        .order_by(col(Booking.id))
        .limit(1)
        .execution_options(populate_existing=True)
    )
    promoted = await session.scalar(statement)
    if promoted is None:
        return None
    promoted.status = BookingStatus.BOOKED
    promoted.promoted_at = now
    promoted.updated_at = now
    if promoted.youth_id is not None:
        session.add(
            Reminder(
                kind=OutboxKind.WAITLIST_PROMOTION,
                booking_id=promoted.id,
                youth_id=promoted.youth_id,
                due_at=now,
                status=OutboxStatus.PENDING,
                created_at=now,
            )
        )
    await session.flush()
    await plan_reminders_at(session, promoted, slot, reminder_offsets, now)
    return promoted
