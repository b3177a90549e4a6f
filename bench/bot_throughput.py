"""The whole bot behind its webhook, against the bare libraries it is built on.

    python -m bench.bot_throughput [--youths 500] [--per-youth 10]

500 youths each send 10 updates (commands, free text, a language button) to the
bot's webhook, as Telegram would: youths at once, each youth's updates one after
another, every POST waiting for its 200. For aiogram and for python-telegram-bot:

- "ours" is `bot.serve.serve()` in webhook mode with that adapter, the full engine
  and a freshly migrated SQLite file;
- "bare" is a minimal webhook app of the same library, served by uvicorn the same
  way, answering every message or tap with one sendMessage echo, fed the very same
  update JSONs.

Each bot runs in a process of its own, so the load (the HTTP client and the fake
Bot API server, `tests.support.fake_telegram`) does not share its CPU. It prints
per stack the updates per second and the p50 / p95 / p99 latency of one update
(POST to 200: the webhook answers once the update is handled and its replies are
sent), the CPU each side used, then the ours/bare throughput ratio per library
against the goal of 0.5. Exits 1 when an update was answered other than 200, got
no reply, or could not be sent; the goal itself is reported, not enforced.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from typing import Any

import aiohttp

from bench.backends import fresh_database
from bench.booking_flow import percentile
from bench.bot_processes import (
    SECRET,
    cpu_seconds,
    free_port,
    serve_bare_aiogram,
    serve_bare_ptb,
    serve_ours,
    webhook_url,
)
from bot.webhook import SECRET_HEADER
from core import migrate
from core.db import make_database
from tests.support.chat import compiled_catalogs
from tests.support.fake_telegram import FakeTelegram, Update, callback_update, message_update

FRAMEWORKS = ("aiogram", "ptb")
GOAL = 0.5
# Telegram opens at most `max_connections` (40 by default) to a webhook at once;
# every stack gets the same, so none is measured with more updates in flight.
CONNECTIONS = 40
# Far above any latency seen here: an update that takes this long counts as failed.
REQUEST_TIMEOUT_SECONDS = 60
# A bot process imports its libraries, builds its engine and listens within this.
STARTUP_SECONDS = 60
STOP_SECONDS = 30
FIRST_USER_ID = 800_000_001
SHOWN_PROBLEMS = 3


# -- what every youth says ----------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A text the youth sends, or (`tap`) the id of a button the youth taps."""

    text: str
    tap: bool = False


# Every step works on a fresh database and gets at least one new message in answer:
# the greeting and its language question, then the menu, help and language commands,
# free text the bot does not understand, and the language button again.
OPENING = (Step("/start"), Step("lang:fr", tap=True))
ROUND = (
    Step("/aide"),
    Step("/menu"),
    Step("Bonjour, je cherche un stage"),
    Step("/langue"),
    Step("lang:fr", tap=True),
    Step("/menu"),
    Step("/aide"),
    Step("merci"),
)


def script(per_youth: int) -> list[Step]:
    """The first `per_youth` steps of the opening followed by rounds, as many as needed."""
    return list(itertools.islice(itertools.chain(OPENING, itertools.cycle(ROUND)), per_youth))


# -- one youth's chat, as Telegram delivers it ----------------------------------------------


@dataclass(frozen=True)
class Webhook:
    """Where updates are POSTed, through one client and at most CONNECTIONS at a time."""

    http: aiohttp.ClientSession
    url: str
    gate: asyncio.Semaphore

    async def post(self, update: Update) -> tuple[int, float]:
        """The HTTP status (0 when none came) and the seconds from POST to answer."""
        async with self.gate:
            # Timed once a connection is ours: waiting for one is Telegram's queue, not the bot.
            started = time.perf_counter()
            try:
                async with self.http.post(
                    self.url, json=update, headers={SECRET_HEADER: SECRET}
                ) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError):
                status = 0
            return status, time.perf_counter() - started


@dataclass
class Chat:
    """One youth: posts updates one after another, and reads the answers on the fake."""

    user_id: int
    webhook: Webhook
    fake: FakeTelegram
    fed: list[Update] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    problem: str | None = None
    # Button id -> id of the newest message showing it: where a tap on it happens.
    offered: dict[str, int] = field(default_factory=dict)
    last_message_id: int = 0

    def update_for(self, step: Step) -> Update | None:
        if not step.tap:
            return message_update(self.user_id, step.text, language_code="fr")
        message_id = self.offered.get(step.text)
        if message_id is None:
            self.problem = f"no message offers {step.text!r} (offered: {sorted(self.offered)})"
            return None
        return callback_update(self.user_id, step.text, message_id=message_id)

    async def feed(self, update: Update) -> bool:
        """Post one update; False (the youth stops) when it was refused or got no reply."""
        self.fed.append(update)
        status, seconds = await self.webhook.post(update)
        self.latencies.append(seconds)
        if status != 200:
            self.refused.append(status)
            self.problem = f"update {len(self.fed)} answered HTTP {status or 'nothing'}"
            return False
        if not self._read_new_messages():
            self.problem = f"update {len(self.fed)} got no new message: {_described(update)}"
            return False
        return True

    def _read_new_messages(self) -> bool:
        """Note the buttons of the messages sent since the last update; False if none was.

        The fake numbers the bot's messages 1, 2, 3... in each chat (updates are posted
        straight to the webhook, so it never sees the youth's own message ids).
        """
        before = self.last_message_id
        while (message := self.fake.message(self.user_id, self.last_message_id + 1)) is not None:
            self.last_message_id += 1
            for button in _button_ids(message):
                self.offered[button] = self.last_message_id
        return self.last_message_id > before


def _button_ids(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row if "callback_data" in button]


def _described(update: Update) -> str:
    if "callback_query" in update:
        return f"tap on {update['callback_query']['data']!r}"
    return repr(update["message"]["text"])


async def play(chat: Chat, steps: Sequence[Step]) -> None:
    for step in steps:
        update = chat.update_for(step)
        if update is None or not await chat.feed(update):
            return


async def replay(chat: Chat, updates: Sequence[Update]) -> None:
    for update in updates:
        if not await chat.feed(update):
            return


# -- one stack ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BotProcess:
    """How to start one bot: a module-level function and its arguments (spawn pickles them)."""

    target: Callable[..., None]
    kwargs: dict[str, Any]


@dataclass(frozen=True)
class Usage:
    """How long the youths took, and how much of one core the bot and the load used meanwhile.

    The load is this process: the youths' HTTP client and the fake Bot API server. When
    it nears 100%, the load and not the bot set the pace.
    """

    seconds: float
    bot_cpu: float | None
    load_cpu: float


@dataclass(frozen=True)
class Result:
    stack: str
    framework: str
    planned: int
    usage: Usage
    latencies: list[float]
    refused: int
    problems: list[str]

    @property
    def updates(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.updates / self.usage.seconds

    def ms(self, rank: int) -> float:
        return percentile(self.latencies, rank) * 1000

    @property
    def cpu_ms(self) -> float | None:
        """The bot's CPU per update: steadier than updates/s on a busy machine."""
        if self.usage.bot_cpu is None or not self.updates:
            return None
        return self.usage.bot_cpu * self.usage.seconds / self.updates * 1000

    @property
    def sound(self) -> bool:
        return self.refused == 0 and not self.problems and self.updates == self.planned


Drive = Callable[[Chat], Awaitable[None]]


async def run_stack(
    stack: str,
    framework: str,
    bot_process: Callable[[FakeTelegram, int], BotProcess],
    user_ids: Sequence[int],
    drive: Drive,
    planned: int,
) -> tuple[Result, list[Chat]]:
    """Start the bot against a new fake, let every youth `drive` its chat at once, stop it."""
    async with FakeTelegram() as fake:
        port = free_port()
        process = _start(bot_process(fake, port))
        try:
            await _until_listening(fake, process, stack)
            connector = aiohttp.TCPConnector(limit=CONNECTIONS)
            timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
            async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
                webhook = Webhook(http, webhook_url(port), asyncio.Semaphore(CONNECTIONS))
                chats = [Chat(user_id, webhook, fake) for user_id in user_ids]
                usage = await _measured(
                    process, lambda: asyncio.gather(*(drive(chat) for chat in chats))
                )
        finally:
            await _stop(process)
    result = Result(
        stack=stack,
        framework=framework,
        planned=planned,
        usage=usage,
        latencies=[latency for chat in chats for latency in chat.latencies],
        refused=sum(len(chat.refused) for chat in chats),
        problems=[chat.problem for chat in chats if chat.problem is not None],
    )
    return result, chats


async def _measured(process: BaseProcess, work: Callable[[], Awaitable[object]]) -> Usage:
    assert process.pid is not None  # started
    bot_before, load_before = cpu_seconds(process.pid), time.process_time()
    started = time.perf_counter()
    await work()
    seconds = time.perf_counter() - started
    bot_after, load_after = cpu_seconds(process.pid), time.process_time()
    bot_cpu = None if bot_before is None or bot_after is None else bot_after - bot_before
    return Usage(
        seconds=seconds,
        bot_cpu=None if bot_cpu is None else bot_cpu / seconds,
        load_cpu=(load_after - load_before) / seconds,
    )


def _start(bot_process: BotProcess) -> BaseProcess:
    # Spawned, not forked: a fork would copy this process's running event loop.
    process = multiprocessing.get_context("spawn").Process(
        target=bot_process.target, kwargs=bot_process.kwargs, daemon=True
    )
    process.start()
    return process


async def _until_listening(fake: FakeTelegram, process: BaseProcess, stack: str) -> None:
    # Every bot here calls setWebhook once its server listens, as Telegram needs.
    await fake.wait_for(
        lambda: bool(fake.calls_to("setWebhook")) or not process.is_alive(),
        timeout=STARTUP_SECONDS,
    )
    if not process.is_alive():
        raise RuntimeError(f"{stack}: the bot exited ({process.exitcode}) before it listened")


async def _stop(process: BaseProcess) -> None:
    """SIGTERM, as a deployment stops the bot; killed if it has not ended in time."""
    if process.is_alive():
        process.terminate()
        # Joined off the loop: the bot may still call the fake, served by this loop, to close.
        await asyncio.to_thread(process.join, STOP_SECONDS)
    if process.is_alive():
        process.kill()
        await asyncio.to_thread(process.join, STOP_SECONDS)


# -- ours and bare --------------------------------------------------------------------------


def ours(framework: str, database_url: str) -> Callable[[FakeTelegram, int], BotProcess]:
    def bot_process(fake: FakeTelegram, port: int) -> BotProcess:
        settings = {
            "database_url": database_url,
            "bot_token": fake.token,
            "telegram_api_base": fake.base_url,
            "bot_framework": framework,
            "bot_mode": "webhook",
            "webhook_url": webhook_url(port),
            "webhook_secret": SECRET,
            "webhook_listen": f"127.0.0.1:{port}",
        }
        return BotProcess(serve_ours, {"settings": settings})

    return bot_process


def bare(framework: str) -> Callable[[FakeTelegram, int], BotProcess]:
    target = serve_bare_aiogram if framework == "aiogram" else serve_bare_ptb

    def bot_process(fake: FakeTelegram, port: int) -> BotProcess:
        return BotProcess(target, {"token": fake.token, "api_base": fake.base_url, "port": port})

    return bot_process


async def measure_framework(framework: str, youths: int, per_youth: int) -> list[Result]:
    """Ours on a fresh migrated SQLite file, then bare fed the same update JSONs."""
    user_ids = [FIRST_USER_ID + index for index in range(youths)]
    planned = youths * per_youth
    steps = script(per_youth)
    async with fresh_database("sqlite") as url:
        database = make_database(url)
        try:
            await migrate.upgrade(database)
        finally:
            await database.dispose()

        async def play_script(chat: Chat) -> None:
            await play(chat, steps)

        ours_result, chats = await run_stack(
            f"ours {framework}", framework, ours(framework, url), user_ids, play_script, planned
        )
    fed = {chat.user_id: chat.fed for chat in chats}

    async def replay_fed(chat: Chat) -> None:
        await replay(chat, fed[chat.user_id])

    bare_result, _ = await run_stack(
        f"bare {framework}", framework, bare(framework), user_ids, replay_fed, planned
    )
    return [ours_result, bare_result]


# -- the command ----------------------------------------------------------------------------


def report(results: Sequence[Result]) -> None:
    print(
        f"{'stack':<14}{'updates':>8}{'seconds':>9}{'updates/s':>11}{'p50 ms':>9}"
        f"{'p95 ms':>9}{'p99 ms':>9}{'bot CPU':>9}{'CPU ms/upd':>12}{'load CPU':>10}"
    )
    for r in results:
        usage = r.usage
        bot_cpu = "?" if usage.bot_cpu is None else f"{usage.bot_cpu:.0%}"
        cpu_ms = "?" if r.cpu_ms is None else f"{r.cpu_ms:.2f}"
        print(
            f"{r.stack:<14}{r.updates:>8}{usage.seconds:>9.2f}{r.per_second:>11.1f}"
            f"{r.ms(50):>9.1f}{r.ms(95):>9.1f}{r.ms(99):>9.1f}{bot_cpu:>9}{cpu_ms:>12}"
            f"{usage.load_cpu:>10.0%}"
        )
    for framework in FRAMEWORKS:
        pair = {r.stack: r for r in results if r.framework == framework}
        ours_result, bare_result = pair.get(f"ours {framework}"), pair.get(f"bare {framework}")
        if ours_result is None or bare_result is None:
            continue
        ratio = ours_result.per_second / bare_result.per_second
        verdict = "met" if ratio >= GOAL else "not met"
        print(f"{framework} ours/bare throughput: {ratio:.2f}x (goal >= {GOAL}: {verdict})")
        if ours_result.cpu_ms and bare_result.cpu_ms:
            cpu_ratio = bare_result.cpu_ms / ours_result.cpu_ms
            print(f"{framework} bare/ours CPU per update: {cpu_ratio:.2f}x")


def show_problems(results: Sequence[Result]) -> None:
    for r in results:
        if r.refused:
            print(f"  {r.stack}: {r.refused} updates answered other than 200", file=sys.stderr)
        for problem in r.problems[:SHOWN_PROBLEMS]:
            print(f"  {r.stack}: {problem}", file=sys.stderr)
        if len(r.problems) > SHOWN_PROBLEMS:
            print(f"  {r.stack}: {len(r.problems)} youths stopped in all", file=sys.stderr)


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bot_throughput",
        description="The whole bot behind its webhook, against bare aiogram and PTB echo bots.",
    )
    parser.add_argument("--youths", type=int, default=500, help="distinct youths (500)")
    parser.add_argument("--per-youth", type=int, default=10, help="updates per youth (10)")
    arguments = parser.parse_args(argv)
    if arguments.youths < 1 or arguments.per_youth < 1:
        parser.error("--youths and --per-youth must be at least 1")
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    # Compiled once here, so the bot processes only load the catalogues.
    compiled_catalogs()

    async def measure_all() -> list[Result]:
        results = []
        for framework in FRAMEWORKS:
            results += await measure_framework(framework, arguments.youths, arguments.per_youth)
        return results

    results = asyncio.run(measure_all())
    report(results)
    show_problems(results)
    unsound = [r.stack for r in results if not r.sound]
    if unsound:
        print(f"FAILED: updates refused, unanswered or not sent on {', '.join(unsound)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
