"""`python -m bot dispatcher` as real processes sharing one database: none lost, none twice.

The processes run the real command with the real clock against the fake Bot API
server in this test's process; the reminders are due a minute ago, so nothing
waits for a real offset. Telegram's pacing is lifted (`SEND_RATE`), as with a
self-hosted Bot API server, so the test measures the claims, not the limits.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from core.config import PROJECT_ROOT
from core.db import Database
from core.models import OutboxStatus, Reminder, Youth
from tests.support.fake_telegram import FakeTelegram
from tests.support.outbox import due_reminders


def _env(database_url: str, fake: FakeTelegram, **settings: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE": fake.base_url,
        "SEND_CHAT_INTERVAL": "0s",
        "DISPATCH_INTERVAL": "200ms",
        **settings,
    }


@asynccontextmanager
async def _dispatcher(env: dict[str, str]) -> AsyncIterator[asyncio.subprocess.Process]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "dispatcher",
        cwd=PROJECT_ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
        assert process.returncode in (0, -signal.SIGKILL), output.decode()


async def _chats(database: Database) -> dict[int, int]:
    """Telegram chat of each reminder's youth."""
    async with database.reading() as session:
        rows = await session.execute(
            select(col(Reminder.id), col(Youth.telegram_user_id)).join(
                Youth, col(Youth.id) == col(Reminder.youth_id)
            )
        )
        return {reminder_id: chat for reminder_id, chat in rows.all()}


async def _pending(database: Database) -> int:
    async with database.reading() as session:
        count = await session.scalar(
            select(sa.func.count()).where(col(Reminder.status) == OutboxStatus.PENDING)
        )
    return int(count or 0)


async def _until_settled(database: Database, seconds: float) -> None:
    """Poll the outbox: the dispatchers are other processes, with nothing to wait on here."""
    async with asyncio.timeout(seconds):
        while await _pending(database):  # noqa: ASYNC110
            await asyncio.sleep(0.2)


def _received(fake: FakeTelegram) -> Counter[int]:
    return Counter(int(call.params["chat_id"]) for call in fake.calls_to("sendMessage") if call.ok)


@pytest.mark.postgres_only
async def test_two_dispatchers_send_2000_reminders_exactly_once(
    database: Database, database_url: str
) -> None:
    async with database.transaction() as session:
        await due_reminders(session, datetime.now(UTC), 2000)
    chats = await _chats(database)

    async with FakeTelegram() as fake:
        env = _env(database_url, fake, SEND_RATE="100000", DISPATCH_BATCH="50")
        async with _dispatcher(env), _dispatcher(env):
            await _until_settled(database, seconds=240)

        received = _received(fake)
    assert len(chats) == 2000
    assert all(received[chat] == 1 for chat in chats.values())
    assert sum(received.values()) == 2000
    async with database.reading() as session:
        rows = (await session.scalars(select(Reminder))).all()
    assert {row.status for row in rows} == {OutboxStatus.SENT}
    workers = Counter(row.claimed_by for row in rows)
    assert len(workers) == 2, f"both processes should have sent some: {workers}"


async def test_a_dispatcher_killed_mid_batch_loses_nothing_and_repeats_at_most_its_batch(
    database: Database, database_url: str
) -> None:
    batch = 50
    async with database.transaction() as session:
        await due_reminders(session, datetime.now(UTC), 400)
    chats = await _chats(database)

    async with FakeTelegram() as fake:
        # Paced so that a batch takes a quarter of a second: the kill lands inside one.
        env = _env(
            database_url, fake, SEND_RATE="200", DISPATCH_BATCH=str(batch), DISPATCH_LEASE="3s"
        )
        async with _dispatcher(env) as first:
            await fake.wait_for(lambda: sum(_received(fake).values()) >= 120, timeout=60)
            first.kill()
            await first.wait()
        in_flight = await _claimed_but_unrecorded(database, first.pid)

        async with _dispatcher(env):
            await _until_settled(database, seconds=120)
        received = _received(fake)

    assert all(received[chat] >= 1 for chat in chats.values()), "a reminder was lost"
    duplicates = sum(count - 1 for count in received.values())
    assert in_flight <= 2 * batch  # two batches claimed at most
    assert duplicates <= in_flight, f"{duplicates} sent twice, {in_flight} were in flight"
    print(f"killed with {in_flight} reminders in flight; {duplicates} sent twice")


async def _claimed_but_unrecorded(database: Database, pid: int) -> int:
    """Rows the killed process had claimed and not yet recorded: those it may have sent."""
    async with database.reading() as session:
        count = await session.scalar(
            select(sa.func.count()).where(
                col(Reminder.status) == OutboxStatus.PENDING,
                col(Reminder.claimed_by).like(f"%:{pid}:%"),
            )
        )
    return int(count or 0)
