"""Marking attendance after a slot, and the seats left to complete, on both backends.

What a mark sets off in the outbox is in `test_follow_ups.py`.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.attendance import (
    ACTION_ALL_PRESENT,
    ACTION_MARK,
    bookings_to_complete,
    mark_all_present,
    mark_attendance,
)
from core.booking.errors import (
    BookingNotFound,
    NotMarkable,
    SlotCancelled,
    SlotNotStarted,
    StaffNotFound,
)
from core.clock import ManualClock
from core.db import Database
from core.models import (
    AuditEntry,
    Booking,
    BookingStatus,
    SlotStatus,
    StaffRole,
    StaffUser,
)
from tests.support.factories import make_booking, make_site, make_slot, make_youth

H = timedelta(hours=1)
_staff_numbers = itertools.count(1)
ATTENDED, EXCUSED, NO_SHOW = BookingStatus.ATTENDED, BookingStatus.EXCUSED, BookingStatus.NO_SHOW


async def make_staff(session: AsyncSession, now: datetime, email: str | None = None) -> int:
    staff = StaffUser(
        email=email or f"conseil{next(_staff_numbers)}@ml.fr",
        password_hash="x",
        role=StaffRole.ADVISER,
        created_at=now,
        display_name="C",
    )
    session.add(staff)
    await session.flush()
    assert staff.id is not None
    return staff.id


async def _seat(
    database: Database,
    clock: ManualClock,
    status: BookingStatus = BookingStatus.BOOKED,
) -> tuple[int, int]:
    """A booking on a slot that began an hour ago, and a staff id."""
    async with database.transaction() as session:
        now = clock.now()
        started = await make_slot(session, now - 3 * H, starts_in=2 * H)
        booking = await make_booking(session, now, await make_youth(session, now), started, status)
        staff_id = await make_staff(session, now, "conseil@ml.fr")
    assert booking.id is not None
    return booking.id, staff_id


async def _mark(
    database: Database, booking_id: int, status: BookingStatus, now: datetime, by: int
) -> Booking:
    async with database.transaction() as session:
        return await mark_attendance(session, booking_id, status, now, by)


async def _statuses(database: Database, bookings: list[Booking]) -> list[BookingStatus]:
    async with database.reading() as session:
        found = [await session.get(Booking, booking.id) for booking in bookings]
    return [booking.status for booking in found if booking is not None]


async def _audit(database: Database) -> list[AuditEntry]:
    async with database.reading() as session:
        return list(await session.scalars(select(AuditEntry).order_by(col(AuditEntry.id))))


async def test_a_mark_is_stored_with_who_and_when_and_audited(
    database: Database, clock: ManualClock
) -> None:
    booking_id, staff_id = await _seat(database, clock)

    marked = await _mark(database, booking_id, ATTENDED, clock.now(), staff_id)

    assert (marked.status, marked.attendance_marked_at, marked.attendance_marked_by) == (
        ATTENDED,
        clock.now(),
        staff_id,
    )
    [entry] = await _audit(database)
    assert (entry.staff_id, entry.actor, entry.action) == (staff_id, "conseil@ml.fr", ACTION_MARK)
    assert (entry.entity, entry.entity_id, entry.at) == ("booking", str(booking_id), clock.now())
    assert entry.before == {
        "status": "booked",
        "attendance_marked_at": None,
        "attendance_marked_by": None,
    }
    assert entry.after == {
        "status": "attended",
        "attendance_marked_at": clock.now().isoformat(),
        "attendance_marked_by": staff_id,
    }


async def test_an_adviser_corrects_a_mark_and_the_log_keeps_both(
    database: Database, clock: ManualClock
) -> None:
    booking_id, staff_id = await _seat(database, clock)
    first = clock.now()
    await _mark(database, booking_id, NO_SHOW, first, staff_id)

    later = clock.advance(H)
    for status in (EXCUSED, ATTENDED):
        corrected = await _mark(database, booking_id, status, later, staff_id)
        assert (corrected.status, corrected.attendance_marked_at) == (status, later)

    entries = await _audit(database)
    assert [(e.before or {}).get("status") for e in entries] == ["booked", "no_show", "excused"]
    assert [(e.after or {}).get("status") for e in entries] == ["no_show", "excused", "attended"]
    assert (entries[1].before or {})["attendance_marked_at"] == first.isoformat()


async def test_marking_again_as_it_is_changes_nothing(
    database: Database, clock: ManualClock
) -> None:
    booking_id, staff_id = await _seat(database, clock)
    first = clock.now()
    await _mark(database, booking_id, NO_SHOW, first, staff_id)

    again = await _mark(database, booking_id, NO_SHOW, clock.advance(H), staff_id)

    assert again.attendance_marked_at == first
    assert len(await _audit(database)) == 1


async def test_attendance_is_marked_from_the_start_of_the_slot(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        now = clock.now()
        slot = await make_slot(session, now, starts_in=H)
        booking = await make_booking(session, now, await make_youth(session, now), slot)
        staff_id = await make_staff(session, now)
    assert booking.id is not None

    with pytest.raises(SlotNotStarted):
        await _mark(database, booking.id, ATTENDED, slot.starts_at - timedelta(seconds=1), staff_id)
    marked = await _mark(database, booking.id, ATTENDED, slot.starts_at, staff_id)
    assert marked.status == ATTENDED


@pytest.mark.parametrize(
    "status", [BookingStatus.WAITLISTED, BookingStatus.CANCELLED, BookingStatus.EXCUSED]
)
async def test_only_a_seat_held_or_already_marked_can_be_marked(
    database: Database, clock: ManualClock, status: BookingStatus
) -> None:
    # EXCUSED here is the youth's own "I can't come": their seat went to someone else.
    booking_id, staff_id = await _seat(database, clock, status)

    with pytest.raises(NotMarkable):
        await _mark(database, booking_id, ATTENDED, clock.now(), staff_id)
    assert await _audit(database) == []


async def test_what_cannot_be_marked_at_all(database: Database, clock: ManualClock) -> None:
    booking_id, staff_id = await _seat(database, clock)

    with pytest.raises(ValueError, match="not an attendance mark"):
        await _mark(database, booking_id, BookingStatus.CANCELLED, clock.now(), staff_id)
    with pytest.raises(StaffNotFound):
        await _mark(database, booking_id, ATTENDED, clock.now(), staff_id + 1000)
    with pytest.raises(BookingNotFound):
        await _mark(database, booking_id + 1000, ATTENDED, clock.now(), staff_id)


async def test_a_mark_on_a_youth_who_erased_their_data_is_still_recorded(
    database: Database, clock: ManualClock
) -> None:
    booking_id, staff_id = await _seat(database, clock)
    async with database.transaction() as session:
        booking = await session.get(Booking, booking_id)
        assert booking is not None
        booking.youth_id = None

    marked = await _mark(database, booking_id, NO_SHOW, clock.now(), staff_id)
    assert marked.status == NO_SHOW


# -- all present ---------------------------------------------------------------------------


async def test_all_present_marks_every_seat_not_marked_yet(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        now = clock.now()
        slot = await make_slot(session, now - 3 * H, starts_in=2 * H)
        youths = [await make_youth(session, now) for _ in range(4)]
        seated = [await make_booking(session, now, youth, slot) for youth in youths[:2]]
        missing = await make_booking(session, now, youths[2], slot)
        waiting = await make_booking(session, now, youths[3], slot, BookingStatus.WAITLISTED)
        staff_id = await make_staff(session, now)
    assert slot.id is not None
    assert missing.id is not None
    await _mark(database, missing.id, NO_SHOW, now, staff_id)

    async with database.transaction() as session:
        assert await mark_all_present(session, slot.id, now, staff_id) == 2
    async with database.transaction() as session:
        assert await mark_all_present(session, slot.id, now, staff_id) == 0, "nothing left"

    assert await _statuses(database, [*seated, missing, waiting]) == [
        ATTENDED,
        ATTENDED,
        NO_SHOW,
        BookingStatus.WAITLISTED,
    ]
    entries = await _audit(database)
    assert [e.action for e in entries] == [ACTION_MARK, ACTION_ALL_PRESENT, ACTION_ALL_PRESENT]
    assert {e.entity_id for e in entries[1:]} == {str(b.id) for b in seated}


async def test_all_present_waits_for_the_start_and_refuses_a_cancelled_slot(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        now = clock.now()
        coming = await make_slot(session, now, starts_in=H)
        cancelled = await make_slot(session, now - 3 * H, starts_in=H, status=SlotStatus.CANCELLED)
        staff_id = await make_staff(session, now)
    assert coming.id is not None
    assert cancelled.id is not None

    async with database.transaction() as session:
        with pytest.raises(SlotNotStarted):
            await mark_all_present(session, coming.id, now, staff_id)
        with pytest.raises(SlotCancelled):
            await mark_all_present(session, cancelled.id, now, staff_id)


# -- to complete ---------------------------------------------------------------------------


async def test_seats_unmarked_a_day_after_the_slot_are_to_complete_oldest_first(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        north, south = await make_site(session), await make_site(session)
        youth = await make_youth(session, now)

        async def ended(ago: timedelta, site_id: int | None, status: BookingStatus) -> Booking:
            slot = await make_slot(
                session, now, starts_in=-ago - 2 * H, duration=2 * H, site_id=site_id
            )
            return await make_booking(session, now, youth, slot, status)

        two_days = await ended(48 * H, south.id, BookingStatus.BOOKED)
        one_day = await ended(24 * H, north.id, BookingStatus.BOOKED)
        await ended(24 * H - timedelta(seconds=1), north.id, BookingStatus.BOOKED)
        await ended(72 * H, north.id, ATTENDED)
        await ended(72 * H, north.id, BookingStatus.WAITLISTED)

    async with database.reading() as session:
        everywhere = await bookings_to_complete(session, now)
        in_north = await bookings_to_complete(session, now, site_ids=[north.id or 0])
        nowhere = await bookings_to_complete(session, now, site_ids=[])

    assert [entry.booking.id for entry in everywhere] == [two_days.id, one_day.id]
    assert everywhere[0].slot.site_id == south.id
    assert [entry.booking.id for entry in in_north] == [one_day.id]
    assert nowhere == []
