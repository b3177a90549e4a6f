"""The reminder dispatcher in one process: real aiogram over HTTP to the fake Bot API server,
a real database on both backends, and the injected clock for every due time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from bot.dispatcher import Dispatcher
from bot.port import TelegramPort
from bot.serve import make_adapter, make_sender
from core.booking import operations
from core.clock import ManualClock
from core.config import Settings, load_settings
from core.db import Database
from core.i18n import When, render_text, t
from core.models import (
    Booking,
    BookingStatus,
    CancelledBy,
    OutboxKind,
    OutboxStatus,
    Reminder,
    Slot,
    Youth,
)
from core.slots import cancel_slot, move_slot
from tests.support.chat import compiled_catalogs
from tests.support.factories import make_booking, make_site, make_slot, make_youth
from tests.support.fake_telegram import FakeTelegram
from tests.support.outbox import due_reminders, make_reminder

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


@pytest.fixture
async def dispatching(
    database: Database, database_url: str, clock: ManualClock
) -> AsyncIterator[Dispatching]:
    async with FakeTelegram() as fake:
        settings = load_settings(
            None,
            database_url=database_url,
            bot_token=fake.token,
            telegram_api_base=fake.base_url,
            send_rate=1000,
            send_chat_interval=0,
            dispatch_batch=20,
        )
        adapter = make_adapter(settings)
        await adapter.start()
        sender = make_sender(settings, database, clock)
        dispatcher = Dispatcher(
            database, clock, settings, compiled_catalogs(), sender, adapter.port, worker="test"
        )
        try:
            yield Dispatching(fake, database, clock, settings, dispatcher, adapter.port)
        finally:
            await adapter.close()


async def _booked(
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


async def _remind(database: Database, booking: Booking, due_at: datetime, **row: Any) -> Reminder:
    async with database.transaction() as session:
        return await make_reminder(session, booking, due_at, **row)


def _buttons(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def test_a_due_reminder_goes_out_with_the_pin_and_the_answers_and_is_recorded(
    dispatching: Dispatching,
) -> None:
    d = dispatching
    youth, slot, booking = await _booked(d.database, d.clock)
    reminder = await _remind(d.database, booking, slot.starts_at - 2 * H, offset_minutes=120)

    assert await d.pass_() == 0
    d.clock.advance(H)
    assert await d.pass_() == 1

    venue, message = d.fake.messages_to(youth.telegram_user_id)
    assert (venue["method"], venue["title"], venue["address"]) == (
        "sendVenue",
        "Site Centre",
        "1 rue de Paris",
    )
    assert "Rappel" in message["text"]
    assert "Atelier CV" in message["text"]
    assert "ton CV" in message["text"]
    assert _buttons(message) == [f"rm:y:{booking.id}", f"rm:n:{booking.id}"]
    [row] = await d.rows()
    assert row.id == reminder.id
    assert (row.status, row.sent_at, row.telegram_message_id) == (
        OutboxStatus.SENT,
        d.clock.now(),
        message["message_id"],
    )
    assert [e["event"] for e in row.history] == ["planned", "claimed", "sent"]
    assert row.attempts == 2  # the pin and the text
    assert await d.pass_() == 0
    assert len(d.fake.messages_to(youth.telegram_user_id)) == 2


async def _book(d: Dispatching, youth: Youth, slot: Slot) -> int:
    async with d.database.transaction() as session:
        outcome = await operations.book(
            session, now=d.clock.now(), tz=d.settings.tz, youth_id=youth.id, slot_id=slot.id,
            reminder_offsets=d.settings.reminder_offsets_for,
        )  # fmt: skip
    assert outcome.booking.id is not None
    return outcome.booking.id


async def test_a_cancelled_booking_never_gets_a_reminder(dispatching: Dispatching) -> None:
    d = dispatching
    _, slot, _ = await _booked(d.database, d.clock, starts_in=72 * H)
    async with d.database.transaction() as session:
        other = await make_youth(session, d.clock.now())
    booking_id = await _book(d, other, slot)
    async with d.database.transaction() as session:
        await operations.cancel(
            session, now=d.clock.now(), booking_id=booking_id, by=CancelledBy.YOUTH,
            reason="other", youth_id=other.id,
        )  # fmt: skip

    d.clock.advance(71 * H)
    await d.pass_()

    assert d.fake.messages_to(other.telegram_user_id) == []
    rows = await d.rows()
    assert {r.status for r in rows} == {OutboxStatus.SKIPPED}
    assert len(rows) == 2  # 48 h and 2 h before


async def test_a_reminder_is_skipped_once_the_slot_started(dispatching: Dispatching) -> None:
    d = dispatching
    youth, slot, booking = await _booked(d.database, d.clock, starts_in=2 * H)
    await _remind(d.database, booking, slot.starts_at - 2 * H)

    d.clock.advance(2 * H)
    await d.pass_()

    assert d.fake.messages_to(youth.telegram_user_id) == []
    [row] = await d.rows()
    assert (row.status, row.skip_reason) == (OutboxStatus.SKIPPED, "slot_started")


async def test_after_a_pause_only_the_reminder_closest_to_the_slot_goes_out(
    dispatching: Dispatching,
) -> None:
    d = dispatching
    youth, slot, booking = await _booked(d.database, d.clock, starts_in=72 * H)
    await _remind(d.database, booking, slot.starts_at - 48 * H, offset_minutes=48 * 60)
    await _remind(d.database, booking, slot.starts_at - 2 * H, offset_minutes=120)

    # The dispatcher was down from before the first due time until after the second.
    d.clock.advance(71 * H)
    await d.pass_()

    texts = d.texts(youth.telegram_user_id)
    assert len(texts) == 1
    assert "aujourd’hui" in texts[0]
    first, second = await d.rows()
    assert (first.status, first.skip_reason) == (OutboxStatus.SKIPPED, "superseded")
    assert second.status == OutboxStatus.SENT


async def test_a_youth_gets_the_reminder_in_their_language(dispatching: Dispatching) -> None:
    d = dispatching
    youth, _, booking = await _booked(d.database, d.clock, locale="en")
    await _remind(d.database, booking, d.clock.now())

    await d.pass_()

    [text] = d.texts(youth.telegram_user_id)
    assert "Reminder" in text
    assert "Rappel" not in text


async def test_a_seat_given_from_the_waitlist_is_announced_with_the_answers(
    dispatching: Dispatching,
) -> None:
    d = dispatching
    holder, slot, held = await _booked(d.database, d.clock, starts_in=72 * H)
    async with d.database.transaction() as session:
        slot_row = await session.get(Slot, slot.id)
        assert slot_row is not None
        slot_row.capacity = 1
        waiting = await make_youth(session, d.clock.now())
        await make_booking(session, d.clock.now(), waiting, slot, BookingStatus.WAITLISTED)
        await operations.cancel(
            session, now=d.clock.now(), booking_id=held.id, by=CancelledBy.YOUTH,
            reason="other", youth_id=holder.id,
        )  # fmt: skip

    await d.pass_()

    [text] = d.texts(waiting.telegram_user_id)
    assert "une place s’est libérée" in text
    assert "Atelier CV" in text
    message = d.fake.messages_to(waiting.telegram_user_id)[-1]
    assert [b.split(":")[1] for b in _buttons(message)] == ["y", "n"]
    kinds = {r.kind: r.status for r in await d.rows()}
    assert kinds[OutboxKind.WAITLIST_PROMOTION] == OutboxStatus.SENT


async def test_a_slot_cancelled_by_the_staff_is_told_with_their_message(
    dispatching: Dispatching,
) -> None:
    d = dispatching
    youth, slot, _ = await _booked(d.database, d.clock)
    async with d.database.transaction() as session:
        await cancel_slot(session, slot.id, d.clock.now(), "La formatrice est malade.", None)

    await d.pass_()

    [text] = d.texts(youth.telegram_user_id)
    assert "est annulé" in text
    assert "La formatrice est malade." in text
    assert _buttons(d.fake.messages_to(youth.telegram_user_id)[-1]) == ["menu:book"]


async def test_a_slot_moved_is_told_with_the_old_and_new_time(dispatching: Dispatching) -> None:
    d = dispatching
    youth, slot, booking = await _booked(d.database, d.clock, starts_in=72 * H)
    async with d.database.transaction() as session:
        await move_slot(
            session, slot.id, slot.starts_at + 24 * H, slot.ends_at + 24 * H, d.clock.now(),
            "Salle indisponible.", d.settings.reminder_offsets_for,
        )  # fmt: skip

    await d.pass_()

    [text] = d.texts(youth.telegram_user_id)
    assert "Changement d’horaire" in text
    assert "Salle indisponible." in text
    assert _buttons(d.fake.messages_to(youth.telegram_user_id)[-1]) == [
        f"rm:y:{booking.id}",
        f"rm:n:{booking.id}",
    ]


async def test_a_staff_message_reaches_the_youth(dispatching: Dispatching) -> None:
    d = dispatching
    now = d.clock.now()
    async with d.database.transaction() as session:
        youth = await make_youth(session, now)
        session.add(
            Reminder(
                kind=OutboxKind.STAFF_MESSAGE, youth_id=youth.id, due_at=now,
                payload={"text": "Bonjour <Sam>, rappelle-moi."}, created_at=now,
            )
        )  # fmt: skip

    await d.pass_()

    [text] = d.texts(youth.telegram_user_id)
    assert "Bonjour &lt;Sam&gt;, rappelle-moi." in text


async def test_a_youth_who_blocked_the_bot_is_marked_and_their_next_reminders_skipped(
    dispatching: Dispatching,
) -> None:
    d = dispatching
    youth, slot, booking = await _booked(d.database, d.clock, starts_in=72 * H)
    await _remind(d.database, booking, d.clock.now())
    await _remind(d.database, booking, slot.starts_at - 2 * H)
    d.fake.block(youth.telegram_user_id)

    await d.pass_()

    sent_now, later = await d.rows()
    assert sent_now.status == OutboxStatus.FAILED
    assert sent_now.last_error is not None
    assert sent_now.last_error.startswith("blocked")
    assert (later.status, later.skip_reason) == (OutboxStatus.SKIPPED, "youth_unreachable")
    async with d.database.reading() as session:
        row = await session.get(Youth, youth.id)
    assert row is not None
    assert not row.reachable


@pytest.mark.parametrize("status", [429, 500])
async def test_with_telegram_refusing_a_share_of_calls_nothing_is_lost(
    dispatching: Dispatching, status: int
) -> None:
    d = dispatching
    async with d.database.transaction() as session:
        reminders = await due_reminders(session, d.clock.now(), 40)
        chats = {
            r.id: (await session.get(Youth, r.youth_id)).telegram_user_id  # type: ignore[union-attr]
            for r in reminders
        }
    d.fake.fail_share(0.3, status, retry_after=1, seed=status)

    for _ in range(20):
        await d.pass_()
        if all(r.status == OutboxStatus.SENT for r in await d.rows()):
            break
        d.clock.advance(MINUTE)  # past every retry time

    assert all(r.status == OutboxStatus.SENT for r in await d.rows())
    for chat in chats.values():
        assert len(d.texts(chat)) == 1
    assert any(r.attempts > 1 for r in await d.rows())


async def test_the_scheduler_sends_due_messages_on_its_own(dispatching: Dispatching) -> None:
    d = dispatching
    fast = Dispatcher(
        d.database, d.clock, d.settings.model_copy(update={"dispatch_interval": 0.05}),
        compiled_catalogs(), make_sender(d.settings, d.database, d.clock),
        d.port, worker="ticking",
    )  # fmt: skip
    youth, _, booking = await _booked(d.database, d.clock)
    stop = asyncio.Event()
    running = asyncio.create_task(fast.run(stop))
    try:
        await _remind(d.database, booking, d.clock.now())
        await d.fake.wait_for(lambda: len(d.texts(youth.telegram_user_id)) == 1)
        # A message falling due later is picked up by a later tick.
        d.clock.advance(H)
        await _remind(d.database, booking, d.clock.now(), offset_minutes=60)
        await d.fake.wait_for(lambda: len(d.texts(youth.telegram_user_id)) == 2)
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=10)
    assert {r.status for r in await d.rows()} == {OutboxStatus.SENT}


async def test_with_429_500_and_403_mixed_nothing_is_lost_and_the_blocked_are_skipped(
    dispatching: Dispatching,
) -> None:
    d = dispatching
    now = d.clock.now()
    async with d.database.transaction() as session:
        first = await due_reminders(session, now, 30)
        # Each youth also has a reminder due an hour later.
        for reminder in first:
            session.add(
                Reminder(
                    kind=OutboxKind.REMINDER, booking_id=reminder.booking_id,
                    youth_id=reminder.youth_id, offset_minutes=60, due_at=now + H,
                    created_at=now,
                )
            )  # fmt: skip
        youths = {y.id: y.telegram_user_id for y in (await session.scalars(select(Youth))).all()}
    blocked = set(list(youths.values())[::5])
    for chat in blocked:
        d.fake.block(chat)
    d.fake.fail_share(0.2, 429, retry_after=1, seed=1)

    for _ in range(10):
        await d.pass_()
        d.clock.advance(MINUTE)
    d.fake.fail_share(0.2, 500, seed=2)
    d.clock.advance(H)
    for _ in range(10):
        await d.pass_()
        d.clock.advance(MINUTE)

    rows = await d.rows()
    assert not [r for r in rows if r.status == OutboxStatus.PENDING]
    for row in rows:
        chat = youths[row.youth_id]
        if chat not in blocked:
            assert row.status == OutboxStatus.SENT
        elif row.due_at <= now:
            assert row.status == OutboxStatus.FAILED
            assert (row.last_error or "").startswith("blocked")
        else:
            assert (row.status, row.skip_reason) == (OutboxStatus.SKIPPED, "youth_unreachable")
    for chat in youths.values():
        assert len(d.texts(chat)) == (0 if chat in blocked else 2)
    async with d.database.reading() as session:
        unreachable = {
            y.telegram_user_id for y in await session.scalars(select(Youth)) if not y.reachable
        }
    assert unreachable == blocked


async def test_one_notice_lists_the_later_dates_of_a_series_cancelled_at_once(
    dispatching: Dispatching,
) -> None:
    d = dispatching
    youth, slot, _ = await _booked(d.database, d.clock)
    later = [slot.starts_at + timedelta(days=14), slot.starts_at + timedelta(days=7)]
    async with d.database.transaction() as session:
        await cancel_slot(session, slot.id, d.clock.now(), "Fin du partenariat.", None)
        notice = await session.scalar(
            select(Reminder).where(Reminder.kind == OutboxKind.SLOT_CANCELLED)
        )
        assert notice is not None
        notice.payload = {**notice.payload, "also_cancelled": [s.isoformat() for s in later]}

    await d.pass_()

    [text] = d.texts(youth.telegram_user_id)
    assert "Les dates suivantes sont annulées aussi" in text
    one_week, two_weeks = (_shown(start, d.settings) for start in sorted(later))
    assert text.index(f"• {one_week}") < text.index(f"• {two_weeks}")


def _shown(moment: datetime, settings: Settings) -> str:
    """A date and time as messages show it in French."""
    return render_text(t("{w}", w=When(moment, "datetime")), "fr", compiled_catalogs(), settings.tz)
