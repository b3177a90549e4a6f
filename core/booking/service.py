"""The booking use cases, each in its own transaction: one commit per use case."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from functools import partial
from typing import Protocol, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking import operations, queries
from core.booking.operations import BookingOutcome, CancelOutcome
from core.booking.queries import DEFAULT_SLOT_FILTER, MyBookings, SlotAvailability, SlotFilter
from core.clock import Clock
from core.config import Settings
from core.db import Database, lost_a_race
from core.models import CancelledBy

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

MAX_ATTEMPTS = 4


class SessionStep(Protocol[T_co]):
    """An operation or query with its arguments bound, still to be given a session
    and the instant it runs at: the shape of everything in `operations` and `queries`."""

    def __call__(self, session: AsyncSession, *, now: datetime) -> Awaitable[T_co]: ...


class BookingService:
    def __init__(self, database: Database, clock: Clock, settings: Settings) -> None:
        self._database = database
        self._clock = clock
        self._settings = settings

    async def book(
        self,
        *,
        youth_id: int,
        slot_id: int,
        interpreter_language: str | None = None,
        note: str | None = None,
        accept_waitlist: bool = True,
    ) -> BookingOutcome:
        attempt = partial(
            operations.book,
            tz=self._settings.tz,
            youth_id=youth_id,
            slot_id=slot_id,
            interpreter_language=interpreter_language,
            note=note,
            accept_waitlist=accept_waitlist,
            reminder_offsets=self._settings.reminder_offsets_for,
        )
        try:
            return await self._write(attempt)
        except IntegrityError:
            # Another process inserted the same youth's booking on this slot between
            # our check and our insert, and the unique index kept only theirs. Running
            # again sees that booking and returns it: a double tap stays idempotent.
            return await self._write(attempt)

    async def cancel(
        self,
        *,
        booking_id: int,
        by: CancelledBy,
        reason: str | None = None,
        youth_id: int | None = None,
    ) -> CancelOutcome:
        return await self._write(
            partial(
                operations.cancel,
                booking_id=booking_id,
                by=by,
                reason=reason,
                youth_id=youth_id,
                reminder_offsets=self._settings.reminder_offsets_for,
            )
        )

    async def excuse(
        self, *, booking_id: int, youth_id: int, reason: str | None = None
    ) -> CancelOutcome:
        return await self._write(
            partial(
                operations.excuse,
                booking_id=booking_id,
                youth_id=youth_id,
                reason=reason,
                reminder_offsets=self._settings.reminder_offsets_for,
            )
        )

    async def list_upcoming(
        self,
        *,
        filters: SlotFilter = DEFAULT_SLOT_FILTER,
        limit: int = 5,
        offset: int = 0,
        prefer_site_id: int | None = None,
    ) -> list[SlotAvailability]:
        return await self._read(
            partial(
                queries.list_upcoming,
                filters=filters,
                limit=limit,
                offset=offset,
                prefer_site_id=prefer_site_id,
            )
        )

    async def count_upcoming(self, *, filters: SlotFilter = DEFAULT_SLOT_FILTER) -> int:
        return await self._read(partial(queries.count_upcoming, filters=filters))

    async def my_bookings(self, *, youth_id: int) -> MyBookings:
        return await self._read(partial(queries.my_bookings, youth_id=youth_id))

    async def _read(self, query: SessionStep[T]) -> T:
        async with self._database.reading() as session:
            return await query(session, now=self._clock.now())

    async def _write(self, operation: SessionStep[T]) -> T:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                async with self._database.transaction() as session:
                    return await operation(session, now=self._clock.now())
            except DBAPIError as error:
                if attempt == MAX_ATTEMPTS or not lost_a_race(error):
                    raise
        raise AssertionError("unreachable: the last attempt returns or raises")
