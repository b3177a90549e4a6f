"""Booking contention: many distinct youths book the same slot at the same moment.

    python -m bench.booking_contention [--attempts 1000] [--capacity 20]

Runs once on a SQLite file and once on a throwaway PostgreSQL server, each
freshly migrated, and prints per database the bookings handled per second and
the booked / waitlisted / overbooked counts. Exits non-zero when any seat was
overbooked or any attempt is unaccounted for. The server and files it creates
are removed at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select

from bench.backends import add_backend_option, ratio_line, run_and_report
from core import migrate
from core.booking import BookingService
from core.clock import SystemClock
from core.config import load_settings
from core.db import make_database
from core.models import Booking, BookingStatus
from tests.support.factories import make_slot, make_youths

# Every attempt is queued on the connection pool at once; the slowest backend
# must not time out waiting for a connection while the others go first.
POOL_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class Result:
    backend: str
    attempts: int
    seconds: float
    booked: int
    waitlisted: int
    failed: int
    duplicates: int
    capacity: int

    @property
    def per_second(self) -> float:
        return self.attempts / self.seconds

    @property
    def overbooked(self) -> int:
        return max(self.booked - self.capacity, 0)

    @property
    def sound(self) -> bool:
        accounted = self.booked + self.waitlisted == self.attempts
        return self.overbooked == 0 and self.failed == 0 and self.duplicates == 0 and accounted


async def contend(backend: str, url: str, attempts: int, capacity: int) -> Result:
    database = make_database(url, pool_timeout=POOL_TIMEOUT_SECONDS)
    try:
        await migrate.upgrade(database)
        clock = SystemClock()
        async with database.transaction() as session:
            slot = await make_slot(session, clock.now(), capacity=capacity)
            youths = await make_youths(session, clock.now(), attempts)
        assert slot.id is not None
        service = BookingService(database, clock, load_settings(None, database_url=url))

        started = time.perf_counter()
        outcomes = await asyncio.gather(
            *(service.book(youth_id=youth.id, slot_id=slot.id) for youth in youths if youth.id),
            return_exceptions=True,
        )
        seconds = time.perf_counter() - started

        for failure in [o for o in outcomes if isinstance(o, BaseException)][:3]:
            print(f"  {backend}: attempt failed: {failure!r}", file=sys.stderr)
        async with database.reading() as session:
            stored = list(
                await session.scalars(select(Booking).where(col(Booking.slot_id) == slot.id))
            )
        statuses = Counter(booking.status for booking in stored)
        per_youth = Counter(booking.youth_id for booking in stored)
        return Result(
            backend=backend,
            attempts=attempts,
            seconds=seconds,
            booked=statuses[BookingStatus.BOOKED],
            waitlisted=statuses[BookingStatus.WAITLISTED],
            failed=sum(isinstance(o, BaseException) for o in outcomes),
            duplicates=sum(count - 1 for count in per_youth.values()),
            capacity=capacity,
        )
    finally:
        await database.dispose()


def report(results: Sequence[Result]) -> None:
    header = (
        f"{'backend':<12}{'attempts':>9}{'seconds':>9}{'bookings/s':>12}"
        f"{'booked':>8}{'waitlisted':>12}{'overbooked':>12}{'failed':>8}"
    )
    print(header)
    for r in results:
        print(
            f"{r.backend:<12}{r.attempts:>9}{r.seconds:>9.2f}{r.per_second:>12.1f}"
            f"{r.booked:>8}{r.waitlisted:>12}{r.overbooked:>12}{r.failed:>8}"
        )
    throughput = ratio_line(results, "throughput", lambda r: r.per_second)
    if throughput is not None:
        print(throughput)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.booking_contention",
        description="Concurrent bookings by distinct youths on one slot, on SQLite and PostgreSQL.",
    )
    parser.add_argument("--attempts", type=int, default=1000, help="distinct youths (1000)")
    parser.add_argument("--capacity", type=int, default=20, help="seats on the slot (20)")
    add_backend_option(parser)
    arguments = parser.parse_args(argv)
    if arguments.attempts < 1 or arguments.capacity < 1:
        parser.error("--attempts and --capacity must be at least 1")
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)

    async def measure(backend: str, url: str) -> Result:
        return await contend(backend, url, arguments.attempts, arguments.capacity)

    return run_and_report(
        arguments.backend, measure, report, "overbooked, failed or unaccounted attempts"
    )


if __name__ == "__main__":
    sys.exit(main())
