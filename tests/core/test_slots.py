"""Staff cancelling or moving a slot: bookings, reminders and notices, on both backends."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, NamedTuple

import pytest
from sqlmodel import col, select

from core.booking import SlotCancelled, SlotNotFound, operations
from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.models import (
    Booking,
    BookingStatus,
    CancelledBy,
    Confirmation,
    OutboxKind,
    OutboxStatus,
    Reminder,
    Slot,
    SlotKind,
    SlotStatus,
)
from core.slots import cancel_slot, move_slot
from tests.conftest import PARIS
from tests.support.factories import make_slot, make_youths

H = timedelta(hours=1)
MESSAGE = "L'animatrice est malade, désolés !"


class Scene(NamedTuple):
    slot: Slot
    seats: list[Booking]
    line: Booking
    gone: Booking


async def _scene(database: Database, clock: ManualClock, **slot_options: Any) -> Scene:
    """Three seats with their reminders (one given by the waitlist), and a youth waiting
    who had cancelled a booking on the slot before."""
    now = clock.now()
    async with database.transaction() as session:
        slot = await make_slot(
            session, now, capacity=3, starts_in=timedelta(days=3), **slot_options
        )
        youths = await make_youths(session, now, 4)
    bookings = []
    for youth in youths:
        async with database.transaction() as session:
            outcome = await operations.book(
                session, now=now, tz=PARIS, youth_id=youth.id or 0, slot_id=slot.id or 0
            )
            bookings.append(outcome.booking)
    first, second, gone, line = bookings
    async with database.transaction() as session:
        cancelled = await operations.cancel(
            session, now=now, booking_id=gone.id or 0, by=CancelledBy.YOUTH, reason=None
        )
    # The freed seat went to the youth in line; the one who cancelled now waits in turn.
    promoted = cancelled.promoted
    assert promoted is not None
    assert promoted.id == line.id
    async with database.transaction() as session:
        again = await operations.book(
            session, now=now, tz=PARIS, youth_id=gone.youth_id or 0, slot_id=slot.id or 0
        )
    assert again.booking.status == BookingStatus.WAITLISTED
    return Scene(slot, [first, second, promoted], again.booking, gone)


async def _outbox(database: Database, *where: Any) -> list[Reminder]:
    async with database.reading() as session:
        statement = select(Reminder).where(*where).order_by(col(Reminder.id))
        return list(await session.scalars(statement))


async def _booking(database: Database, booking_id: int | None) -> Booking:
    async with database.reading() as session:
        booking = await session.get(Booking, booking_id)
    assert booking is not None
    return booking


async def _stored_slot(database: Database, slot_id: int | None) -> Slot:
    async with database.reading() as session:
        slot = await session.get(Slot, slot_id)
    assert slot is not None
    return slot


def _of(kind: OutboxKind) -> Any:
    return col(Reminder.kind) == kind


# -- cancelling ------------------------------------------------------------------


async def test_cancelling_a_slot_cancels_every_booking_and_tells_every_youth(
    database: Database, clock: ManualClock
) -> None:
    scene = await _scene(database, clock)
    async with database.transaction() as session:
        sent = (
            await session.scalars(
                select(Reminder).where(col(Reminder.booking_id) == scene.seats[0].id)
            )
        ).first()
        assert sent is not None
        sent.status = OutboxStatus.SENT
    clock.advance(H)

    async with database.transaction() as session:
        told = await cancel_slot(
            session, scene.slot.id or 0, clock.now(), MESSAGE, by_staff_id=None
        )

    assert told == 4
    slot = await _stored_slot(database, scene.slot.id)
    assert (slot.status, slot.cancelled_at, slot.cancel_reason, slot.updated_at) == (
        SlotStatus.CANCELLED,
        clock.now(),
        MESSAGE,
        clock.now(),
    )
    for active in [*scene.seats, scene.line]:
        booking = await _booking(database, active.id)
        assert (booking.status, booking.cancelled_by, booking.cancel_reason) == (
            BookingStatus.CANCELLED,
            CancelledBy.STAFF,
            "slot_cancelled",
        )
        assert booking.cancelled_at == clock.now()
    earlier = await _booking(database, scene.gone.id)
    assert earlier.cancelled_by == CancelledBy.YOUTH, "a booking cancelled before is left alone"

    reminders = await _outbox(database, _of(OutboxKind.REMINDER))
    assert len(reminders) == 8  # 2 for each of the 3 seats, and the 2 of the cancelled booking
    assert {(r.status, r.skip_reason) for r in reminders if r.id != sent.id} == {
        (OutboxStatus.SKIPPED, "booking_cancelled"),
        (OutboxStatus.SKIPPED, "slot_cancelled"),
    }
    assert [r.status for r in reminders if r.id == sent.id] == [OutboxStatus.SENT]
    assert [r.skip_reason for r in reminders].count("slot_cancelled") == 5
    [promotion] = await _outbox(database, _of(OutboxKind.WAITLIST_PROMOTION))
    assert (promotion.status, promotion.skip_reason) == (OutboxStatus.SKIPPED, "slot_cancelled")

    notices = await _outbox(database, _of(OutboxKind.SLOT_CANCELLED))
    assert [(n.booking_id, n.youth_id) for n in notices] == [
        (b.id, b.youth_id) for b in sorted([*scene.seats, scene.line], key=lambda b: b.id or 0)
    ]
    for notice in notices:
        assert (notice.status, notice.due_at, notice.created_at) == (
            OutboxStatus.PENDING,
            clock.now(),
            clock.now(),
        )
        assert notice.payload == {"message": MESSAGE}
        assert notice.history == [
            {"at": clock.now().isoformat(), "event": "queued", "detail": "slot_cancelled"}
        ]


async def test_nobody_is_promoted_and_nothing_can_be_booked_any_more(
    database: Database, clock: ManualClock
) -> None:
    scene = await _scene(database, clock)
    async with database.transaction() as session:
        await cancel_slot(session, scene.slot.id or 0, clock.now(), MESSAGE, by_staff_id=None)

    async with database.reading() as session:
        statuses = {
            b.status
            for b in await session.scalars(
                select(Booking).where(col(Booking.slot_id) == scene.slot.id)
            )
        }
    assert statuses == {BookingStatus.CANCELLED}
    async with database.transaction() as session:
        with pytest.raises(SlotCancelled):
            await operations.book(
                session, now=clock.now(), tz=PARIS, youth_id=scene.gone.youth_id or 0,
                slot_id=scene.slot.id or 0,
            )  # fmt: skip


async def test_cancelling_again_changes_nothing_and_tells_nobody_again(
    database: Database, clock: ManualClock
) -> None:
    scene = await _scene(database, clock)
    async with database.transaction() as session:
        await cancel_slot(session, scene.slot.id or 0, clock.now(), MESSAGE, by_staff_id=None)
    first_time = clock.now()
    clock.advance(H)

    async with database.transaction() as session:
        again = await cancel_slot(session, scene.slot.id or 0, clock.now(), "bis", by_staff_id=7)

    assert again == 0
    assert len(await _outbox(database, _of(OutboxKind.SLOT_CANCELLED))) == 4
    slot = await _stored_slot(database, scene.slot.id)
    assert (slot.cancelled_at, slot.cancel_reason) == (first_time, MESSAGE)


async def test_the_staff_member_who_cancelled_is_in_the_notice_history(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        slot = await make_slot(session, now)
        [youth] = await make_youths(session, now, 1)
        await operations.book(
            session, now=now, tz=PARIS, youth_id=youth.id or 0, slot_id=slot.id or 0
        )
        told = await cancel_slot(session, slot.id or 0, now, MESSAGE, by_staff_id=42)

    assert told == 1
    [notice] = await _outbox(database, _of(OutboxKind.SLOT_CANCELLED))
    assert notice.history == [
        {"at": now.isoformat(), "event": "queued", "detail": "slot_cancelled", "by_staff_id": 42}
    ]


async def test_an_empty_slot_is_cancelled_telling_nobody(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        slot = await make_slot(session, clock.now())
        told = await cancel_slot(session, slot.id or 0, clock.now(), MESSAGE, by_staff_id=3)

    assert told == 0
    assert (await _stored_slot(database, slot.id)).status == SlotStatus.CANCELLED
    assert await _outbox(database) == []


async def test_an_unknown_slot_cannot_be_cancelled_or_moved(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        with pytest.raises(SlotNotFound):
            await cancel_slot(session, 999_999, now, MESSAGE, by_staff_id=None)
        with pytest.raises(SlotNotFound):
            await move_slot(
                session, 999_999, now + H, now + 2 * H, now, MESSAGE, settings.reminder_offsets_for
            )


# -- moving ------------------------------------------------------------------------


async def test_moving_a_slot_plans_the_reminders_again_and_tells_every_youth(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    scene = await _scene(database, clock)
    old_start = scene.slot.starts_at
    new_start = old_start + timedelta(days=2, hours=3)
    clock.advance(H)

    async with database.transaction() as session:
        told = await move_slot(
            session, scene.slot.id or 0, new_start, new_start + 3 * H, clock.now(), MESSAGE,
            settings.reminder_offsets_for,
        )  # fmt: skip

    assert told == 4
    slot = await _stored_slot(database, scene.slot.id)
    assert (slot.starts_at, slot.ends_at, slot.updated_at) == (
        new_start,
        new_start + 3 * H,
        clock.now(),
    )
    assert slot.status == SlotStatus.SCHEDULED
    for seat in scene.seats:
        reminders = await _outbox(
            database, _of(OutboxKind.REMINDER), col(Reminder.booking_id) == seat.id
        )
        old = [(r.due_at, r.status, r.skip_reason) for r in reminders[:2]]
        assert old == [
            (old_start - 48 * H, OutboxStatus.SKIPPED, "slot_moved"),
            (old_start - 2 * H, OutboxStatus.SKIPPED, "slot_moved"),
        ]
        new = [(r.due_at, r.status, r.offset_minutes, r.youth_id) for r in reminders[2:]]
        assert new == [
            (new_start - 48 * H, OutboxStatus.PENDING, 48 * 60, seat.youth_id),
            (new_start - 2 * H, OutboxStatus.PENDING, 120, seat.youth_id),
        ]
        assert reminders[2].history[0]["detail"] == f"48h before {new_start.isoformat()}"
        assert (await _booking(database, seat.id)).status == BookingStatus.BOOKED
    assert (
        await _outbox(database, col(Reminder.booking_id) == scene.line.id, _of(OutboxKind.REMINDER))
        == []
    )
    [promotion] = await _outbox(database, _of(OutboxKind.WAITLIST_PROMOTION))
    assert promotion.status == OutboxStatus.PENDING, "getting a seat is still news"

    notices = await _outbox(database, _of(OutboxKind.SLOT_MOVED))
    assert sorted(n.youth_id or 0 for n in notices) == sorted(
        b.youth_id or 0 for b in [*scene.seats, scene.line]
    )
    for notice in notices:
        assert (notice.status, notice.due_at) == (OutboxStatus.PENDING, clock.now())
        assert notice.payload == {"message": MESSAGE, "old_starts_at": old_start.isoformat()}


async def test_moving_uses_the_offsets_of_the_kind_and_drops_those_already_past(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    tuned = settings.model_copy(
        update={"reminder_offsets_by_kind": ((SlotKind.FOOD_PARCEL, (24 * H, 3 * H)),)}
    )
    scene = await _scene(database, clock, kind=SlotKind.FOOD_PARCEL)
    new_start = clock.now() + 12 * H

    async with database.transaction() as session:
        await move_slot(
            session, scene.slot.id or 0, new_start, new_start + H, clock.now(), MESSAGE,
            tuned.reminder_offsets_for,
        )  # fmt: skip

    pending = await _outbox(
        database, _of(OutboxKind.REMINDER), col(Reminder.status) == OutboxStatus.PENDING
    )
    assert sorted((r.booking_id or 0, r.offset_minutes, r.due_at) for r in pending) == sorted(
        (seat.id or 0, 180, new_start - 3 * H) for seat in scene.seats
    )


async def test_moving_again_replaces_the_earlier_notice(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    scene = await _scene(database, clock)
    first, second = scene.slot.starts_at + H, scene.slot.starts_at + 2 * H
    for start in (first, second):
        async with database.transaction() as session:
            await move_slot(
                session, scene.slot.id or 0, start, start + H, clock.now(), MESSAGE,
                settings.reminder_offsets_for,
            )  # fmt: skip

    notices = await _outbox(database, _of(OutboxKind.SLOT_MOVED))
    assert [(n.status, n.skip_reason) for n in notices] == [
        (OutboxStatus.SKIPPED, "slot_moved")
    ] * 4 + [(OutboxStatus.PENDING, None)] * 4
    assert {n.payload["old_starts_at"] for n in notices[4:]} == {first.isoformat()}
    pending = await _outbox(
        database, _of(OutboxKind.REMINDER), col(Reminder.status) == OutboxStatus.PENDING
    )
    assert len(pending) == 6, "two per seat, never more"
    assert {r.due_at for r in pending} == {second - 48 * H, second - 2 * H}


async def test_a_confirmation_given_for_the_old_time_is_asked_again_after_a_move(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    scene = await _scene(database, clock)
    seat = scene.seats[0]
    async with database.transaction() as session:
        await operations.confirm_coming(
            session, now=clock.now(), booking_id=seat.id or 0, youth_id=seat.youth_id or 0
        )
    assert (await _booking(database, seat.id)).confirmation == Confirmation.COMING

    later = scene.slot.starts_at + 24 * H
    async with database.transaction() as session:
        await move_slot(
            session, scene.slot.id or 0, later, later + H, clock.now(), MESSAGE,
            settings.reminder_offsets_for,
        )  # fmt: skip

    moved = await _booking(database, seat.id)
    assert (moved.confirmation, moved.confirmed_at) == (None, None)


async def test_a_cancelled_slot_cannot_be_moved_and_a_slot_must_end_after_it_starts(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        slot = await make_slot(session, now)
        start = slot.starts_at + H
        with pytest.raises(ValueError, match="end after it starts"):
            await move_slot(
                session, slot.id or 0, start, start, now, MESSAGE, settings.reminder_offsets_for
            )
        await cancel_slot(session, slot.id or 0, now, MESSAGE, by_staff_id=None)
        with pytest.raises(SlotCancelled):
            await move_slot(
                session, slot.id or 0, start, start + H, now, MESSAGE, settings.reminder_offsets_for
            )
    assert (await _stored_slot(database, slot.id)).starts_at == now + timedelta(days=2)
