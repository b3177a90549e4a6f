"""Why a booking operation was refused.

Each error has a stable `code` that flows and the admin panel map to their own
translated message; the exception text is English and meant for logs only, so
it never reaches a youth.
"""

from __future__ import annotations

from typing import ClassVar


class BookingError(Exception):
    code: ClassVar[str] = "booking_error"


class YouthNotFound(BookingError):
    code = "youth_not_found"

    def __init__(self, youth_id: int) -> None:
        super().__init__(f"youth {youth_id} does not exist")
        self.youth_id = youth_id


class SlotNotFound(BookingError):
    code = "slot_not_found"

    def __init__(self, slot_id: int) -> None:
        super().__init__(f"slot {slot_id} does not exist")
        self.slot_id = slot_id


class BookingNotFound(BookingError):
    code = "booking_not_found"

    def __init__(self, booking_id: int) -> None:
        super().__init__(f"booking {booking_id} does not exist")
        self.booking_id = booking_id


class NotYourBooking(BookingError):
    """A youth acted on someone else's booking: a stale or tampered button id."""

    code = "not_your_booking"

    def __init__(self, booking_id: int, youth_id: int) -> None:
        super().__init__(f"booking {booking_id} does not belong to youth {youth_id}")
        self.booking_id = booking_id
        self.youth_id = youth_id


class SlotCancelled(BookingError):
    code = "slot_cancelled"

    def __init__(self, slot_id: int | None) -> None:
        super().__init__(f"slot {slot_id} was cancelled")
        self.slot_id = slot_id


class SlotAlreadyStarted(BookingError):
    code = "slot_already_started"

    def __init__(self, slot_id: int | None) -> None:
        super().__init__(f"slot {slot_id} has already started")
        self.slot_id = slot_id


class BookingWindowNotOpen(BookingError):
    code = "booking_window_not_open"

    def __init__(self, slot_id: int | None) -> None:
        super().__init__(f"bookings for slot {slot_id} are not open yet")
        self.slot_id = slot_id


class BookingWindowClosed(BookingError):
    code = "booking_window_closed"

    def __init__(self, slot_id: int | None) -> None:
        super().__init__(f"bookings for slot {slot_id} are closed")
        self.slot_id = slot_id


class CancellationCutoffPassed(BookingError):
    """Too late to cancel; the youth can still say they cannot come (`excuse`)."""

    code = "cancellation_cutoff_passed"

    def __init__(self, booking_id: int | None) -> None:
        super().__init__(f"the cancellation cut-off of booking {booking_id} has passed")
        self.booking_id = booking_id


class WeeklyFoodParcelLimit(BookingError):
    code = "weekly_food_parcel_limit"

    def __init__(self, iso_year: int, iso_week: int) -> None:
        super().__init__(f"already holds a food parcel pickup in week {iso_year}-W{iso_week:02d}")
        self.iso_year = iso_year
        self.iso_week = iso_week


class SlotFull(BookingError):
    """The slot has no seat left and no waitlist (individual appointments)."""

    code = "slot_full"

    def __init__(self, slot_id: int | None = None) -> None:
        super().__init__(f"slot {slot_id} is full and has no waitlist")
        self.slot_id = slot_id


class AlreadyBooked(BookingError):
    code = "already_booked"

    def __init__(self, booking_id: int | None) -> None:
        super().__init__(f"an active booking already exists: {booking_id}")
        self.booking_id = booking_id


class NotCancellable(BookingError):
    """The booking is no longer active: already cancelled, excused, attended or missed."""

    code = "not_cancellable"

    def __init__(self, booking_id: int | None, status: str) -> None:
        super().__init__(f"booking {booking_id} is {status} and cannot be withdrawn")
        self.booking_id = booking_id
        self.status = status


class NothingToConfirm(BookingError):
    """ "Je viens" on a booking that holds no seat (cancelled, still waitlisted, past)."""

    code = "nothing_to_confirm"

    def __init__(self, booking_id: int | None, status: str) -> None:
        super().__init__(f"booking {booking_id} is {status}: no seat to confirm")
        self.booking_id = booking_id
        self.status = status


class SlotNotStarted(BookingError):
    """Attendance is marked once the slot has begun, not in advance."""

    code = "slot_not_started"

    def __init__(self, slot_id: int | None) -> None:
        super().__init__(f"slot {slot_id} has not started yet")
        self.slot_id = slot_id


class NotMarkable(BookingError):
    """Attendance on a booking that held no seat: waitlisted, cancelled, or excused in advance."""

    code = "not_markable"

    def __init__(self, booking_id: int | None, status: str) -> None:
        super().__init__(f"booking {booking_id} is {status} and held no seat to mark")
        self.booking_id = booking_id
        self.status = status


class StaffNotFound(BookingError):
    code = "staff_not_found"

    def __init__(self, staff_id: int) -> None:
        super().__init__(f"staff user {staff_id} does not exist")
        self.staff_id = staff_id
