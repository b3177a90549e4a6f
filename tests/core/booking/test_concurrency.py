"""Capacity under concurrent taps, in one process and across several (both backends)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections import Counter

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking import BookingService, operations
from core.clock import ManualClock
from core.config import PROJECT_ROOT
from core.models import Booking, BookingStatus
from tests.core.booking.rows import BookingRows

WORKERS = 3
YOUTHS_PER_WORKER = 40
CAPACITY = 20


async def test_200_youths_at_once_on_20_seats(service: BookingService, rows: BookingRows) -> None:
    slot, youths = await rows.slot_and_youths(200, capacity=20)

    outcomes = await asyncio.gather(
        *(service.book(youth_id=youth, slot_id=slot.id) for youth in youths)
    )

    stored = await rows.bookings_of(slot.id)
    assert Counter(b.status for b in stored) == {
        BookingStatus.BOOKED: 20,
        BookingStatus.WAITLISTED: 180,
    }
    assert sorted(b.youth_id for b in stored) == sorted(youths)
    assert all(outcome.created for outcome in outcomes)
    positions = sorted(o.waitlist_position for o in outcomes if o.waitlist_position is not None)
    assert positions == list(range(1, 181))


async def test_one_youth_tapping_20_times_at_once_gets_one_booking(
    service: BookingService, rows: BookingRows
) -> None:
    slot, [youth] = await rows.slot_and_youths(1, capacity=5)

    outcomes = await asyncio.gather(
        *(service.book(youth_id=youth, slot_id=slot.id) for _ in range(20))
    )

    [stored] = await rows.bookings_of(slot.id)
    assert {outcome.booking.id for outcome in outcomes} == {stored.id}
    assert [outcome.created for outcome in outcomes].count(True) == 1
    assert stored.status == BookingStatus.BOOKED


async def test_several_processes_never_overbook(
    rows: BookingRows, database_url: str, clock: ManualClock
) -> None:
    slot, youths = await rows.slot_and_youths(WORKERS * YOUTHS_PER_WORKER + 1, capacity=CAPACITY)
    # Every process also books for the same youth: a double tap across processes.
    shared, youths = youths[0], youths[1:]
    shares = [
        [shared, *youths[i * YOUTHS_PER_WORKER : (i + 1) * YOUTHS_PER_WORKER]]
        for i in range(WORKERS)
    ]

    results = await _race_in_processes(database_url, slot.id, clock, shares)

    attempts = [attempt for result in results for attempt in result]
    assert len(attempts) == WORKERS * (YOUTHS_PER_WORKER + 1)
    created = [attempt for attempt in attempts if attempt[3]]
    assert sorted(youth for youth, *_ in created) == sorted([shared, *youths])
    assert len({attempt[1] for attempt in attempts if attempt[0] == shared}) == 1
    stored = await rows.bookings_of(slot.id)
    assert {b.id: b.status.value for b in stored} == {
        booking_id: status for _, booking_id, status, _ in created
    }
    assert Counter(b.status for b in stored) == {
        BookingStatus.BOOKED: CAPACITY,
        BookingStatus.WAITLISTED: len(stored) - CAPACITY,
    }
    assert len(stored) == len(youths) + 1


async def _race_in_processes(
    url: str, slot_id: int, clock: ManualClock, shares: list[list[int]]
) -> list[list[list[object]]]:
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.support.booking_worker",
            url,
            str(slot_id),
            clock.now().isoformat(),
            *map(str, share),
            cwd=PROJECT_ROOT,
            env=environment,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for share in shares
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None
            ready = await asyncio.wait_for(worker.stdout.readline(), timeout=60)
            assert ready == b"ready\n", await _failure(worker)
        outputs = await asyncio.gather(*(worker.communicate(b"go\n") for worker in workers))
    finally:
        for worker in workers:
            if worker.returncode is None:
                worker.kill()
                await worker.wait()
    for worker, (_stdout, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr.decode()
    return [json.loads(stdout) for stdout, _ in outputs]


async def _failure(worker: asyncio.subprocess.Process) -> str:
    worker.kill()
    _, stderr = await worker.communicate()
    return stderr.decode()


async def test_a_race_past_the_check_is_caught_by_the_unique_index(
    service: BookingService, rows: BookingRows, monkeypatch: pytest.MonkeyPatch
) -> None:
    slot, youth, first = await rows.held_seat(service, capacity=5)
    # As if another process had committed its booking just after our check ran.
    real_check = operations.active_booking
    blind_once = iter([True])

    async def check_that_misses_once(session: AsyncSession, **keys: int) -> Booking | None:
        return None if next(blind_once, False) else await real_check(session, **keys)

    monkeypatch.setattr(operations, "active_booking", check_that_misses_once)

    again = await service.book(youth_id=youth, slot_id=slot.id)

    assert not again.created
    assert again.booking.id == first.booking.id
    assert len(await rows.bookings_of(slot.id)) == 1
