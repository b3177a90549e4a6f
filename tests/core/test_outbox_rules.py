"""Whether a due message still goes out: the pure rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.models import (
    Booking,
    BookingStatus,
    OutboxKind,
    OutboxStatus,
    Reminder,
    Slot,
    SlotKind,
    SlotStatus,
    Youth,
)
from core.outbox_rules import (
    ATTENDANCE_CHANGED,
    BOOKING_NOT_HELD,
    PREVIEW_YOUTH,
    SLOT_CANCELLED,
    SLOT_STARTED,
    SUPERSEDED,
    TOO_LATE,
    YOUTH_ERASED,
    YOUTH_UNREACHABLE,
    reason_not_to_send,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


def _youth(**overrides: object) -> Youth:
    return Youth(telegram_user_id=1, created_at=NOW, last_seen_at=NOW, **overrides)


def _slot(starts_at: datetime = NOW + 2 * H, **overrides: object) -> Slot:
    return Slot(
        id=1, kind=SlotKind.WORKSHOP, title="Atelier", starts_at=starts_at,
        ends_at=starts_at + H, capacity=5, created_at=NOW, updated_at=NOW, **overrides,
    )  # fmt: skip


def _booking(status: BookingStatus = BookingStatus.BOOKED) -> Booking:
    return Booking(id=1, youth_id=1, slot_id=1, status=status, created_at=NOW, updated_at=NOW)


def _message(kind: OutboxKind = OutboxKind.REMINDER, due_at: datetime = NOW) -> Reminder:
    return Reminder(
        id=1, kind=kind, booking_id=1, youth_id=1, due_at=due_at,
        status=OutboxStatus.PENDING, created_at=NOW,
    )  # fmt: skip


def _reason(message: Reminder | None = None, **given: object) -> str | None:
    values: dict[str, object] = {
        "youth": _youth(),
        "booking": _booking(),
        "slot": _slot(),
        "now": NOW,
    } | given
    return reason_not_to_send(message or _message(), **values)  # type: ignore[arg-type]


def test_a_reminder_for_a_held_seat_before_the_start_goes_out() -> None:
    assert _reason() is None


def test_nothing_goes_to_an_erased_or_unreachable_youth_nor_to_the_preview() -> None:
    assert _reason(youth=None) == YOUTH_ERASED
    assert _reason(youth=_youth(reachable=False)) == YOUTH_UNREACHABLE
    preview = Youth(telegram_user_id=-1_000_007, created_at=NOW, last_seen_at=NOW)
    assert _reason(youth=preview) == PREVIEW_YOUTH


@pytest.mark.parametrize(
    "status",
    [
        BookingStatus.CANCELLED,
        BookingStatus.EXCUSED,
        BookingStatus.WAITLISTED,
        BookingStatus.ATTENDED,
        BookingStatus.NO_SHOW,
    ],
)
def test_a_reminder_needs_the_seat_still_held(status: BookingStatus) -> None:
    assert _reason(booking=_booking(status)) == BOOKING_NOT_HELD
    assert _reason(booking=None) == BOOKING_NOT_HELD


def test_a_reminder_is_never_sent_late() -> None:
    assert _reason(now=NOW + 2 * H) == SLOT_STARTED
    assert _reason(now=NOW + 2 * H - timedelta(seconds=1)) is None


def test_a_reminder_of_a_cancelled_slot_is_skipped() -> None:
    assert _reason(slot=_slot(status=SlotStatus.CANCELLED)) == SLOT_CANCELLED


def test_an_earlier_reminder_gives_way_to_a_closer_one_due_too() -> None:
    assert _reason(later_reminder_due=True) == SUPERSEDED
    promotion = _message(OutboxKind.WAITLIST_PROMOTION)
    assert _reason(promotion, later_reminder_due=True) is None


def test_a_move_is_told_to_the_waitlist_too_but_not_to_those_who_left() -> None:
    moved = _message(OutboxKind.SLOT_MOVED)
    assert _reason(moved, booking=_booking(BookingStatus.WAITLISTED)) is None
    assert _reason(moved, booking=_booking(BookingStatus.CANCELLED)) == BOOKING_NOT_HELD


def test_a_cancellation_is_told_even_after_the_start_until_a_week_after_the_end() -> None:
    cancelled = _message(OutboxKind.SLOT_CANCELLED)
    slot = _slot(status=SlotStatus.CANCELLED)
    cancelled_booking = _booking(BookingStatus.CANCELLED)
    assert _reason(cancelled, slot=slot, booking=cancelled_booking, now=NOW + 3 * H) is None
    late = NOW + 3 * H + timedelta(days=7, seconds=1)
    assert _reason(cancelled, slot=slot, booking=cancelled_booking, now=late) == TOO_LATE


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (OutboxKind.NO_SHOW_FOLLOW_UP, BookingStatus.NO_SHOW),
        (OutboxKind.SATISFACTION_SURVEY, BookingStatus.ATTENDED),
    ],
)
def test_a_follow_up_needs_its_attendance_to_stand_and_to_be_recent(
    kind: OutboxKind, status: BookingStatus
) -> None:
    message = _message(kind, due_at=NOW)
    assert _reason(message, booking=_booking(status)) is None
    assert _reason(message, booking=_booking(BookingStatus.EXCUSED)) == ATTENDANCE_CHANGED
    week_later = NOW + timedelta(days=7, seconds=1)
    assert _reason(message, booking=_booking(status), now=week_later) == TOO_LATE


def test_a_staff_message_needs_only_a_reachable_youth() -> None:
    message = _message(OutboxKind.STAFF_MESSAGE)
    assert _reason(message, booking=None, slot=None) is None
    assert _reason(message, booking=None, slot=None, youth=None) == YOUTH_ERASED
