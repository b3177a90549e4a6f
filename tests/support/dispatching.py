"""The dispatcher's test bench: real aiogram over HTTP to the fake Bot API server, a real
database, the injected clock, and the rows a reminder needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from bot.dispatcher import Dispatcher
from bot.port import TelegramPort
from core.booking import operations
from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.models import Booking, Reminder, Slot, Youth
from tests.support.factories import make_booking, make_site, make_slot, make_youth
from tests.support.fake_telegram import FakeTelegram
from tests.support.outbox import make_reminder

MINUTE = timedelta(minutes=1)
H = timedelta(hours=1)


@dataclass
class Dispatching:
    fake: FakeTelegram
    database: Database
    clock: ManualClock
    settings: Settings
    dispatcher: Dispatcher
    port: TelegramPort

    async def pass_(self) -> int:
        return await self.dispatcher.drain()

    def texts(self, chat_id: int) -> list[str]:
        return [str(m["text"]) for m in self.fake.messages_to(chat_id) if "text" in m]

    async def rows(self) -> list[Reminder]:
        async with self.database.reading() as session:
            statement = select(Reminder).order_by(col(Reminder.id))
            return list((await session.scalars(statement)).all())


async def booked(
    database: Database, clock: ManualClock, *, starts_in: timedelta = 3 * H, **youth: Any
) -> tuple[Youth, Slot, Booking]:
    now = clock.now()
    async with database.transaction() as session:
        site = await make_site(
            session, code="centre", name="Site Centre", address="1 rue de Paris",
            latitude=48.86, longitude=2.37,
        )  # fmt: skip
        slot = await make_slot(
            session, now, starts_in=starts_in, site_id=site.id, title="Atelier CV",
            what_to_bring="ton CV",
        )  # fmt: skip
        person = await make_youth(session, now, **youth)
        booking = await make_booking(session, now, person, slot)
    return person, slot, booking


async def remind(database: Database, booking: Booking, due_at: datetime, **row: Any) -> Reminder:
    async with database.transaction() as session:
        return await make_reminder(session, booking, due_at, **row)


def buttons_of(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def book(d: Dispatching, youth: Youth, slot: Slot) -> int:
    async with d.database.transaction() as session:
        outcome = await operations.book(
            session, now=d.clock.now(), tz=d.settings.tz, youth_id=youth.id, slot_id=slot.id,
            reminder_offsets=d.settings.reminder_offsets_for,
        )  # fmt: skip
    assert outcome.booking.id is not None
    return outcome.booking.id
