"""Planning reminders: the pure due times, then the outbox rows a booking gets, on both backends."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from core.booking import operations
from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.erasure import SKIP_REASON_YOUTH_ERASED, erase_youth
from core.models import (
    Booking,
    BookingStatus,
    CancelledBy,
    OutboxKind,
    OutboxStatus,
    Reminder,
    Slot,
    SlotKind,
    SlotStatus,
)
from core.reminders import plan_reminders, plan_reminders_at, reminder_due_times
from core.youths import SKIP_REASON_YOUTH_UNREACHABLE, mark_unreachable
from tests.conftest import PARIS
from tests.support.factories import make_booking, make_slot, make_youth, make_youths

H = timedelta(hours=1)
SECOND = timedelta(seconds=1)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DEFAULT = (48 * H, 2 * H)


# -- due times -----------------------------------------------------------------


def test_one_due_time_per_offset_the_earliest_first() -> None:
    starts_at = NOW + timedelta(days=3)

    assert reminder_due_times(starts_at, [2 * H, 48 * H], NOW) == [
        (48 * H, starts_at - 48 * H),
        (2 * H, starts_at - 2 * H),
    ]


def test_a_due_time_already_past_is_not_planned() -> None:
    starts_at = NOW + 24 * H

    assert reminder_due_times(starts_at, DEFAULT, NOW) == [(2 * H, starts_at - 2 * H)]


def test_a_reminder_due_exactly_now_is_planned_one_a_second_late_is_not() -> None:
    starts_at = NOW + 48 * H

    assert reminder_due_times(starts_at, DEFAULT, NOW) == [
        (48 * H, NOW),
        (2 * H, starts_at - 2 * H),
    ]
    assert reminder_due_times(starts_at, DEFAULT, NOW + SECOND) == [(2 * H, starts_at - 2 * H)]


@pytest.mark.parametrize("starts_in", [-timedelta(days=1), timedelta(0), 2 * H - SECOND])
def test_a_slot_past_started_or_too_close_gets_none(starts_in: timedelta) -> None:
    assert reminder_due_times(NOW + starts_in, DEFAULT, NOW) == []


def test_duplicate_offsets_give_one_reminder_and_none_gives_none() -> None:
    starts_at = NOW + timedelta(days=5)

    assert reminder_due_times(starts_at, [2 * H, 120 * timedelta(minutes=1), 2 * H], NOW) == [
        (2 * H, starts_at - 2 * H)
    ]
    assert reminder_due_times(starts_at, [], NOW) == []


@pytest.mark.parametrize("offset", [timedelta(0), -H, timedelta(minutes=90, seconds=30)])
def test_an_offset_must_be_a_positive_number_of_minutes(offset: timedelta) -> None:
    with pytest.raises(ValueError, match="positive number of minutes"):
        reminder_due_times(NOW + timedelta(days=5), [2 * H, offset], NOW)


# -- rows ----------------------------------------------------------------------


async def _outbox(database: Database, *where: Any) -> list[Reminder]:
    async with database.reading() as session:
        statement = select(Reminder).where(*where).order_by(col(Reminder.id))
        return list(await session.scalars(statement))


async def _reminders(database: Database, booking_id: int | None) -> list[Reminder]:
    return await _outbox(
        database,
        col(Reminder.booking_id) == booking_id,
        col(Reminder.kind) == OutboxKind.REMINDER,
    )


async def _slot(database: Database, clock: ManualClock, **options: Any) -> Slot:
    async with database.transaction() as session:
        return await make_slot(session, clock.now(), **options)


async def _book(
    database: Database,
    clock: ManualClock,
    slot: Slot,
    *,
    youth_id: int | None = None,
    reminder_offsets: Sequence[timedelta] | None = None,
) -> operations.BookingOutcome:
    assert slot.id is not None
    async with database.transaction() as session:
        if youth_id is None:
            youth_id = (await make_youth(session, clock.now())).id
        assert youth_id is not None
        return await operations.book(
            session,
            now=clock.now(),
            tz=PARIS,
            youth_id=youth_id,
            slot_id=slot.id,
            reminder_offsets=reminder_offsets,
        )


async def test_a_booked_seat_gets_its_two_reminders(database: Database, clock: ManualClock) -> None:
    slot = await _slot(database, clock, starts_in=timedelta(days=3))

    outcome = await _book(database, clock, slot)

    booking = outcome.booking
    reminders = await _reminders(database, booking.id)
    assert [(r.offset_minutes, r.due_at) for r in reminders] == [
        (48 * 60, slot.starts_at - 48 * H),
        (2 * 60, slot.starts_at - 2 * H),
    ]
    for reminder in reminders:
        assert (reminder.status, reminder.youth_id) == (OutboxStatus.PENDING, booking.youth_id)
        assert (reminder.attempts, reminder.sent_at, reminder.payload) == (0, None, {})
        assert reminder.created_at == clock.now()
    assert [r.history for r in reminders] == [
        [
            {
                "at": clock.now().isoformat(),
                "event": "planned",
                "detail": f"{hours}h before {slot.starts_at.isoformat()}",
            }
        ]
        for hours in (48, 2)
    ]


async def test_booked_24_hours_ahead_only_the_2_hour_one(
    database: Database, clock: ManualClock
) -> None:
    slot = await _slot(database, clock, starts_in=24 * H)

    outcome = await _book(database, clock, slot)

    [reminder] = await _reminders(database, outcome.booking.id)
    assert (reminder.offset_minutes, reminder.due_at) == (120, slot.starts_at - 2 * H)


async def test_the_offsets_given_by_the_caller_are_used(
    database: Database, clock: ManualClock
) -> None:
    slot = await _slot(database, clock, starts_in=timedelta(days=3))

    chosen = await _book(
        database, clock, slot, reminder_offsets=[30 * timedelta(minutes=1), 24 * H]
    )
    none = await _book(database, clock, slot, reminder_offsets=())

    reminders = await _reminders(database, chosen.booking.id)
    assert [r.offset_minutes for r in reminders] == [24 * 60, 30]
    assert await _reminders(database, none.booking.id) == []


async def test_a_place_on_the_waitlist_gets_none_and_a_double_tap_adds_none(
    database: Database, clock: ManualClock
) -> None:
    slot = await _slot(database, clock, capacity=1)
    seat = await _book(database, clock, slot)
    line = await _book(database, clock, slot)
    assert line.booking.status == BookingStatus.WAITLISTED

    again = await _book(database, clock, slot, youth_id=seat.booking.youth_id)

    assert not again.created
    assert await _reminders(database, line.booking.id) == []
    assert len(await _reminders(database, seat.booking.id)) == 2
    assert len(await _outbox(database)) == 2


async def test_planning_again_adds_no_second_pending_reminder(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    slot = await _slot(database, clock, starts_in=timedelta(days=3))
    booking = (await _book(database, clock, slot)).booking
    async with database.transaction() as session:
        first, _ = await session.scalars(
            select(Reminder)
            .where(col(Reminder.booking_id) == booking.id)
            .order_by(col(Reminder.id))
        )
        first.status = OutboxStatus.SENT

    clock.advance(H)
    async with database.transaction() as session:
        stored = await session.get(Booking, booking.id)
        assert stored is not None
        again = await plan_reminders(session, stored, slot, settings, clock.now())
        extra = await plan_reminders_at(session, stored, slot, [48 * H, 2 * H, 3 * H], clock.now())

    # The 48 h one was sent: only a pending one blocks planning its offset again.
    assert [(r.offset_minutes, r.due_at) for r in again] == [(48 * 60, slot.starts_at - 48 * H)]
    assert [r.offset_minutes for r in extra] == [180]
    reminders = await _reminders(database, booking.id)
    assert sorted(r.offset_minutes or 0 for r in reminders) == [120, 180, 48 * 60, 48 * 60]
    assert [r.status for r in reminders].count(OutboxStatus.PENDING) == 3


async def test_the_offsets_of_the_slot_kind_are_used(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    tuned = settings.model_copy(
        update={"reminder_offsets_by_kind": ((SlotKind.APPOINTMENT, (24 * H, 1 * H)),)}
    )
    now = clock.now()
    async with database.transaction() as session:
        appointment = await make_slot(session, now, SlotKind.APPOINTMENT, timedelta(days=3))
        workshop = await make_slot(session, now, SlotKind.WORKSHOP, timedelta(days=3))
        youth = await make_youth(session, now)
        bookings = [
            await make_booking(session, now, youth, slot) for slot in (appointment, workshop)
        ]
        planned = [
            await plan_reminders(session, booking, slot, tuned, now)
            for booking, slot in zip(bookings, (appointment, workshop), strict=True)
        ]

    assert [[r.offset_minutes for r in rows] for rows in planned] == [[24 * 60, 60], [48 * 60, 120]]
    assert [r.due_at for r in planned[0]] == [
        appointment.starts_at - 24 * H,
        appointment.starts_at - H,
    ]


@pytest.mark.parametrize(
    "case", ["waitlisted", "cancelled", "attended", "erased youth", "cancelled slot"]
)
async def test_no_reminders_without_a_seat_someone_to_remind_or_a_slot(
    database: Database, clock: ManualClock, settings: Settings, case: str
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        slot = await make_slot(session, now)
        youth = await make_youth(session, now)
        status = {
            "waitlisted": BookingStatus.WAITLISTED,
            "cancelled": BookingStatus.CANCELLED,
            "attended": BookingStatus.ATTENDED,
        }.get(case, BookingStatus.BOOKED)
        booking = await make_booking(session, now, youth, slot, status)
        if case == "erased youth":
            booking.youth_id = None
        if case == "cancelled slot":
            slot.status = SlotStatus.CANCELLED

        assert await plan_reminders(session, booking, slot, settings, now) == []
    assert await _outbox(database) == []


async def test_a_booking_is_planned_only_against_its_own_slot(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        slot, other = await make_slot(session, now), await make_slot(session, now)
        booking = await make_booking(session, now, await make_youth(session, now), slot)

        with pytest.raises(ValueError, match="is not on slot"):
            await plan_reminders(session, booking, other, settings, now)


# -- a seat given by the waitlist, and seats given up ------------------------------


async def _seat_and_line(database: Database, clock: ManualClock) -> tuple[Slot, Booking, Booking]:
    slot = await _slot(database, clock, capacity=1, starts_in=timedelta(days=3))
    seat = (await _book(database, clock, slot)).booking
    line = (await _book(database, clock, slot)).booking
    assert line.status == BookingStatus.WAITLISTED
    return slot, seat, line


async def test_a_promoted_youth_gets_the_notice_and_the_reminders_of_the_kind(
    database: Database, clock: ManualClock
) -> None:
    slot, seat, line = await _seat_and_line(database, clock)
    clock.advance(30 * H)  # 42 h before the start: the 48 h reminder is already past

    async with database.transaction() as session:
        outcome = await operations.cancel(
            session,
            now=clock.now(),
            booking_id=seat.id or 0,
            by=CancelledBy.YOUTH,
            reason=None,
            youth_id=seat.youth_id,
            reminder_offsets=(24 * H, 2 * H),
        )

    assert outcome.promoted is not None
    assert outcome.promoted.id == line.id
    planned = await _reminders(database, line.id)
    assert [(r.offset_minutes, r.due_at, r.youth_id) for r in planned] == [
        (24 * 60, slot.starts_at - 24 * H, line.youth_id),
        (120, slot.starts_at - 2 * H, line.youth_id),
    ]
    [notice] = await _outbox(database, col(Reminder.kind) == OutboxKind.WAITLIST_PROMOTION)
    assert (notice.booking_id, notice.due_at) == (line.id, clock.now())


async def test_without_offsets_a_promotion_gets_the_default_ones(
    database: Database, clock: ManualClock
) -> None:
    slot, seat, line = await _seat_and_line(database, clock)

    async with database.transaction() as session:
        await operations.cancel(
            session, now=clock.now(), booking_id=seat.id or 0, by=CancelledBy.STAFF, reason=None
        )

    planned = await _reminders(database, line.id)
    assert [r.due_at for r in planned] == [slot.starts_at - 48 * H, slot.starts_at - 2 * H]


@pytest.mark.parametrize("action", ["cancel", "excuse"])
async def test_giving_up_a_seat_skips_its_reminders(
    database: Database, clock: ManualClock, action: str
) -> None:
    slot, seat, line = await _seat_and_line(database, clock)
    # The 2 h one alone is still ahead, and it is past the 4 h cut-off for an excuse.
    clock.set(slot.starts_at - 3 * H)

    async with database.transaction() as session:
        if action == "cancel":
            await operations.cancel(
                session, now=clock.now(), booking_id=seat.id or 0, by=CancelledBy.STAFF,
                reason=None,
            )  # fmt: skip
        else:
            await operations.excuse(
                session, now=clock.now(), booking_id=seat.id or 0, youth_id=seat.youth_id or 0,
                reason=None,
            )  # fmt: skip

    skipped = await _reminders(database, seat.id)
    assert [(r.status, r.skip_reason) for r in skipped] == [
        (OutboxStatus.SKIPPED, "booking_cancelled")
    ] * 2
    assert skipped[0].history[-1] == {
        "at": clock.now().isoformat(),
        "event": "skipped",
        "detail": "booking_cancelled",
    }
    [promoted] = await _reminders(database, line.id)
    assert (promoted.status, promoted.offset_minutes) == (OutboxStatus.PENDING, 120)


async def test_erasure_skips_the_planned_reminders_and_plans_the_promoted_ones(
    database: Database, clock: ManualClock
) -> None:
    _, seat, line = await _seat_and_line(database, clock)
    assert seat.youth_id is not None

    async with database.transaction() as session:
        erasure = await erase_youth(session, seat.youth_id, clock.now())

    assert erasure is not None
    assert erasure.skipped_reminders == 2
    erased = await _reminders(database, seat.id)
    assert [(r.status, r.skip_reason, r.youth_id) for r in erased] == [
        (OutboxStatus.SKIPPED, SKIP_REASON_YOUTH_ERASED, None)
    ] * 2
    assert [r.status for r in await _reminders(database, line.id)] == [OutboxStatus.PENDING] * 2


async def test_a_youth_who_blocked_the_bot_gets_none_of_the_planned_reminders(
    database: Database, clock: ManualClock
) -> None:
    slot = await _slot(database, clock, starts_in=timedelta(days=3))
    async with database.transaction() as session:
        youth, other = await make_youths(session, clock.now(), 2)
    seat = await _book(database, clock, slot, youth_id=youth.id)
    kept = await _book(database, clock, slot, youth_id=other.id)

    async with database.transaction() as session:
        await mark_unreachable(session, youth.telegram_user_id, clock.now())

    stopped = await _reminders(database, seat.booking.id)
    assert [(r.status, r.skip_reason) for r in stopped] == [
        (OutboxStatus.SKIPPED, SKIP_REASON_YOUTH_UNREACHABLE)
    ] * 2
    assert [r.status for r in await _reminders(database, kept.booking.id)] == [
        OutboxStatus.PENDING
    ] * 2
