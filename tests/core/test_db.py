"""SQLite in both of its modes: on the event loop (the bot) and in threads (the panel)."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from core.db import make_database

pytestmark = pytest.mark.sqlite_only


@pytest.mark.parametrize("on_loop", [True, False], ids=["on-loop", "threads"])
async def test_a_writer_waits_for_another_process_to_release_the_lock(
    database_url: str, on_loop: bool
) -> None:
    other_process = sqlite3.connect(str(make_url(database_url).database), isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")
    database = make_database(database_url, sqlite_on_loop=on_loop)
    try:

        async def write() -> None:
            async with database.transaction() as session:
                await session.execute(sa.text("CREATE TABLE probe (x INTEGER)"))

        writing = asyncio.create_task(write())
        ticks = 0
        for _ in range(20):
            await asyncio.sleep(0.01)
            ticks += 1
        # Neither mode fails at once, and neither holds the loop while it waits.
        assert ticks == 20
        assert not writing.done()

        other_process.execute("COMMIT")
        await asyncio.wait_for(writing, 10)
        async with database.reading() as session:
            assert await session.scalar(sa.text("SELECT count(*) FROM probe")) == 0
    finally:
        other_process.close()
        await database.dispose()
