"""Whether a due outbox message should still go out: the rules, pure.

A message is planned hours or days before it falls due, and much can change
meanwhile. Cancelling a booking or erasing a youth skips their rows at once, but
the dispatcher checks again just before sending, against what is true now: a
reminder must never reach a youth for a seat they no longer hold, nor arrive
after the slot began (DESIGN.md §6).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.models import (
    ACTIVE_BOOKING_STATUSES,
    Booking,
    BookingStatus,
    OutboxKind,
    Reminder,
    Slot,
    SlotStatus,
    Youth,
)
from core.staff_preview import is_staff_preview

# A follow-up or a notice about the past means little after a week.
FOLLOW_UP_SHELF_LIFE = timedelta(days=7)

# Why a message was not sent, as `Reminder.skip_reason` keeps it.
YOUTH_ERASED = "youth_erased"
YOUTH_UNREACHABLE = "youth_unreachable"
PREVIEW_YOUTH = "preview_youth"
BOOKING_NOT_HELD = "booking_not_held"
SLOT_CANCELLED = "slot_cancelled"
SLOT_STARTED = "slot_started"
SUPERSEDED = "superseded"
ATTENDANCE_CHANGED = "attendance_changed"
TOO_LATE = "too_late"

# The messages about a seat the youth must still hold when they go out.
_ABOUT_A_SEAT = (OutboxKind.REMINDER, OutboxKind.WAITLIST_PROMOTION)
# Follow-ups, sent only while the attendance they follow still stands.
_AFTER_ATTENDANCE = {
    OutboxKind.NO_SHOW_FOLLOW_UP: BookingStatus.NO_SHOW,
    OutboxKind.SATISFACTION_SURVEY: BookingStatus.ATTENDED,
}


def reason_not_to_send(
    message: Reminder,
    *,
    youth: Youth | None,
    booking: Booking | None,
    slot: Slot | None,
    now: datetime,
    later_reminder_due: bool = False,
) -> str | None:
    """Why `message` must be skipped now, or None when it should go out.

    `later_reminder_due` tells that a reminder of the same booking closer to the
    slot is due too (the dispatcher was stopped for a while): only that one goes.
    """
    if youth is None:
        return YOUTH_ERASED
    if not youth.reachable:
        return YOUTH_UNREACHABLE
    if is_staff_preview(youth.telegram_user_id):
        # Telegram has no such chat.
        return PREVIEW_YOUTH
    kind = message.kind
    if kind in _ABOUT_A_SEAT or kind == OutboxKind.SLOT_MOVED:
        return _seat_reason(kind, booking, slot, now, later_reminder_due)
    if kind in _AFTER_ATTENDANCE:
        if booking is None or booking.status != _AFTER_ATTENDANCE[kind]:
            return ATTENDANCE_CHANGED
        if now - message.due_at > FOLLOW_UP_SHELF_LIFE:
            return TOO_LATE
    # The apology for a cancelled slot still matters after its start, until the news is old.
    if (
        kind == OutboxKind.SLOT_CANCELLED
        and slot is not None
        and now - slot.ends_at > FOLLOW_UP_SHELF_LIFE
    ):
        return TOO_LATE
    return None


def _seat_reason(
    kind: OutboxKind,
    booking: Booking | None,
    slot: Slot | None,
    now: datetime,
    later_reminder_due: bool,
) -> str | None:
    if booking is None or slot is None:
        return BOOKING_NOT_HELD
    # A move is told to the waitlist too; the rest concern a seat held.
    held = ACTIVE_BOOKING_STATUSES if kind == OutboxKind.SLOT_MOVED else (BookingStatus.BOOKED,)
    if booking.status not in held:
        return BOOKING_NOT_HELD
    if slot.status == SlotStatus.CANCELLED:
        return SLOT_CANCELLED
    if now >= slot.starts_at:
        return SLOT_STARTED
    if kind == OutboxKind.REMINDER and later_reminder_due:
        return SUPERSEDED
    return None
