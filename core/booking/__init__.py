"""Booking workshops, food-parcel pickups and appointments (DESIGN.md §5).

`rules` are pure checks, `operations` and `queries` work inside a caller's
transaction, and `BookingService` runs each use case in a transaction of its own.
"""

from core.booking.errors import (
    AlreadyBooked,
    BookingError,
    BookingNotFound,
    BookingWindowClosed,
    BookingWindowNotOpen,
    CancellationCutoffPassed,
    NotCancellable,
    NotMarkable,
    NotYourBooking,
    SlotAlreadyStarted,
    SlotCancelled,
    SlotFull,
    SlotNotFound,
    SlotNotStarted,
    StaffNotFound,
    WeeklyFoodParcelLimit,
    YouthNotFound,
)
from core.booking.operations import BookingOutcome, CancelOutcome
from core.booking.queries import BookingEntry, MyBookings, SlotAvailability, SlotFilter
from core.booking.service import BookingService

__all__ = [
    "AlreadyBooked",
    "BookingEntry",
    "BookingError",
    "BookingNotFound",
    "BookingOutcome",
    "BookingService",
    "BookingWindowClosed",
    "BookingWindowNotOpen",
    "CancelOutcome",
    "CancellationCutoffPassed",
    "MyBookings",
    "NotCancellable",
    "NotMarkable",
    "NotYourBooking",
    "SlotAlreadyStarted",
    "SlotAvailability",
    "SlotCancelled",
    "SlotFilter",
    "SlotFull",
    "SlotNotFound",
    "SlotNotStarted",
    "StaffNotFound",
    "WeeklyFoodParcelLimit",
    "YouthNotFound",
]
