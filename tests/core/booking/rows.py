"""The rows a booking test starts from, and what it reads back afterwards."""

from __future__ import annotations

from typing import NamedTuple

from sqlmodel import col, select

from core.booking import BookingOutcome, BookingService
from core.clock import ManualClock
from core.db import Database
from core.models import Booking, Reminder, Slot
from tests.support.factories import make_slot, make_youths


class HeldSeat(NamedTuple):
    slot: Slot
    youth_id: int
    seat: BookingOutcome


class BookingRows:
    """Saves and reads rows each in a transaction of its own, so a test sees exactly
    what the service committed, as another connection would."""

    def __init__(self, database: Database, clock: ManualClock) -> None:
        self._database = database
        self._clock = clock

    async def slot_and_youths(self, youths: int, **slot_options: object) -> tuple[Slot, list[int]]:
        """A new slot (the factory's defaults, overridden by `slot_options`) and new youths."""
        async with self._database.transaction() as session:
            slot = await make_slot(session, self._clock.now(), **slot_options)
            created = await make_youths(session, self._clock.now(), youths)
        youth_ids = [youth.id for youth in created if youth.id is not None]
        assert slot.id is not None
        assert len(youth_ids) == youths
        return slot, youth_ids

    async def held_seat(self, service: BookingService, **slot_options: object) -> HeldSeat:
        """A new slot and a youth who booked it through the service."""
        slot, [youth_id] = await self.slot_and_youths(1, **slot_options)
        return HeldSeat(slot, youth_id, await service.book(youth_id=youth_id, slot_id=slot.id))

    async def bookings_of(self, slot_id: int | None) -> list[Booking]:
        async with self._database.reading() as session:
            statement = (
                select(Booking).where(col(Booking.slot_id) == slot_id).order_by(col(Booking.id))
            )
            return list(await session.scalars(statement))

    async def outbox(self) -> list[Reminder]:
        async with self._database.reading() as session:
            return list(await session.scalars(select(Reminder).order_by(col(Reminder.id))))
