"""What an attendance mark queues in the outbox, and what a correction skips, on both backends."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlmodel import col, select

from core.attendance import mark_all_present, mark_attendance
from core.clock import ManualClock
from core.db import Database
from core.follow_ups import FOLLOW_UP_INTERVAL, SKIP_REASON_ATTENDANCE_CHANGED
from core.models import (
    Booking,
    BookingStatus,
    OutboxKind,
    OutboxStatus,
    Reminder,
    SlotKind,
    Youth,
)
from tests.core.test_attendance import make_staff
from tests.support.factories import make_booking, make_slot, make_youth

H = timedelta(hours=1)
ATTENDED, EXCUSED, NO_SHOW = BookingStatus.ATTENDED, BookingStatus.EXCUSED, BookingStatus.NO_SHOW
FOLLOW_UP, SURVEY = OutboxKind.NO_SHOW_FOLLOW_UP, OutboxKind.SATISFACTION_SURVEY


class Scene:
    """One youth, one adviser, and seats of that youth on slots that just ended."""

    def __init__(self, database: Database, clock: ManualClock) -> None:
        self.database = database
        self.clock = clock
        self.youth_id = 0
        self.staff_id = 0

    async def start(self, **youth: object) -> Scene:
        async with self.database.transaction() as session:
            now = self.clock.now()
            self.youth_id = (await make_youth(session, now, **youth)).id or 0
            self.staff_id = await make_staff(session, now)
        return self

    async def seat(self, kind: SlotKind = SlotKind.WORKSHOP) -> int:
        async with self.database.transaction() as session:
            now = self.clock.now()
            slot = await make_slot(session, now - 3 * H, kind, starts_in=H)
            booking = await make_booking(session, now, self.youth_id, slot)
        return booking.id or 0

    async def mark(self, booking_id: int, status: BookingStatus) -> None:
        async with self.database.transaction() as session:
            await mark_attendance(session, booking_id, status, self.clock.now(), self.staff_id)

    async def outbox(self, kind: OutboxKind) -> list[Reminder]:
        async with self.database.reading() as session:
            statement = select(Reminder).where(col(Reminder.kind) == kind)
            return list(await session.scalars(statement.order_by(col(Reminder.id))))

    async def settle(self, kind: OutboxKind, status: OutboxStatus, at: datetime) -> None:
        """What the dispatcher would do with the pending messages of `kind`."""
        async with self.database.transaction() as session:
            statement = select(Reminder).where(
                col(Reminder.kind) == kind, col(Reminder.status) == OutboxStatus.PENDING
            )
            for reminder in await session.scalars(statement):
                reminder.status = status
                reminder.sent_at = at if status == OutboxStatus.SENT else None


@pytest.fixture
async def scene(database: Database, clock: ManualClock) -> Scene:
    return await Scene(database, clock).start()


async def test_a_no_show_queues_one_kind_follow_up_due_now(scene: Scene) -> None:
    booking_id = await scene.seat()
    await scene.mark(booking_id, NO_SHOW)

    [follow_up] = await scene.outbox(FOLLOW_UP)
    assert (follow_up.booking_id, follow_up.youth_id) == (booking_id, scene.youth_id)
    assert (follow_up.status, follow_up.due_at) == (OutboxStatus.PENDING, scene.clock.now())
    assert follow_up.history[0]["by_staff_id"] == scene.staff_id
    assert await scene.outbox(SURVEY) == []


async def test_at_most_one_follow_up_a_week_per_youth(scene: Scene) -> None:
    await scene.mark(await scene.seat(), NO_SHOW)
    await scene.mark(await scene.seat(SlotKind.FOOD_PARCEL), NO_SHOW)
    assert len(await scene.outbox(FOLLOW_UP)) == 1, "one pending already"

    sent_at = scene.clock.advance(H)
    await scene.settle(FOLLOW_UP, OutboxStatus.SENT, sent_at)
    scene.clock.set(sent_at + FOLLOW_UP_INTERVAL - timedelta(seconds=1))
    await scene.mark(await scene.seat(), NO_SHOW)
    assert len(await scene.outbox(FOLLOW_UP)) == 1, "one sent less than a week ago"

    scene.clock.set(sent_at + FOLLOW_UP_INTERVAL)
    await scene.mark(await scene.seat(), NO_SHOW)
    assert [m.status for m in await scene.outbox(FOLLOW_UP)] == [
        OutboxStatus.SENT,
        OutboxStatus.PENDING,
    ]


async def test_each_youth_has_their_own_week(
    scene: Scene, database: Database, clock: ManualClock
) -> None:
    other = await Scene(database, clock).start()
    await scene.mark(await scene.seat(), NO_SHOW)
    await other.mark(await other.seat(), NO_SHOW)
    assert {m.youth_id for m in await scene.outbox(FOLLOW_UP)} == {scene.youth_id, other.youth_id}


@pytest.mark.parametrize("status", [OutboxStatus.FAILED, OutboxStatus.SKIPPED])
async def test_a_follow_up_that_never_reached_the_youth_does_not_count(
    scene: Scene, status: OutboxStatus
) -> None:
    await scene.mark(await scene.seat(), NO_SHOW)
    await scene.settle(FOLLOW_UP, status, scene.clock.now())
    await scene.mark(await scene.seat(), NO_SHOW)
    assert [m.status for m in await scene.outbox(FOLLOW_UP)] == [status, OutboxStatus.PENDING]


async def test_a_pending_follow_up_over_a_week_old_does_not_count(scene: Scene) -> None:
    # The dispatcher was stopped: it will drop that one as too old, so a new one goes.
    await scene.mark(await scene.seat(), NO_SHOW)
    scene.clock.advance(FOLLOW_UP_INTERVAL)
    await scene.mark(await scene.seat(), NO_SHOW)
    assert len(await scene.outbox(FOLLOW_UP)) == 2


async def test_no_follow_up_for_a_youth_who_blocked_the_bot(
    database: Database, clock: ManualClock
) -> None:
    blocked = await Scene(database, clock).start(reachable=False)
    booking_id = await blocked.seat()
    await blocked.mark(booking_id, NO_SHOW)
    await blocked.mark(booking_id, ATTENDED)
    assert await blocked.outbox(FOLLOW_UP) == []
    assert await blocked.outbox(SURVEY) == []


async def test_no_follow_up_for_a_youth_who_erased_their_data(scene: Scene) -> None:
    booking_id = await scene.seat()
    async with scene.database.transaction() as session:
        booking = await session.get(Booking, booking_id)
        assert booking is not None
        booking.youth_id = None
        await session.delete(await session.get(Youth, scene.youth_id))
    await scene.mark(booking_id, NO_SHOW)
    assert await scene.outbox(FOLLOW_UP) == []


async def test_correcting_a_no_show_skips_its_follow_up_if_not_sent_yet(scene: Scene) -> None:
    booking_id = await scene.seat()
    await scene.mark(booking_id, NO_SHOW)
    await scene.mark(booking_id, EXCUSED)

    [skipped] = await scene.outbox(FOLLOW_UP)
    assert (skipped.status, skipped.skip_reason) == (
        OutboxStatus.SKIPPED,
        SKIP_REASON_ATTENDANCE_CHANGED,
    )
    assert skipped.history[-1]["event"] == "skipped"

    sent = await scene.seat()
    await scene.mark(sent, NO_SHOW)
    await scene.settle(FOLLOW_UP, OutboxStatus.SENT, scene.clock.now())
    await scene.mark(sent, ATTENDED)
    assert [m.status for m in await scene.outbox(FOLLOW_UP)][-1] == OutboxStatus.SENT


async def test_an_attended_workshop_gets_one_survey(scene: Scene) -> None:
    booking_id = await scene.seat()
    await scene.mark(booking_id, ATTENDED)

    [survey] = await scene.outbox(SURVEY)
    assert (survey.booking_id, survey.youth_id) == (booking_id, scene.youth_id)
    assert (survey.status, survey.due_at) == (OutboxStatus.PENDING, scene.clock.now())
    assert await scene.outbox(FOLLOW_UP) == []


@pytest.mark.parametrize("kind", [SlotKind.FOOD_PARCEL, SlotKind.APPOINTMENT])
async def test_only_workshops_get_a_survey(scene: Scene, kind: SlotKind) -> None:
    await scene.mark(await scene.seat(kind), ATTENDED)
    assert await scene.outbox(SURVEY) == []


async def test_a_booking_is_never_surveyed_twice(scene: Scene) -> None:
    booking_id = await scene.seat()
    await scene.mark(booking_id, ATTENDED)
    await scene.settle(SURVEY, OutboxStatus.SENT, scene.clock.now())
    await scene.mark(booking_id, NO_SHOW)
    await scene.mark(booking_id, ATTENDED)

    assert [m.status for m in await scene.outbox(SURVEY)] == [OutboxStatus.SENT]


async def test_correcting_away_from_attended_skips_the_pending_survey(scene: Scene) -> None:
    booking_id = await scene.seat()
    await scene.mark(booking_id, ATTENDED)
    await scene.mark(booking_id, NO_SHOW)

    [survey] = await scene.outbox(SURVEY)
    assert (survey.status, survey.skip_reason) == (
        OutboxStatus.SKIPPED,
        SKIP_REASON_ATTENDANCE_CHANGED,
    )
    assert len(await scene.outbox(FOLLOW_UP)) == 1

    # Back to attended: the skipped survey never went out, so one is queued again.
    await scene.mark(booking_id, ATTENDED)
    assert [m.status for m in await scene.outbox(SURVEY)] == [
        OutboxStatus.SKIPPED,
        OutboxStatus.PENDING,
    ]
    assert [m.status for m in await scene.outbox(FOLLOW_UP)] == [OutboxStatus.SKIPPED]


async def test_all_present_surveys_each_youth_of_the_workshop(
    scene: Scene, database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        now = clock.now()
        slot = await make_slot(session, now - 3 * H, starts_in=H)
        youths = [await make_youth(session, now) for _ in range(3)]
        for youth in youths:
            await make_booking(session, now, youth, slot)
    async with database.transaction() as session:
        assert await mark_all_present(session, slot.id or 0, now, scene.staff_id) == 3

    surveys = await scene.outbox(SURVEY)
    assert sorted(m.youth_id or 0 for m in surveys) == sorted(y.id or 0 for y in youths)


async def test_marks_at_the_same_moment_still_send_one_follow_up(scene: Scene) -> None:
    # Two advisers marking the same youth missing on different slots at once: the
    # youth's lock makes the second one see the first one's follow-up.
    bookings = [await scene.seat() for _ in range(5)]
    await asyncio.gather(*(scene.mark(booking_id, NO_SHOW) for booking_id in bookings))
    assert len(await scene.outbox(FOLLOW_UP)) == 1
