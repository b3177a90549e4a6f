"""The bot on Telegram, end to end: real aiogram and real python-telegram-bot, over HTTP, against
a fake Bot API server on loopback, by long polling and behind a webhook.

The same suite runs unchanged for the four combinations: both adapters are thin
layers over one conversation, so a youth must not be able to tell them apart.
SQLite only: the engine and the database are tested on PostgreSQL elsewhere;
here what varies is the library and the transport.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.serve import serve
from core.clock import ManualClock
from core.config import Settings, load_settings
from core.db import Database
from core.i18n import Catalogs
from core.models import Booking, BookingStatus, Site, Slot, Youth
from tests.support.chat import compiled_catalogs
from tests.support.factories import make_booking, make_site, make_slot
from tests.support.fake_telegram import (
    FakeTelegram,
    callback_update,
    message_update,
    sticker_update,
)

pytestmark = pytest.mark.sqlite_only

COMBINATIONS = [
    ("aiogram", "polling"),
    ("aiogram", "webhook"),
    ("ptb", "polling"),
    ("ptb", "webhook"),
]
WEBHOOKS = [combination for combination in COMBINATIONS if combination[1] == "webhook"]
SECRET = "a-webhook-secret-of-some-length"
USER = 7001


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Bot:
    """A running bot (a `serve()` task) and how updates reach it in its mode."""

    fake: FakeTelegram
    settings: Settings
    database: Database
    clock: ManualClock
    catalogs: Catalogs
    task: asyncio.Task[int] | None = None
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def webhook(self) -> bool:
        return self.settings.bot_mode == "webhook"

    async def start(self) -> None:
        self.stop = asyncio.Event()
        started_calls = len(self.fake.calls)
        self.task = asyncio.create_task(
            serve(
                self.settings,
                stop=self.stop,
                clock=self.clock,
                catalogs=self.catalogs,
                per_chat_interval=0.0,
            )
        )
        # Polling: updates pushed before the first poll wait in the fake's queue anyway.
        ready = "setWebhook" if self.webhook else "deleteWebhook"
        await self.fake.wait_for(
            lambda: (
                any(c.method == ready for c in self.fake.calls[started_calls:])
                or (self.task is not None and self.task.done())
            ),
            timeout=15,
        )
        if self.task.done():
            self.task.result()

    async def halt(self) -> None:
        assert self.task is not None
        self.stop.set()
        assert await asyncio.wait_for(self.task, timeout=15) == 0

    async def deliver(self, update: dict[str, Any]) -> int:
        """Hand an update over as Telegram would; the webhook's HTTP status, or 200."""
        if self.webhook:
            return await self.fake.deliver_webhook(self.settings.webhook_url, update, SECRET)
        self.fake.push(update)
        return 200


@dataclass
class Youth_:
    """A Telegram user talking to the bot: sends, taps, and reads what came back."""

    bot: Bot
    user_id: int = USER
    seen: int = 0

    def messages(self) -> list[dict[str, Any]]:
        return self.bot.fake.messages_to(self.user_id)

    def new_messages(self) -> list[dict[str, Any]]:
        return self.messages()[self.seen :]

    def buttons(self) -> list[str]:
        """The button ids of the newest message that has any."""
        for message in reversed(self.messages()):
            ids = _button_ids(message)
            if ids:
                return ids
        return []

    async def send(self, text: str, expect: Callable[[], bool] | None = None) -> None:
        self.seen = len(self.messages())
        await self.bot.deliver(message_update(self.user_id, text, language_code="fr"))
        await self._settle(expect)

    async def tap(self, button_id: str, expect: Callable[[], bool] | None = None) -> str:
        """Tap a button of the newest message showing it; the callback query's id."""
        message = next(m for m in reversed(self.messages()) if button_id in _button_ids(m))
        update = callback_update(self.user_id, button_id, message_id=message["message_id"])
        self.seen = len(self.messages())
        await self.bot.deliver(update)
        query_id = str(update["callback_query"]["id"])
        await self.bot.fake.wait_for(lambda: query_id in self.bot.fake.callback_answers)
        await self._settle(expect)
        return query_id

    async def _settle(self, expect: Callable[[], bool] | None) -> None:
        await self.bot.fake.wait_for(expect or (lambda: len(self.new_messages()) > 0))

    def text(self) -> str:
        return "\n".join(str(m.get("text", "")) for m in self.new_messages())

    def expects_button(self, button_id: str) -> Callable[[], bool]:
        return lambda: any(button_id in _button_ids(m) for m in self.new_messages())


def _button_ids(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    return [button["callback_data"] for row in rows for button in row if "callback_data" in button]


def _ids(combinations: list[tuple[str, str]]) -> list[str]:
    return [f"{framework}-{mode}" for framework, mode in combinations]


@pytest.fixture(params=COMBINATIONS, ids=_ids(COMBINATIONS))
async def bot(
    request: pytest.FixtureRequest, database: Database, database_url: str, clock: ManualClock
) -> AsyncIterator[Bot]:
    framework, mode = request.param
    port = _free_port()
    async with FakeTelegram() as fake:
        settings = load_settings(
            None,
            database_url=database_url,
            bot_token=fake.token,
            telegram_api_base=fake.base_url,
            bot_framework=framework,
            bot_mode=mode,
            webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
            webhook_secret=SECRET,
            webhook_listen=f"127.0.0.1:{port}",
            # The reminder dispatcher runs in the bot's process: ticking fast, with one
            # reminder 2 minutes before, which no other test here brings within reach.
            reminder_offsets="2m",
            dispatch_interval="50ms",
        )
        running = Bot(fake, settings, database, clock, compiled_catalogs())
        await running.start()
        try:
            yield running
        finally:
            if running.task is not None and not running.task.done():
                await running.halt()


async def _site_and_workshop(bot: Bot) -> tuple[Site, Slot]:
    async with bot.database.transaction() as session:
        site = await make_site(
            session, code="centre", name="Site Centre", latitude=48.86, longitude=2.37
        )
        slot = await make_slot(session, bot.clock.now(), site_id=site.id, title="Atelier CV")
    return site, slot


async def _consented(youth: Youth_, site: Site) -> None:
    await youth.send("/start", youth.expects_button("lang:fr"))
    await youth.tap("lang:fr", youth.expects_button("age:18-25"))
    await youth.tap("age:18-25", youth.expects_button("consent:yes"))
    await youth.tap("consent:yes", youth.expects_button("share:yes"))
    await youth.tap("share:yes", youth.expects_button(f"site:{site.id}"))
    await youth.tap(f"site:{site.id}", youth.expects_button("menu:book"))


# -- the suite ---------------------------------------------------------------------------


async def test_start_consent_diagnostic_and_a_booking(bot: Bot) -> None:
    site, slot = await _site_and_workshop(bot)
    youth = Youth_(bot)
    await _consented(youth, site)

    await youth.tap("menu:diagnostic")
    step0 = next(b for b in youth.buttons() if b.startswith("dg:a:") and b.endswith(":none"))
    await youth.tap(step0)
    stop = next(b for b in youth.buttons() if b.startswith("dg:"))
    assert stop, "the choice of domains follows step 0"

    await youth.send("/reserver", youth.expects_button("bk:k:workshop"))
    await youth.tap("bk:k:workshop", youth.expects_button(f"bs:open:{slot.id}"))
    await youth.tap(f"bs:open:{slot.id}", youth.expects_button(f"bs:ok:{slot.id}"))
    await youth.tap(
        f"bs:ok:{slot.id}",
        lambda: (
            any(m["method"] == "sendDocument" for m in youth.new_messages())
            and youth.expects_button("menu:book")()
        ),
    )

    assert "C’est réservé" in youth.text()
    answer = youth.new_messages()
    assert [m["method"] for m in answer].count("sendVenue") == 1, "the map pin"
    [calendar] = [m["document"] for m in answer if m["method"] == "sendDocument"]
    assert calendar.filename.endswith(".ics")
    assert b"BEGIN:VCALENDAR" in calendar.content
    async with bot.database.reading() as session:
        [booking] = await session.scalars(select(Booking))
        youth_row = await session.scalar(select(Youth))
    assert booking.status == BookingStatus.BOOKED
    assert youth_row is not None
    assert booking.youth_id == youth_row.id
    assert all(call.params.get("parse_mode") == "HTML" for call in bot.fake.calls_to("sendMessage"))


async def test_a_stale_button_is_answered_kindly(bot: Bot) -> None:
    youth = Youth_(bot)
    await youth.send("/start", youth.expects_button("lang:fr"))
    await youth.tap("lang:fr", youth.expects_button("age:18-25"))
    stale = callback_update(USER, "lang:fr", message_id=youth.messages()[0]["message_id"])
    youth.seen = len(youth.messages())
    bot.clock.advance(timedelta(minutes=5))
    await bot.deliver(stale)
    await bot.fake.wait_for(lambda: str(stale["callback_query"]["id"]) in bot.fake.callback_answers)
    await bot.fake.wait_for(lambda: "plus valide" in youth.text())


async def test_a_sticker_gets_an_answer_and_the_question_again(bot: Bot) -> None:
    youth = Youth_(bot)
    await youth.send("/start", youth.expects_button("lang:fr"))
    youth.seen = len(youth.messages())
    await bot.deliver(sticker_update(USER))
    await bot.fake.wait_for(youth.expects_button("lang:fr"))
    assert "seulement le texte et les boutons" in youth.text()


async def test_a_duplicate_update_is_answered_once(bot: Bot) -> None:
    youth = Youth_(bot)
    update = message_update(USER, "/start", language_code="fr")
    await bot.deliver(update)
    await bot.fake.wait_for(youth.expects_button("lang:fr"))
    count = len(youth.messages())
    if bot.webhook:
        assert await bot.deliver(update) == 200
    else:
        # Telegram redelivers what a stopped bot had not confirmed: restart, and it comes again.
        await bot.halt()
        bot.fake.push(update)
        await bot.start()
    await bot.fake.wait_for(lambda: not bot.fake.pending_updates(), timeout=10)
    follow = message_update(USER, "/aide", language_code="fr")
    await bot.deliver(follow)
    await bot.fake.wait_for(lambda: len(youth.messages()) > count)
    assert len(youth.messages()) == count + 1, "only /aide was answered"


async def test_a_429_on_the_first_reply_is_delivered_after_retry_after(bot: Bot) -> None:
    youth = Youth_(bot)
    bot.fake.fail_next("sendMessage", 429, retry_after=1, chat_id=USER)
    await youth.send("/start", youth.expects_button("lang:fr"))
    failed = [c for c in bot.fake.calls_to("sendMessage") if c.status == 429]
    sent = [c for c in bot.fake.calls_to("sendMessage") if c.status == 200]
    assert len(failed) == 1
    assert sent[0].at - failed[0].at >= 0.95


async def test_a_403_marks_the_youth_unreachable(bot: Bot) -> None:
    site, _ = await _site_and_workshop(bot)
    youth = Youth_(bot)
    await _consented(youth, site)
    bot.fake.block(USER)
    await bot.deliver(message_update(USER, "/menu", language_code="fr"))
    await bot.fake.wait_for(
        lambda: any(c.method == "sendMessage" and c.status == 403 for c in bot.fake.calls)
    )

    async def unreachable() -> bool:
        async with bot.database.reading() as session:
            row = await session.scalar(select(Youth))
        return row is not None and not row.reachable

    for _ in range(100):
        if await unreachable():
            break
        await asyncio.sleep(0.05)
    assert await unreachable()


@pytest.mark.parametrize("bot", WEBHOOKS, ids=_ids(WEBHOOKS), indirect=True)
async def test_a_webhook_call_with_a_wrong_secret_is_refused(bot: Bot) -> None:
    update = message_update(USER, "/start", language_code="fr")
    assert await bot.fake.deliver_webhook(bot.settings.webhook_url, update, "wrong") == 401
    assert await bot.fake.deliver_webhook(bot.settings.webhook_url, update, None) == 401
    assert bot.fake.messages_to(USER) == []


async def test_a_restart_in_the_middle_resumes_at_the_same_step(bot: Bot) -> None:
    youth = Youth_(bot)
    await youth.send("/start", youth.expects_button("lang:fr"))
    await youth.tap("lang:fr", youth.expects_button("age:18-25"))
    await bot.halt()
    await bot.start()
    await youth.tap("age:18-25", youth.expects_button("consent:yes"))
    assert "d’accord" in youth.text().lower() or "d'accord" in youth.text().lower()


async def test_a_refused_edit_falls_back_to_a_new_message(bot: Bot) -> None:
    site, _ = await _site_and_workshop(bot)
    youth = Youth_(bot)
    await _consented(youth, site)
    await youth.tap("menu:diagnostic")
    await youth.tap(
        next(b for b in youth.buttons() if b.startswith("dg:a:") and b.endswith(":none"))
    )
    await youth.tap(next(b for b in youth.buttons() if b.startswith("dg:pick:")))
    pick_screen = youth.messages()[-1]["message_id"]

    # Ticking a domain edits the choice in place…
    sent_before = len(youth.messages())
    housing = next(b for b in youth.buttons() if b.startswith("dg:on:") and b.endswith(":housing"))
    await youth.tap(housing, lambda: bool(bot.fake.calls_to("editMessageText")))
    [edit] = bot.fake.calls_to("editMessageText")
    assert edit.params["message_id"] == pick_screen
    assert edit.status == 200
    assert len(youth.messages()) == sent_before, "no new message"

    # …and when Telegram refuses the edit, the same choice comes as a new message.
    bot.fake.fail_next("editMessageText", 400)
    money = next(b for b in youth.buttons() if b.startswith("dg:on:") and b.endswith(":money"))
    await youth.tap(money, youth.expects_button(money.replace(":on:", ":off:")))
    assert bot.fake.calls_to("editMessageText")[-1].status == 400


POLLING = [combination for combination in COMBINATIONS if combination[1] == "polling"]


async def test_the_command_menu_is_registered_in_each_language(bot: Bot) -> None:
    by_language = {
        language: {command["command"]: command["description"] for command in commands}
        for (language, scope), commands in bot.fake.commands.items()
        if scope == "default"
    }
    assert by_language["fr"]["reserver"] == "réserver un atelier, un colis ou un rendez-vous"
    assert "book" not in by_language["fr"], "the English alias is listed in English only"
    assert by_language["en"]["book"] == "book a workshop, a parcel or an appointment"
    assert by_language[""] == by_language["fr"], "the default language for everyone else"


@pytest.mark.parametrize("bot", POLLING, ids=_ids(POLLING), indirect=True)
async def test_one_youths_updates_are_answered_in_order(bot: Bot) -> None:
    youth = Youth_(bot)
    commands = ["/aide", "/menu", "/langue", "/annuler", "/aide", "/langue"]
    for command in commands:
        bot.fake.push(message_update(USER, command, language_code="fr"))
    await bot.fake.wait_for(lambda: len(youth.messages()) >= len(commands), timeout=15)
    firsts = [str(m["text"]).replace("\u202f", " ").split("\n", 1)[0] for m in youth.messages()]
    expected = {
        "/aide": "Je suis là pour t’aider avec la Mission Locale. Utilise les boutons du menu.",
        "/menu": "Que veux-tu faire ?",
        "/langue": "🌍 Choisis ta langue.",
        "/annuler": "C’est annulé.",  # it follows /langue: there is something to cancel
    }
    assert firsts == [expected[command] for command in commands]


async def test_a_failing_engine_answers_kindly_and_the_bot_carries_on(bot: Bot) -> None:
    youth = Youth_(bot)
    async with bot.database.transaction() as session:
        await session.execute(text("ALTER TABLE conversation_state RENAME TO state_away"))
    update = message_update(USER, "/start", language_code="fr")
    status = await bot.deliver(update)
    await bot.fake.wait_for(lambda: "Oups" in (bot.fake.last_text(USER) or ""))
    assert status == (503 if bot.webhook else 200), "a webhook asks Telegram to redeliver"

    tap = callback_update(USER, "lang:fr", message_id=1)
    await bot.deliver(tap)
    await bot.fake.wait_for(lambda: str(tap["callback_query"]["id"]) in bot.fake.callback_answers)

    async with bot.database.transaction() as session:
        await session.execute(text("ALTER TABLE state_away RENAME TO conversation_state"))
    await youth.send("/start", youth.expects_button("lang:fr"))


async def test_a_reminder_then_i_cant_come_frees_the_seat_for_the_waitlist(bot: Bot) -> None:
    site, _ = await _site_and_workshop(bot)
    async with bot.database.transaction() as session:
        slot = await make_slot(
            session, bot.clock.now(), starts_in=timedelta(minutes=3), capacity=1,
            site_id=site.id, title="Atelier express",
        )  # fmt: skip
    first, second = Youth_(bot), Youth_(bot, user_id=USER + 1)
    await _consented(first, site)
    await _consented(second, site)
    await first.send("/reserver", first.expects_button("bk:k:workshop"))
    await first.tap("bk:k:workshop", first.expects_button(f"bs:open:{slot.id}"))
    await first.tap(f"bs:open:{slot.id}", first.expects_button(f"bs:ok:{slot.id}"))
    await first.tap(f"bs:ok:{slot.id}", first.expects_button("menu:book"))
    async with bot.database.transaction() as session:
        [booking] = await session.scalars(select(Booking))
        waiting = await session.scalar(select(Youth).where(Youth.telegram_user_id == USER + 1))
        assert waiting is not None
        await make_booking(session, bot.clock.now(), waiting, slot, BookingStatus.WAITLISTED)

    # Due 2 minutes before a start 3 minutes away: not yet after 59 s, sent at 1 minute.
    first.seen = len(first.messages())
    bot.clock.advance(timedelta(seconds=59))
    await asyncio.sleep(0.3)
    assert first.new_messages() == []
    bot.clock.advance(timedelta(seconds=1))
    await first.bot.fake.wait_for(first.expects_button(f"rm:n:{booking.id}"))
    assert "Rappel" in first.text()
    assert "Atelier express" in first.text()

    bot.clock.advance(timedelta(seconds=5))
    await first.tap(f"rm:n:{booking.id}", first.expects_button("mr:busy"))
    await first.tap("mr:busy", first.expects_button("menu:book"))

    async with bot.database.reading() as session:
        statuses = dict((await session.execute(select(Booking.youth_id, Booking.status))).all())
    assert statuses == {booking.youth_id: BookingStatus.EXCUSED, waiting.id: BookingStatus.BOOKED}
    second.seen = len(second.messages())
    await bot.fake.wait_for(lambda: "une place s’est libérée" in second.text())
    assert "Atelier express" in second.text()
