"""The booking use cases on real databases (each test runs on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.booking import BookingService, errors, operations
from core.clock import ManualClock
from core.db import Database
from core.models import (
    BookingStatus,
    CancelledBy,
    OutboxKind,
    OutboxStatus,
    Reminder,
    SlotKind,
)
from core.models.enums import SlotStatus
from tests.core.booking.rows import BookingRows
from tests.support.factories import (
    make_booking,
    make_site,
    make_slot,
    make_youth,
    make_youths,
)

SECOND = timedelta(seconds=1)


class TestBook:
    async def test_a_free_seat_is_booked_with_its_details(
        self, service: BookingService, rows: BookingRows, clock: ManualClock
    ) -> None:
        slot, [youth] = await rows.slot_and_youths(1)

        outcome = await service.book(
            youth_id=youth, slot_id=slot.id, interpreter_language="ar", note="en fauteuil"
        )

        assert outcome.created
        assert outcome.waitlist_position is None
        [stored] = await rows.bookings_of(slot.id)
        assert stored.id == outcome.booking.id
        assert stored.status == BookingStatus.BOOKED
        assert (stored.youth_id, stored.interpreter_language, stored.note) == (
            youth,
            "ar",
            "en fauteuil",
        )
        assert stored.created_at == clock.now()

    async def test_a_full_workshop_puts_youths_in_line_in_order(
        self, service: BookingService, rows: BookingRows, clock: ManualClock
    ) -> None:
        slot, [first, second, third] = await rows.slot_and_youths(3, capacity=1)

        seat = await service.book(youth_id=first, slot_id=slot.id)
        clock.advance(SECOND)
        line_1 = await service.book(youth_id=second, slot_id=slot.id)
        clock.advance(SECOND)
        line_2 = await service.book(youth_id=third, slot_id=slot.id)

        assert seat.booking.status == BookingStatus.BOOKED
        assert (line_1.booking.status, line_1.waitlist_position) == (BookingStatus.WAITLISTED, 1)
        assert (line_2.booking.status, line_2.waitlist_position) == (BookingStatus.WAITLISTED, 2)

    async def test_a_full_appointment_has_no_waitlist(
        self, service: BookingService, rows: BookingRows
    ) -> None:
        slot, [first, second] = await rows.slot_and_youths(2, kind=SlotKind.APPOINTMENT, capacity=1)
        await service.book(youth_id=first, slot_id=slot.id)

        with pytest.raises(errors.SlotFull):
            await service.book(youth_id=second, slot_id=slot.id)
        assert len(await rows.bookings_of(slot.id)) == 1

    @pytest.mark.parametrize("capacity", [1, 5])
    async def test_booking_twice_returns_the_same_booking(
        self, service: BookingService, rows: BookingRows, clock: ManualClock, capacity: int
    ) -> None:
        slot, [first, second] = await rows.slot_and_youths(2, capacity=capacity)
        await service.book(youth_id=first, slot_id=slot.id)

        initial = await service.book(youth_id=second, slot_id=slot.id)
        clock.advance(SECOND)
        again = await service.book(youth_id=second, slot_id=slot.id)

        assert initial.created
        assert not again.created
        assert again.booking.id == initial.booking.id
        assert again.booking.status == initial.booking.status
        assert again.waitlist_position == initial.waitlist_position
        assert len(await rows.bookings_of(slot.id)) == 2

    async def test_a_youth_who_cancelled_can_book_again(
        self, service: BookingService, rows: BookingRows
    ) -> None:
        slot, youth, first = await rows.held_seat(service)
        await service.cancel(booking_id=first.booking.id, by=CancelledBy.YOUTH, youth_id=youth)

        again = await service.book(youth_id=youth, slot_id=slot.id)

        assert again.created
        assert again.booking.id != first.booking.id
        assert again.booking.status == BookingStatus.BOOKED

    async def test_one_food_parcel_per_week(
        self, service: BookingService, database: Database, clock: ManualClock
    ) -> None:
        now = clock.now()  # Monday 09:00 in Paris
        async with database.transaction() as session:
            other_site = await make_site(session)
            thursday = await make_slot(
                session, now, SlotKind.FOOD_PARCEL, starts_in=timedelta(days=3, hours=5)
            )
            # Sunday 20:00, same Paris week, at another distribution point.
            sunday = await make_slot(
                session,
                now,
                SlotKind.FOOD_PARCEL,
                starts_in=timedelta(days=6, hours=11),
                site_id=other_site.id,
            )
            next_thursday = await make_slot(
                session, now, SlotKind.FOOD_PARCEL, starts_in=timedelta(days=10, hours=5)
            )
            workshop = await make_slot(session, now, starts_in=timedelta(days=3, hours=5))
            youth = (await make_youth(session, now)).id
        assert youth is not None

        first = await service.book(youth_id=youth, slot_id=thursday.id)
        with pytest.raises(errors.WeeklyFoodParcelLimit):
            await service.book(youth_id=youth, slot_id=sunday.id)
        following_week = await service.book(youth_id=youth, slot_id=next_thursday.id)
        same_day_workshop = await service.book(youth_id=youth, slot_id=workshop.id)

        assert following_week.created
        assert same_day_workshop.created
        await service.cancel(booking_id=first.booking.id, by=CancelledBy.YOUTH, youth_id=youth)
        released = await service.book(youth_id=youth, slot_id=sunday.id)
        assert released.booking.status == BookingStatus.BOOKED

    async def test_a_missed_pickup_still_uses_the_week(
        self, service: BookingService, database: Database, clock: ManualClock
    ) -> None:
        now = clock.now()
        async with database.transaction() as session:
            youth = await make_youth(session, now)
            monday_morning = await make_slot(
                session, now - timedelta(hours=2), SlotKind.FOOD_PARCEL, starts_in=timedelta(0)
            )
            await make_booking(session, now, youth, monday_morning, BookingStatus.NO_SHOW)
            thursday = await make_slot(
                session, now, SlotKind.FOOD_PARCEL, starts_in=timedelta(days=3, hours=5)
            )
        assert youth.id is not None

        with pytest.raises(errors.WeeklyFoodParcelLimit):
            await service.book(youth_id=youth.id, slot_id=thursday.id)

    async def test_the_window_closed_one_second_ago(
        self, service: BookingService, rows: BookingRows, clock: ManualClock
    ) -> None:
        slot, [youth] = await rows.slot_and_youths(1, booking_closes_at=clock.now() + SECOND)
        clock.advance(2 * SECOND)

        with pytest.raises(errors.BookingWindowClosed):
            await service.book(youth_id=youth, slot_id=slot.id)
        assert await rows.bookings_of(slot.id) == []

    async def test_the_window_not_open_yet(
        self, service: BookingService, rows: BookingRows, clock: ManualClock
    ) -> None:
        slot, [youth] = await rows.slot_and_youths(
            1, booking_opens_at=clock.now() + timedelta(days=1)
        )

        with pytest.raises(errors.BookingWindowNotOpen):
            await service.book(youth_id=youth, slot_id=slot.id)
        clock.advance(timedelta(days=1))
        assert (await service.book(youth_id=youth, slot_id=slot.id)).created

    async def test_a_cancelled_slot_cannot_be_booked(
        self, service: BookingService, rows: BookingRows
    ) -> None:
        slot, [youth] = await rows.slot_and_youths(1, status=SlotStatus.CANCELLED)

        with pytest.raises(errors.SlotCancelled):
            await service.book(youth_id=youth, slot_id=slot.id)

    async def test_unknown_slot_and_youth(self, service: BookingService, rows: BookingRows) -> None:
        slot, [youth] = await rows.slot_and_youths(1)

        with pytest.raises(errors.SlotNotFound):
            await service.book(youth_id=youth, slot_id=999_999)
        with pytest.raises(errors.YouthNotFound):
            await service.book(youth_id=999_999, slot_id=slot.id)


class TestCancel:
    async def test_cancelling_a_seat_promotes_the_first_in_line_and_queues_the_notice(
        self, service: BookingService, rows: BookingRows, database: Database, clock: ManualClock
    ) -> None:
        slot, [holder, first_in_line, second_in_line] = await rows.slot_and_youths(3, capacity=1)
        seat = await service.book(youth_id=holder, slot_id=slot.id)
        for youth in (first_in_line, second_in_line):
            clock.advance(SECOND)
            await service.book(youth_id=youth, slot_id=slot.id)
        # The seat's 48 h reminder is still pending; say its 2 h one went out already.
        async with database.transaction() as session:
            planned = select(Reminder).where(
                col(Reminder.booking_id) == seat.booking.id, col(Reminder.offset_minutes) == 120
            )
            (await session.scalars(planned)).one().status = OutboxStatus.SENT
        clock.advance(timedelta(hours=1))

        outcome = await service.cancel(
            booking_id=seat.booking.id, by=CancelledBy.YOUTH, reason="malade", youth_id=holder
        )

        assert outcome.booking.status == BookingStatus.CANCELLED
        assert (outcome.booking.cancelled_by, outcome.booking.cancel_reason) == (
            CancelledBy.YOUTH,
            "malade",
        )
        assert outcome.promoted is not None
        assert (outcome.promoted.youth_id, outcome.promoted.status) == (
            first_in_line,
            BookingStatus.BOOKED,
        )
        assert outcome.promoted.promoted_at == clock.now()
        by_youth = {b.youth_id: b.status for b in await rows.bookings_of(slot.id)}
        assert by_youth == {
            holder: BookingStatus.CANCELLED,
            first_in_line: BookingStatus.BOOKED,
            second_in_line: BookingStatus.WAITLISTED,
        }
        skipped, sent, notice, reminder = await rows.outbox()
        assert (skipped.status, skipped.skip_reason) == (OutboxStatus.SKIPPED, "booking_cancelled")
        assert (skipped.offset_minutes, sent.offset_minutes) == (2880, 120)
        assert sent.status == OutboxStatus.SENT
        # The promoted seat's own reminders: the 48 h one is already past.
        assert (reminder.kind, reminder.booking_id, reminder.offset_minutes) == (
            OutboxKind.REMINDER,
            outcome.promoted.id,
            120,
        )
        assert (notice.kind, notice.booking_id, notice.youth_id) == (
            OutboxKind.WAITLIST_PROMOTION,
            outcome.promoted.id,
            first_in_line,
        )
        assert (notice.status, notice.due_at, notice.created_at) == (
            OutboxStatus.PENDING,
            clock.now(),
            clock.now(),
        )
        my = await service.my_bookings(youth_id=second_in_line)
        assert my.upcoming[0].waitlist_position == 1

    async def test_dropping_a_place_in_line_promotes_nobody(
        self, service: BookingService, rows: BookingRows
    ) -> None:
        slot, [holder, waiting] = await rows.slot_and_youths(2, capacity=1)
        seat = await service.book(youth_id=holder, slot_id=slot.id)
        line = await service.book(youth_id=waiting, slot_id=slot.id)

        outcome = await service.cancel(
            booking_id=line.booking.id, by=CancelledBy.YOUTH, youth_id=waiting
        )

        assert outcome.promoted is None
        # Only the holder's own reminders: no notice.
        assert {(r.kind, r.booking_id) for r in await rows.outbox()} == {
            (OutboxKind.REMINDER, seat.booking.id)
        }

    async def test_a_seat_freed_on_an_overfull_slot_promotes_nobody(
        self, service: BookingService, database: Database, clock: ManualClock
    ) -> None:
        now = clock.now()
        async with database.transaction() as session:
            slot = await make_slot(session, now, capacity=1)
            first, second, waiting = await make_youths(session, now, 3)
            seat = await make_booking(session, now, first, slot)
            await make_booking(session, now, second, slot)  # the capacity was lowered since
            await make_booking(session, now, waiting, slot, BookingStatus.WAITLISTED)
        assert seat.id is not None

        outcome = await service.cancel(booking_id=seat.id, by=CancelledBy.STAFF)

        assert outcome.promoted is None

    async def test_someone_elses_booking_is_refused(
        self, service: BookingService, rows: BookingRows
    ) -> None:
        slot, [owner, intruder] = await rows.slot_and_youths(2)
        seat = await service.book(youth_id=owner, slot_id=slot.id)

        with pytest.raises(errors.NotYourBooking):
            await service.cancel(
                booking_id=seat.booking.id, by=CancelledBy.YOUTH, youth_id=intruder
            )
        with pytest.raises(errors.NotYourBooking):
            await service.excuse(booking_id=seat.booking.id, youth_id=intruder)
        [stored] = await rows.bookings_of(slot.id)
        assert stored.status == BookingStatus.BOOKED

    async def test_after_the_cut_off_only_staff_may_cancel(
        self, service: BookingService, rows: BookingRows, clock: ManualClock
    ) -> None:
        slot, youth, seat = await rows.held_seat(service, cancellation_cutoff_minutes=240)
        clock.set(slot.starts_at - timedelta(hours=4))

        with pytest.raises(errors.CancellationCutoffPassed):
            await service.cancel(booking_id=seat.booking.id, by=CancelledBy.YOUTH, youth_id=youth)
        outcome = await service.cancel(
            booking_id=seat.booking.id, by=CancelledBy.STAFF, reason="atelier déplacé"
        )
        assert outcome.booking.cancelled_by == CancelledBy.STAFF

    async def test_a_youth_cancels_one_second_before_the_cut_off(
        self, service: BookingService, rows: BookingRows, clock: ManualClock
    ) -> None:
        slot, youth, seat = await rows.held_seat(service, cancellation_cutoff_minutes=240)
        clock.set(slot.starts_at - timedelta(hours=4) - SECOND)

        outcome = await service.cancel(
            booking_id=seat.booking.id, by=CancelledBy.YOUTH, youth_id=youth
        )
        assert outcome.booking.status == BookingStatus.CANCELLED

    async def test_cancelling_twice_is_refused(
        self, service: BookingService, rows: BookingRows
    ) -> None:
        _, youth, seat = await rows.held_seat(service)
        await service.cancel(booking_id=seat.booking.id, by=CancelledBy.YOUTH, youth_id=youth)

        with pytest.raises(errors.NotCancellable):
            await service.cancel(booking_id=seat.booking.id, by=CancelledBy.YOUTH, youth_id=youth)
        with pytest.raises(errors.BookingNotFound):
            await service.cancel(booking_id=999_999, by=CancelledBy.STAFF)


class TestExcuse:
    async def test_cant_come_after_the_cut_off_frees_the_seat_for_the_line(
        self, service: BookingService, rows: BookingRows, clock: ManualClock
    ) -> None:
        slot, [holder, waiting] = await rows.slot_and_youths(2, capacity=1)
        seat = await service.book(youth_id=holder, slot_id=slot.id)
        await service.book(youth_id=waiting, slot_id=slot.id)
        clock.set(slot.starts_at - timedelta(minutes=30))

        outcome = await service.excuse(
            booking_id=seat.booking.id, youth_id=holder, reason="bus en grève"
        )

        assert outcome.booking.status == BookingStatus.EXCUSED
        assert outcome.booking.cancel_reason == "bus en grève"
        assert outcome.promoted is not None
        assert outcome.promoted.youth_id == waiting
        [notice] = [r for r in await rows.outbox() if r.kind != OutboxKind.REMINDER]
        assert notice.kind == OutboxKind.WAITLIST_PROMOTION

    async def test_not_once_the_slot_started(
        self, service: BookingService, rows: BookingRows, clock: ManualClock
    ) -> None:
        slot, youth, seat = await rows.held_seat(service)
        clock.set(slot.starts_at)

        with pytest.raises(errors.SlotAlreadyStarted):
            await service.excuse(booking_id=seat.booking.id, youth_id=youth)


class _DriverError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


class TestRetries:
    async def test_a_deadlock_victim_is_rolled_back_and_run_again(
        self, service: BookingService, rows: BookingRows, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        seat = (await rows.held_seat(service)).seat
        real_cancel = operations.cancel
        calls = 0

        async def cancel_then_lose_a_deadlock(session: AsyncSession, **options: Any) -> Any:
            nonlocal calls
            calls += 1
            outcome = await real_cancel(session, **options)
            if calls == 1:
                raise DBAPIError("SELECT", None, _DriverError("40P01"))
            return outcome

        monkeypatch.setattr(operations, "cancel", cancel_then_lose_a_deadlock)

        outcome = await service.cancel(booking_id=seat.booking.id, by=CancelledBy.STAFF)

        assert calls == 2
        assert outcome.booking.status == BookingStatus.CANCELLED

    async def test_other_database_errors_are_not_retried(
        self, service: BookingService, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls = 0

        async def failing(session: AsyncSession, **options: Any) -> Any:
            nonlocal calls
            calls += 1
            raise DBAPIError("SELECT", None, _DriverError("53300"))

        monkeypatch.setattr(operations, "cancel", failing)

        with pytest.raises(DBAPIError):
            await service.cancel(booking_id=1, by=CancelledBy.STAFF)
        assert calls == 1
