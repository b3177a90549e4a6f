"""Shared fixtures: real databases on both backends, an injected clock, settings.

Every test that asks for `database` runs twice, on SQLite and on a real
PostgreSQL server started once for the run. When that server cannot start, the
PostgreSQL half is deselected with a loud warning, or the run fails outright
when `REQUIRE_POSTGRES=1` (CI sets it).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from core.clock import ManualClock
from core.config import Settings, load_settings
from core.db import Database, make_database
from tests.support import databases
from tests.support.pgserver import PostgresServer, PostgresUnavailable, start_server

BACKENDS = ("sqlite", "postgresql")
PARIS = ZoneInfo("Europe/Paris")
# A Monday morning in Paris, far from any daylight-saving change.
START = datetime(2026, 11, 23, 9, 0, tzinfo=PARIS)


class _Run:
    tmp: Path
    sqlite_template: Path | None = None
    postgres: PostgresServer | None = None
    postgres_error: str | None = None
    deselected_postgres = 0


RUN = _Run()


def pytest_sessionstart(session: pytest.Session) -> None:
    RUN.tmp = Path(tempfile.mkdtemp(prefix="passerelle-tests-"))
    RUN.sqlite_template = asyncio.run(databases.build_sqlite_template(RUN.tmp))
    try:
        RUN.postgres = start_server()
        asyncio.run(databases.build_postgres_template(RUN.postgres))
    except (PostgresUnavailable, OSError) as error:
        RUN.postgres_error = str(error)
        if RUN.postgres is not None:
            RUN.postgres.stop()
            RUN.postgres = None
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            raise pytest.UsageError(
                f"REQUIRE_POSTGRES=1 but the PostgreSQL server could not start: {error}"
            ) from error


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if RUN.postgres is not None:
        RUN.postgres.stop()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every database test on each backend its markers allow."""
    if "backend" not in metafunc.fixturenames:
        return
    backends = [
        name
        for name in BACKENDS
        if not (name == "postgresql" and metafunc.definition.get_closest_marker("sqlite_only"))
        and not (name == "sqlite" and metafunc.definition.get_closest_marker("postgres_only"))
    ]
    metafunc.parametrize("backend", backends, indirect=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if RUN.postgres is not None:
        return
    kept, dropped = [], []
    for item in items:
        (dropped if _backend_of(item) == "postgresql" else kept).append(item)
    RUN.deselected_postgres = len(dropped)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if RUN.postgres_error is None:
        return
    line = "!" * 78
    terminalreporter.write_line(line, red=True, bold=True)
    terminalreporter.write_line(
        f"WARNING: {RUN.deselected_postgres} PostgreSQL tests did NOT run: {RUN.postgres_error}",
        red=True,
        bold=True,
    )
    terminalreporter.write_line(
        "Install the 'postgresql' package, or set REQUIRE_POSTGRES=1 to make this an error.",
        red=True,
    )
    terminalreporter.write_line(line, red=True, bold=True)


def _backend_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("backend") if callspec is not None else None


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of a fresh, migrated database on the parametrized backend."""
    if backend == "sqlite":
        yield databases.fresh_sqlite(RUN.sqlite_template, tmp_path)
        return
    assert RUN.postgres is not None
    url = await databases.fresh_postgres(RUN.postgres, migrated=True)
    yield url
    await databases.drop_postgres(RUN.postgres, url)


@pytest.fixture
async def empty_database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of a fresh database with no schema at all."""
    if backend == "sqlite":
        yield databases.fresh_sqlite(None, tmp_path)
        return
    assert RUN.postgres is not None
    url = await databases.fresh_postgres(RUN.postgres, migrated=False)
    yield url
    await databases.drop_postgres(RUN.postgres, url)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = make_database(database_url)
    yield db
    await db.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}")
