"""`python -m bot run` with a token: the bot on Telegram, by polling or behind a webhook.

This is where the pieces meet: the database, the engine, the paced sender, the
adapter of `BOT_FRAMEWORK` (aiogram by default, python-telegram-bot with `ptb`)
talking to `TELEGRAM_API_BASE`, and the shared conversation between them.
SIGINT and SIGTERM stop it cleanly: no new update is taken, and those in flight
are answered first.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager, suppress
from typing import Any, Protocol

import uvicorn

from bot.conversation import Conversations
from bot.dispatcher import Dispatcher
from bot.port import TelegramPort
from bot.sender import Sender
from bot.webhook import webhook_app, webhook_path
from core.clock import Clock, SystemClock
from core.config import ConfigError, Settings
from core.db import Database, make_database
from core.i18n import Catalogs
from core.youths import mark_unreachable
from flows.app import build_engine

log = logging.getLogger("passerelle.bot")

# How long a stop waits for the updates in flight before closing anyway.
DRAIN_SECONDS = 30.0


class Adapter(Protocol):
    name: str

    @property
    def port(self) -> TelegramPort: ...

    async def start(self) -> None: ...

    def parse(self, data: Mapping[str, Any]) -> Mapping[str, Any]: ...

    async def poll(
        self, handle: Callable[[Mapping[str, Any]], Awaitable[object]], stop: asyncio.Event
    ) -> None: ...

    async def set_webhook(self, url: str, secret: str) -> None: ...

    async def delete_webhook(self) -> None: ...

    async def close(self) -> None: ...


def make_adapter(settings: Settings) -> Adapter:
    """The adapter of `BOT_FRAMEWORK`; each library is imported only when chosen."""
    if settings.bot_framework == "ptb":
        from bot.ptb_adapter import PtbAdapter

        return PtbAdapter(settings.bot_token, settings.telegram_api_base)
    from bot.aiogram_adapter import AiogramAdapter

    return AiogramAdapter(settings.bot_token, settings.telegram_api_base)


def check_serving_settings(settings: Settings) -> None:
    if settings.bot_mode == "webhook":
        if not settings.webhook_url:
            raise ConfigError("Invalid setting WEBHOOK_URL: required when BOT_MODE=webhook")
        if len(settings.webhook_secret) < 16:
            raise ConfigError(
                "Invalid setting WEBHOOK_SECRET: at least 16 characters when BOT_MODE=webhook"
            )


async def serve(
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
    clock: Clock | None = None,
    catalogs: Catalogs | None = None,
    per_second: float | None = None,
    per_chat_interval: float | None = None,
    dispatcher: bool = True,
) -> int:
    """Serve Telegram until `stop` is set (or SIGINT/SIGTERM when none is given).

    `per_second` and `per_chat_interval` override `SEND_RATE` and
    `SEND_CHAT_INTERVAL`, Telegram's limits overall and per chat. The reminder
    dispatcher runs alongside unless `dispatcher` is False.
    """
    check_serving_settings(settings)
    clock = clock or SystemClock()
    catalogs = catalogs or Catalogs()
    database = make_database(settings.database_url)
    adapter = make_adapter(settings)
    stop = stop or _stop_on_signals()
    try:
        engine = build_engine(database, clock, settings, catalogs)
        sender = make_sender(
            settings,
            database,
            clock,
            per_second=per_second,
            per_chat_interval=per_chat_interval,
        )
        conversations = Conversations(engine, catalogs, settings.tz, sender, adapter.port)
        await adapter.start()
        await conversations.register_commands()
        log.info("Serving Telegram with %s, %s mode", adapter.name, settings.bot_mode)
        async with _dispatching(
            Dispatcher(database, clock, settings, catalogs, sender, adapter.port) if dispatcher
            else None,
            stop,
        ):  # fmt: skip
            if settings.bot_mode == "webhook":
                await _serve_webhook(settings, adapter, conversations, stop)
            else:
                # A webhook left set would make Telegram refuse long polling.
                await adapter.delete_webhook()
                await adapter.poll(conversations.handle_update, stop)
            if not await conversations.drain(DRAIN_SECONDS):
                log.warning("Stopped with updates still in flight after %s s", DRAIN_SECONDS)
    finally:
        await adapter.close()
        await database.dispose()
    return 0


async def dispatch(
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
    clock: Clock | None = None,
    catalogs: Catalogs | None = None,
) -> int:
    """`python -m bot dispatcher`: send the outbox's due messages, and nothing else."""
    clock = clock or SystemClock()
    catalogs = catalogs or Catalogs()
    database = make_database(settings.database_url)
    adapter = make_adapter(settings)
    stop = stop or _stop_on_signals()
    try:
        sender = make_sender(settings, database, clock)
        await adapter.start()
        await Dispatcher(database, clock, settings, catalogs, sender, adapter.port).run(stop)
    finally:
        await adapter.close()
        await database.dispose()
    return 0


def make_sender(
    settings: Settings,
    database: Database,
    clock: Clock,
    *,
    per_second: float | None = None,
    per_chat_interval: float | None = None,
) -> Sender:
    """The one sender of a process, paced as the settings say; a 403 marks the youth."""
    return Sender(
        clock=clock,
        per_second=settings.send_rate if per_second is None else per_second,
        per_chat_interval=(
            settings.send_chat_interval if per_chat_interval is None else per_chat_interval
        ),
        on_blocked=_unreachable_marker(database, clock),
    )


@asynccontextmanager
async def _dispatching(dispatcher: Dispatcher | None, stop: asyncio.Event) -> AsyncIterator[None]:
    """Run the dispatcher beside the bot, until the bot has stopped."""
    if dispatcher is None:
        yield
        return
    running = asyncio.create_task(dispatcher.run(stop))
    try:
        yield
    finally:
        # Its batch on the way is finished first, within `dispatcher.STOP_SECONDS`.
        await dispatcher.stop()
        running.cancel()
        with suppress(asyncio.CancelledError):
            await running


async def _serve_webhook(
    settings: Settings, adapter: Adapter, conversations: Conversations, stop: asyncio.Event
) -> None:
    app = webhook_app(
        path=webhook_path(settings.webhook_url),
        secret=settings.webhook_secret,
        parse=adapter.parse,
        handle=conversations.handle_update,
    )
    host, _, port = settings.webhook_listen.rpartition(":")
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=int(port), lifespan="off", log_level="warning")
    )
    serving = asyncio.create_task(server.serve())
    await _until_started(server, serving)
    # Telegram is told where to post only once the server listens.
    await adapter.set_webhook(settings.webhook_url, settings.webhook_secret)
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    stopping.cancel()
    await serving


async def _until_started(server: uvicorn.Server, serving: asyncio.Task[None]) -> None:
    while not server.started:
        if serving.done():
            serving.result()
            raise RuntimeError("the webhook server stopped before it started")
        await asyncio.sleep(0.02)


def _unreachable_marker(database: Database, clock: Clock) -> Callable[[int], Awaitable[None]]:
    """What the sender calls on a 403: the youth blocked the bot; stop their reminders."""

    async def mark(chat_id: int) -> None:
        async with database.transaction() as session:
            await mark_unreachable(session, chat_id, clock.now())

    return mark


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(number, stop.set)
    return stop
