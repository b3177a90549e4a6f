"""The bots the throughput benchmark measures, each meant to run in a process of its own.

"Ours" is the product (`bot.serve.serve()` in webhook mode); the bare ones are the
smallest webhook bots each library allows, answering with one echo. They share
the benchmark's webhook secret and path, so the load reaches them the same way.
"""

from __future__ import annotations

import asyncio
import cProfile
import functools
import hmac
import math
import os
import socket
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot import serve as serve_module
from bot.webhook import SECRET_HEADER
from core.config import load_settings
from tests.support.chat import compiled_catalogs

WEBHOOK_PATH = "/telegram/hook"
SECRET = "bench-webhook-secret-0123456789"  # noqa: S105 (a throwaway, loopback only)


def serve_ours(settings: dict[str, Any]) -> None:
    """`python -m bot run` in webhook mode, unpaced; SIGTERM stops it as in production.

    With `BENCH_PROFILE=PREFIX` in the environment, the run is profiled (CPU time)
    and the statistics saved to `PREFIX.<framework>.pstats` once it stops.
    """
    # Telegram's limits are not what this measures (the fake has none); paced at 30
    # messages a second, every stack would measure that limit instead of itself.
    run = functools.partial(
        serve_module.serve,
        load_settings(None, **settings),
        catalogs=compiled_catalogs(),
        per_second=math.inf,
        per_chat_interval=0.0,
    )
    prefix = os.environ.get("BENCH_PROFILE")
    if not prefix:
        asyncio.run(run())
        return
    profile = cProfile.Profile(time.process_time)
    try:
        profile.runcall(asyncio.run, run())
    finally:
        profile.dump_stats(f"{prefix}.{settings['bot_framework']}.pstats")


def serve_bare_aiogram(token: str, api_base: str, port: int) -> None:
    asyncio.run(_bare_aiogram(token, api_base, port))


def serve_bare_ptb(token: str, api_base: str, port: int) -> None:
    asyncio.run(_bare_ptb(token, api_base, port))


async def _bare_aiogram(token: str, api_base: str, port: int) -> None:
    """An aiogram echo bot: a message handler, a callback handler, fed by a Starlette route."""
    # Imported here, as `bot.serve` does: each bot process loads its own library only
    # (aiogram alone takes seconds to import on a small machine).
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import CallbackQuery, Message

    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api_base)))
    dispatcher = Dispatcher()

    async def echo(message: Message) -> None:
        await bot.send_message(message.chat.id, message.text or "?")

    async def echo_tap(query: CallbackQuery) -> None:
        await bot.send_message(query.from_user.id, query.data or "?")

    dispatcher.message.register(echo)
    dispatcher.callback_query.register(echo_tap)

    async def receive(request: Request) -> Response:
        if not _authorized(request):
            return JSONResponse({"ok": False}, status_code=401)
        await dispatcher.feed_webhook_update(bot, await request.json())
        return JSONResponse({"ok": True})

    try:
        await _serve_until_stopped(
            receive, port, lambda url: bot.set_webhook(url, secret_token=SECRET)
        )
    finally:
        await bot.session.close()


async def _bare_ptb(token: str, api_base: str, port: int) -> None:
    """A PTB echo bot: MessageHandler and CallbackQueryHandler, fed by a Starlette route."""
    from telegram import Update as PtbUpdate
    from telegram.ext import (
        ApplicationBuilder,
        CallbackQueryHandler,
        ContextTypes,
        MessageHandler,
        filters,
    )

    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_base}/bot")
        .base_file_url(f"{api_base}/file/bot")
        .build()
    )

    async def echo(update: PtbUpdate, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None  # MessageHandler only calls with one
        await context.bot.send_message(message.chat_id, message.text or "?")

    async def echo_tap(update: PtbUpdate, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None  # CallbackQueryHandler only calls with one
        await context.bot.send_message(query.from_user.id, query.data or "?")

    application.add_handler(MessageHandler(filters.ALL, echo))
    application.add_handler(CallbackQueryHandler(echo_tap))

    async def receive(request: Request) -> Response:
        if not _authorized(request):
            return JSONResponse({"ok": False}, status_code=401)
        update = PtbUpdate.de_json(await request.json(), application.bot)
        await application.process_update(update)
        return JSONResponse({"ok": True})

    await application.initialize()
    try:
        await _serve_until_stopped(
            receive, port, lambda url: application.bot.set_webhook(url, secret_token=SECRET)
        )
    finally:
        await application.shutdown()


def _authorized(request: Request) -> bool:
    # The same constant-time check as ours: a real bot behind a webhook has it.
    return hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), SECRET.encode())


async def _serve_until_stopped(
    receive: Callable[[Request], Awaitable[Response]],
    port: int,
    set_webhook: Callable[[str], Awaitable[object]],
) -> None:
    """Serve as `bot.serve` does (uvicorn, loopback), tell the fake where, until SIGTERM."""
    app = Starlette(routes=[Route(WEBHOOK_PATH, receive, methods=["POST"])])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()
            raise RuntimeError("the webhook server stopped before it started")
        await asyncio.sleep(0.02)
    await set_webhook(webhook_url(port))
    await serving


def webhook_url(port: int) -> str:
    return f"http://127.0.0.1:{port}{WEBHOOK_PATH}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system, all threads) a process used so far; None off Linux."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields 14 and 15 (utime, stime), counted after the command name in parentheses.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
