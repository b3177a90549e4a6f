"""The database: one async engine per process, for SQLite (the embedded default) or PostgreSQL.

Writers on SQLite start with `BEGIN IMMEDIATE`. A deferred transaction that reads
and then writes can fail with "database is locked" when another writer got there
first, and the busy timeout does not help with that upgrade; taking the write
lock up front turns contention into a short wait instead. Read-only sessions keep
deferred transactions, so WAL readers never queue behind writers.

Sessions are SQLAlchemy's `AsyncSession`. Queries use `sqlmodel.select` and
`sqlmodel.col(Model.field)`, which keep them typed under `mypy --strict`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 15_000
# PostgreSQL aborts one side of a deadlock (40P01) or of a serialization conflict
# (40001); the whole unit of work is safe to run again from the start.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
_READ_ONLY = "passerelle_read_only"


class Database:
    """An engine and its session factories. Build it with `make_database(url)`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.url: URL = engine.url
        self._sqlite_writer = asyncio.Lock() if self.is_sqlite else None
        self._writer = async_sessionmaker(engine, expire_on_commit=False)
        self._reader = async_sessionmaker(
            engine.execution_options(**{_READ_ONLY: True}),
            expire_on_commit=False,
        )

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def is_postgresql(self) -> bool:
        return self.url.get_backend_name() == "postgresql"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits when the block ends, rolls back if it raises."""
        if self._sqlite_writer is None:
            async with self._writer() as session, session.begin():
                yield session
            return
        # SQLite has one writer at a time. Queueing this process's writers here hands
        # the lock over at once, instead of each waiting connection sleeping and
        # polling in SQLite's busy handler; other processes still meet the busy timeout.
        async with self._sqlite_writer, self._writer() as session, session.begin():
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A read-only session; on SQLite it never takes the write lock."""
        async with self._reader() as session, session.begin():
            yield session

    def session(self) -> AsyncSession:
        """A bare writer session, for callers that manage commits themselves (migrations, tests)."""
        return self._writer()

    async def dispose(self) -> None:
        await self.engine.dispose()


def lost_a_race(error: DBAPIError) -> bool:
    """The transaction lost to a concurrent one (deadlock, serialization): re-run it."""
    return getattr(error.orig, "sqlstate", None) in RETRYABLE_SQLSTATES


def make_database(url: str, **engine_options: Any) -> Database:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _ensure_sqlite_directory(parsed)
        engine = create_async_engine(parsed, **engine_options)
        _configure_sqlite(engine)
    else:
        engine_options.setdefault("pool_size", 10)
        engine_options.setdefault("max_overflow", 10)
        engine = create_async_engine(parsed, **engine_options)
    return Database(engine)


def _ensure_sqlite_directory(url: URL) -> None:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below decide how transactions start,
        # instead of the sqlite3 module's implicit deferred BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(_READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
