"""The panel counts the dashboard's changes in the background while it runs."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi import FastAPI

import admin.dashboard_counts as dashboard_counts
from admin.app import create_app
from core.clock import ManualClock
from core.config import load_settings
from core.db import Database
from core.models import DatedChange, SlotTallyChange
from tests.core.test_stats import scenario
from tests.core.test_stats_tally import board, counted_afresh, mark_no_show
from tests.support.chat import compiled_catalogs

WAIT_SECONDS = 20.0


async def changes_left(database: Database) -> int:
    async with database.reading() as session:
        slots = await session.scalar(sa.select(sa.func.count()).select_from(SlotTallyChange))
        dated = await session.scalar(sa.select(sa.func.count()).select_from(DatedChange))
    return (slots or 0) + (dated or 0)


async def until_counted(database: Database) -> None:
    async with asyncio.timeout(WAIT_SECONDS):
        while await changes_left(database):  # noqa: ASYNC110 (the database signals nothing)
            await asyncio.sleep(0.02)


def panel_counting_every(
    tmp_path: Path, database: Database, clock: ManualClock, every: str
) -> FastAPI:
    settings = load_settings(
        None,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}",
        admin_secret_key="tests-only-secret-key",
        dashboard_refresh=every,
    )
    return create_app(settings, database=database, clock=clock, catalogs=compiled_catalogs())


async def test_changes_are_counted_while_nobody_looks_at_the_dashboard(
    database: Database, clock: ManualClock, tmp_path: Path
) -> None:
    await scenario(database, clock.now())
    await board(database)
    async with database.transaction() as session:
        await mark_no_show(session)
    assert await changes_left(database)

    app = panel_counting_every(tmp_path, database, clock, "10ms")
    async with app.router.lifespan_context(app):
        await until_counted(database)
        async with database.transaction() as session:
            await mark_no_show(session)  # another booking: counted too, while it runs
        await until_counted(database)

    counted = await board(database)
    assert counted == await counted_afresh(database)


async def test_a_failed_pass_is_logged_and_the_next_one_counts(
    database: Database,
    clock: ManualClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await scenario(database, clock.now())
    real = dashboard_counts.bring_up_to_date
    passes: list[int] = []

    async def down_once(*args: object) -> None:
        passes.append(1)
        if len(passes) == 1:
            raise ConnectionError("the database is restarting")
        await real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(dashboard_counts, "bring_up_to_date", down_once)
    app = panel_counting_every(tmp_path, database, clock, "10ms")
    with caplog.at_level(logging.ERROR, logger=dashboard_counts.__name__):
        async with app.router.lifespan_context(app):
            await until_counted(database)

    assert len(passes) >= 2
    assert "the database is restarting" in caplog.text


async def test_turned_off_the_panel_leaves_the_counting_to_the_views(
    database: Database, clock: ManualClock, tmp_path: Path
) -> None:
    await scenario(database, clock.now())
    app = panel_counting_every(tmp_path, database, clock, "0s")
    async with app.router.lifespan_context(app):
        await asyncio.sleep(0.2)
        assert await changes_left(database)
