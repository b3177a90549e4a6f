"""The booking use cases, each in its own transaction: one commit per use case."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.booking import operations, queries
from core.booking.operations import BookingOutcome, CancelOutcome
from core.booking.queries import MyBookings, SlotAvailability
from core.clock import Clock
from core.config import Settings
from core.db import Database
from core.models import CancelledBy
from core.models.enums import SlotKind

T = TypeVar("T")

# PostgreSQL aborts one side of a deadlock (40P01) or of a serialization conflict
# (40001); the whole unit of work is safe to run again from the start.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
MAX_ATTEMPTS = 4


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
    ) -> BookingOutcome:
        async def attempt(session: AsyncSession, now: datetime) -> BookingOutcome:
            return await operations.book(
                session,
                now=now,
                tz=self._settings.tz,
                youth_id=youth_id,
                slot_id=slot_id,
                interpreter_language=interpreter_language,
                note=note,
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
        async def attempt(session: AsyncSession, now: datetime) -> CancelOutcome:
            return await operations.cancel(
                session, now=now, booking_id=booking_id, by=by, reason=reason, youth_id=youth_id
            )

        return await self._write(attempt)

    async def excuse(
        self, *, booking_id: int, youth_id: int, reason: str | None = None
    ) -> CancelOutcome:
        async def attempt(session: AsyncSession, now: datetime) -> CancelOutcome:
            return await operations.excuse(
                session, now=now, booking_id=booking_id, youth_id=youth_id, reason=reason
            )

        return await self._write(attempt)

    async def list_upcoming(
        self,
        *,
        kind: SlotKind | None = None,
        site_id: int | None = None,
        partner_id: int | None = None,
        topic: str | None = None,
        days: int = 14,
        limit: int = 5,
        offset: int = 0,
        prefer_site_id: int | None = None,
    ) -> list[SlotAvailability]:
        async with self._database.reading() as session:
            return await queries.list_upcoming(
                session,
                now=self._clock.now(),
                kind=kind,
                site_id=site_id,
                partner_id=partner_id,
                topic=topic,
                days=days,
                limit=limit,
                offset=offset,
                prefer_site_id=prefer_site_id,
            )

    async def count_upcoming(
        self,
        *,
        kind: SlotKind | None = None,
        site_id: int | None = None,
        partner_id: int | None = None,
        topic: str | None = None,
        days: int = 14,
    ) -> int:
        async with self._database.reading() as session:
            return await queries.count_upcoming(
                session,
                now=self._clock.now(),
                kind=kind,
                site_id=site_id,
                partner_id=partner_id,
                topic=topic,
                days=days,
            )

    async def my_bookings(self, *, youth_id: int) -> MyBookings:
        async with self._database.reading() as session:
            return await queries.my_bookings(session, now=self._clock.now(), youth_id=youth_id)

    async def _write(self, operation: Callable[[AsyncSession, datetime], Awaitable[T]]) -> T:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                async with self._database.transaction() as session:
                    return await operation(session, self._clock.now())
            except DBAPIError as error:
                if attempt == MAX_ATTEMPTS or not _is_retryable(error):
                    raise
        raise AssertionError("unreachable: the last attempt returns or raises")


def _is_retryable(error: DBAPIError) -> bool:
    return getattr(error.orig, "sqlstate", None) in RETRYABLE_SQLSTATES
