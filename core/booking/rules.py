"""The booking rules of DESIGN.md §5, as pure functions over plain values.

No database and no clock here: callers pass the slot, the instant and whatever
counts they read, and a rule either returns or raises a `BookingError`. That
keeps every edge (the exact second a window closes, a week boundary across a
daylight-saving change) testable without any I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta, tzinfo

from core.booking.errors import (
    AlreadyBooked,
    BookingWindowClosed,
    BookingWindowNotOpen,
    CancellationCutoffPassed,
    NotCancellable,
    NothingToConfirm,
    NotMarkable,
    SlotAlreadyStarted,
    SlotCancelled,
    SlotFull,
    SlotNotStarted,
    WeeklyFoodParcelLimit,
)
from core.models import ACTIVE_BOOKING_STATUSES, Booking, BookingStatus, CancelledBy, Slot
from core.models.enums import SlotKind, SlotStatus

# What an adviser marks after a slot, after RDV Service Public's participation statuses.
ATTENDANCE_MARKS = (BookingStatus.ATTENDED, BookingStatus.EXCUSED, BookingStatus.NO_SHOW)

# Bookings that use up the youth's one food parcel of the week. A no-show counts:
# Linkee prepared and set aside a parcel from the registrations sent in advance,
# so the week's parcel was spent even though nobody collected it. Cancelled and
# excused bookings released theirs in time for someone else.
FOOD_PARCEL_COUNTING_STATUSES = (
    BookingStatus.BOOKED,
    BookingStatus.WAITLISTED,
    BookingStatus.ATTENDED,
    BookingStatus.NO_SHOW,
)


def booking_closes_at(slot: Slot) -> datetime:
    """The instant from which nobody can book; without an explicit close, the start."""
    return slot.booking_closes_at or slot.starts_at


def cancellation_deadline(slot: Slot) -> datetime:
    """The last instant (exclusive) at which a youth may still cancel a seat."""
    return slot.starts_at - timedelta(minutes=slot.cancellation_cutoff_minutes)


def check_bookable(slot: Slot, now: datetime) -> None:
    if slot.status != SlotStatus.SCHEDULED:
        raise SlotCancelled(slot.id)
    if now >= slot.starts_at:
        raise SlotAlreadyStarted(slot.id)
    if slot.booking_opens_at is not None and now < slot.booking_opens_at:
        raise BookingWindowNotOpen(slot.id)
    if now >= booking_closes_at(slot):
        raise BookingWindowClosed(slot.id)


def is_bookable(slot: Slot, now: datetime) -> bool:
    try:
        check_bookable(slot, now)
    except (SlotCancelled, SlotAlreadyStarted, BookingWindowNotOpen, BookingWindowClosed):
        return False
    return True


def check_not_already_booked(existing_active_booking: Booking | None) -> None:
    """Refuse when the youth already holds (or waits for) a seat on this slot.

    `book` itself answers a repeated request with the existing booking instead
    (a double tap is not an error); this is for callers that must refuse.
    """
    if existing_active_booking is not None:
        raise AlreadyBooked(existing_active_booking.id)


def food_parcel_week(slot_start: datetime, tz: tzinfo) -> tuple[int, int]:
    """The (ISO year, ISO week) of a pickup, in the product's time zone.

    The limit is "one parcel per week" as youths and Linkee live it, so the week
    turns at Monday midnight local time, not UTC.
    """
    iso = slot_start.astimezone(tz).isocalendar()
    return iso.year, iso.week


def food_parcel_week_bounds(slot_start: datetime, tz: tzinfo) -> tuple[datetime, datetime]:
    """The UTC instants of the local Monday midnights that enclose the pickup's week."""
    local = slot_start.astimezone(tz)
    monday = local.date() - timedelta(days=local.weekday())
    start = datetime.combine(monday, time(0), tzinfo=tz)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def check_weekly_food_parcel_limit(
    slot: Slot,
    food_parcel_bookings: Iterable[tuple[BookingStatus, datetime]],
    tz: tzinfo,
) -> None:
    """Refuse a second food parcel in the same week.

    `food_parcel_bookings` are the youth's other food-parcel bookings, as
    (status, slot start) pairs; other kinds of slot have no weekly limit.
    """
    if slot.kind != SlotKind.FOOD_PARCEL:
        return
    week = food_parcel_week(slot.starts_at, tz)
    for status, starts_at in food_parcel_bookings:
        if status in FOOD_PARCEL_COUNTING_STATUSES and food_parcel_week(starts_at, tz) == week:
            raise WeeklyFoodParcelLimit(*week)


def seat_decision(
    capacity: int, booked_count: int, waitlist_enabled: bool, *, slot_id: int | None = None
) -> BookingStatus:
    """A seat while one is free, else a place in line, else `SlotFull`."""
    if booked_count < capacity:
        return BookingStatus.BOOKED
    if waitlist_enabled:
        return BookingStatus.WAITLISTED
    raise SlotFull(slot_id)


def check_active(booking: Booking) -> None:
    if booking.status not in ACTIVE_BOOKING_STATUSES:
        raise NotCancellable(booking.id, booking.status)


def check_cancellable(
    booking: Booking, slot: Slot, now: datetime, by: CancelledBy = CancelledBy.YOUTH
) -> None:
    """A youth cancels a seat only before the cut-off; staff and the system at any time
    before the start. A place in line frees nobody's plans, so it can always be dropped
    before the start."""
    check_active(booking)
    if now >= slot.starts_at:
        raise SlotAlreadyStarted(slot.id)
    if (
        by == CancelledBy.YOUTH
        and booking.status == BookingStatus.BOOKED
        and now >= cancellation_deadline(slot)
    ):
        raise CancellationCutoffPassed(booking.id)


def check_excusable(booking: Booking, slot: Slot, now: datetime) -> None:
    """Saying "I can't come" has no cut-off: a late warning still frees the seat."""
    check_active(booking)
    if now >= slot.starts_at:
        raise SlotAlreadyStarted(slot.id)


def check_confirmable(booking: Booking, slot: Slot, now: datetime) -> None:
    """A youth confirms coming only to a seat they hold, before the slot starts."""
    if booking.status != BookingStatus.BOOKED:
        raise NothingToConfirm(booking.id, booking.status)
    if now >= slot.starts_at:
        raise SlotAlreadyStarted(slot.id)


def check_markable(booking: Booking, slot: Slot, now: datetime) -> None:
    """Attendance is marked on a seat held when the slot began, once it has begun.

    A booking already marked may be marked again: advisers correct mistakes. One
    the youth excused in advance is not marked: its seat went to someone else.
    """
    if slot.status != SlotStatus.SCHEDULED:
        raise SlotCancelled(slot.id)
    if now < slot.starts_at:
        raise SlotNotStarted(slot.id)
    marked = booking.attendance_marked_at is not None and booking.status in ATTENDANCE_MARKS
    if booking.status != BookingStatus.BOOKED and not marked:
        raise NotMarkable(booking.id, booking.status)
