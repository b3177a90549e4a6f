"""The reminder dispatcher: does it keep Telegram's pace, and what does one reminder cost us?

    python -m bench.reminder_dispatch [--paced 600] [--reminders 20000] [--backend both]

Each dispatcher is the real command, `python -m bot dispatcher`, in a process of
its own, sending to the fake Bot API server (`tests.support.fake_telegram`) in
this process. Every reminder is due already, each to a different youth.

1. Pace: `--paced` reminders at Telegram's default limit of 30 messages a second,
   one process, SQLite. It prints the rate achieved between the first and the
   last message, over the rate allowed; the goal is at least 0.95.
2. Overhead: `--reminders` reminders with the pacing lifted, on each database,
   with 1 and then 2 dispatcher processes. It prints reminders per second and the
   dispatchers' CPU per reminder, then the ratios of 2 processes over 1 and of
   PostgreSQL over SQLite, measured side by side in this run.

Exits 1 when a reminder was lost or sent twice, or a run did not finish.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa

from bench.backends import add_backend_option, run_and_report
from bench.bot_processes import cpu_seconds
from core import migrate
from core.config import PROJECT_ROOT
from core.db import Database, make_database
from core.models import OutboxStatus, Reminder
from tests.support.fake_telegram import FakeTelegram
from tests.support.outbox import due_reminders

TELEGRAM_RATE = 30.0
PACE_GOAL = 0.95
# Time for a run to finish before it counts as stuck.
RUN_TIMEOUT = 900.0


@dataclass
class Run:
    processes: int
    reminders: int
    seconds: float
    cpu_seconds: float
    lost: int
    duplicated: int
    finished: bool

    @property
    def per_second(self) -> float:
        return self.reminders / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_reminder(self) -> float:
        return 1000 * self.cpu_seconds / self.reminders if self.reminders else 0.0

    @property
    def sound(self) -> bool:
        return self.finished and self.lost == 0 and self.duplicated == 0


@dataclass
class Result:
    backend: str
    runs: list[Run] = field(default_factory=list)
    # Achieved / allowed rate of the paced run (SQLite only).
    pace: float | None = None
    paced: Run | None = None

    @property
    def sound(self) -> bool:
        runs = [*self.runs, *([self.paced] if self.paced else [])]
        return all(run.sound for run in runs)


async def _reset(database: Database) -> None:
    """Every reminder pending and unclaimed again, for the next run on the same rows."""
    async with database.transaction() as session:
        await session.execute(
            sa.update(Reminder).values(
                status=OutboxStatus.PENDING, claimed_by=None, lease_until=None, sent_at=None,
                telegram_message_id=None, attempts=0, history=[],
            )
        )  # fmt: skip


async def _pending(database: Database) -> int:
    async with database.reading() as session:
        count = await session.scalar(
            sa.select(sa.func.count()).where(sa.column("status") == OutboxStatus.PENDING.value)
            .select_from(Reminder)
        )  # fmt: skip
    return int(count or 0)


async def _dispatch(
    url: str, chats: Sequence[int], processes: int, **settings: str
) -> tuple[Run, list[float]]:
    """Run `processes` dispatchers until every reminder is settled; the run and the send times."""
    database = make_database(url)
    async with FakeTelegram() as fake:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE": fake.base_url,
            "DISPATCH_INTERVAL": "200ms",
            **settings,
        }
        started = time.perf_counter()
        running = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "dispatcher", cwd=PROJECT_ROOT, env=env,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            )
            for _ in range(processes)
        ]  # fmt: skip
        finished = False
        cpu = 0.0
        try:
            # Start-up (importing a Telegram library takes seconds) is not dispatching:
            # CPU is counted from each process's first call to Telegram.
            await fake.wait_for(lambda: len(fake.calls_to("getMe")) >= processes, timeout=60)
            baseline = sum(cpu_seconds(p.pid) or 0.0 for p in running)
            deadline = started + RUN_TIMEOUT
            while time.perf_counter() < deadline:
                if not await _pending(database):
                    finished = True
                    break
                await asyncio.sleep(0.2)
            cpu = sum(cpu_seconds(p.pid) or 0.0 for p in running) - baseline
        finally:
            for process in running:
                process.send_signal(signal.SIGTERM)
            for process in running:
                await process.wait()
            await database.dispose()
        sends = [call for call in fake.calls_to("sendMessage") if call.ok]
        times = sorted(call.at for call in sends)
        received = Counter(int(call.params["chat_id"]) for call in sends)
    # From the first message to the last: process start-up (imports) is not dispatching.
    seconds = times[-1] - times[0] if len(times) > 1 else 0.0
    run = Run(
        processes=processes,
        reminders=len(chats),
        seconds=seconds,
        cpu_seconds=cpu,
        lost=sum(1 for chat in chats if received[chat] == 0),
        duplicated=sum(count - 1 for count in received.values() if count > 1),
        finished=finished,
    )
    return run, times


async def _prepare(url: str, count: int) -> tuple[Database, list[int]]:
    database = make_database(url)
    await migrate.upgrade(database)
    async with database.transaction() as session:
        await due_reminders(session, datetime.now(UTC), count)
    async with database.reading() as session:
        chats = (
            await session.scalars(sa.text("SELECT telegram_user_id FROM youth ORDER BY id"))
        ).all()
    return database, [int(chat) for chat in chats]


def measurer(paced: int, reminders: int):  # type: ignore[no-untyped-def]
    async def measure(backend: str, url: str) -> Result:
        result = Result(backend)
        if backend == "sqlite" and paced:
            database, chats = await _prepare(url, paced)
            run, times = await _dispatch(url, chats, 1, SEND_RATE=str(TELEGRAM_RATE))
            achieved = (len(times) - 1) / run.seconds if run.seconds else 0.0
            result.paced, result.pace = run, achieved / TELEGRAM_RATE
            async with database.transaction() as session:
                for table in ("reminder", "booking", "youth", "slot"):
                    await session.execute(sa.text(f"DELETE FROM {table}"))  # noqa: S608
            await database.dispose()
        if not reminders:
            return result
        database, chats = await _prepare(url, reminders)
        for processes in (1, 2):
            await _reset(database)
            run, _ = await _dispatch(
                url, chats, processes, SEND_RATE="1000000", SEND_CHAT_INTERVAL="0s"
            )
            result.runs.append(run)
        await database.dispose()
        return result

    return measure


def report(results: Sequence[Result]) -> None:
    for result in results:
        if result.pace is not None and result.paced is not None:
            verdict = "meets" if result.pace >= PACE_GOAL else "MISSES"
            print(
                f"Paced at {TELEGRAM_RATE:.0f}/s ({result.paced.reminders} reminders, "
                f"{result.backend}): achieved/allowed {result.pace:.3f} "
                f"({verdict} the goal of {PACE_GOAL})"
            )
    print(
        f"\n{'database':<12}{'procs':>6}{'reminders':>11}{'seconds':>9}{'per s':>9}"
        f"{'CPU ms/rem':>12}{'lost':>6}{'twice':>7}"
    )
    for result in results:
        for r in result.runs:
            print(
                f"{result.backend:<12}{r.processes:>6}{r.reminders:>11}{r.seconds:>9.2f}"
                f"{r.per_second:>9.0f}{r.cpu_ms_per_reminder:>12.2f}{r.lost:>6}{r.duplicated:>7}"
            )
    print()
    for result in results:
        if len(result.runs) == 2 and result.runs[0].per_second:
            one, two = result.runs
            print(f"{result.backend}: 2 processes / 1, reminders per second: "
                  f"{two.per_second / one.per_second:.2f}x")  # fmt: skip
    by_backend = {result.backend: result for result in results}
    if {"sqlite", "postgresql"} <= by_backend.keys():
        for index, processes in enumerate((1, 2)):
            sqlite, postgres = by_backend["sqlite"].runs, by_backend["postgresql"].runs
            if len(sqlite) > index and len(postgres) > index and sqlite[index].per_second:
                ratio = postgres[index].per_second / sqlite[index].per_second
                print(f"PostgreSQL/SQLite, {processes} process(es), reminders per second: "
                      f"{ratio:.2f}x")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reminder_dispatch")
    parser.add_argument("--paced", type=int, default=600, help="reminders sent at 30/s (600)")
    parser.add_argument("--reminders", type=int, default=20000, help="unpaced (20000)")
    add_backend_option(parser)
    args = parser.parse_args(argv)
    return run_and_report(
        args.backend,
        measurer(args.paced, args.reminders),
        report,
        "a reminder was lost or sent twice, or a run did not finish",
    )


if __name__ == "__main__":
    raise SystemExit(main())
