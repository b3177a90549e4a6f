"""The database: one async engine per process, for SQLite (the embedded default) or PostgreSQL.

Writers on SQLite start with `BEGIN IMMEDIATE`. A deferred transaction that reads
and then writes can fail with "database is locked" when another writer got there
first, and the busy timeout does not help with that upgrade; taking the write
lock up front turns contention into a short wait instead. Read-only sessions keep
deferred transactions, so WAL readers never queue behind writers.

SQLite calls run on the event loop itself, not in aiosqlite's thread (see
`_LoopSQLite`): a statement on a local file takes microseconds, while the trip to
the thread and back costs about a hundred, four times per query, and under load
each trip also waits for the loop's turn while the write lock is held. Only a
call that finds the database locked by another process waits, in the thread.

Sessions are SQLAlchemy's `AsyncSession`. Queries use `sqlmodel.select` and
`sqlmodel.col(Model.field)`, which keep them typed under `mypy --strict`.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from threading import Thread
from typing import Any, cast

import aiosqlite
from sqlalchemy import event
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
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
        # Taken after the session is made and released before it closes (contexts exit
        # in reverse): held from BEGIN to COMMIT only. Closing the session runs in a
        # task of its own, and every other writer would wait through those loop turns.
        async with self._writer() as session, self._sqlite_writer, session.begin():
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


def make_database(url: str, *, sqlite_on_loop: bool = True, **engine_options: Any) -> Database:
    """The database at `url`. `sqlite_on_loop=False` keeps SQLite calls in aiosqlite's
    threads: for the staff panel, whose report queries scan whole tables and must not
    hold the event loop while other pages wait."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _ensure_sqlite_directory(parsed)
        if sqlite_on_loop:
            engine_options.setdefault("async_creator", _loop_sqlite_connector(parsed))
        engine = create_async_engine(parsed, **engine_options)
        _configure_sqlite(engine, busy_timeout_ms=0 if sqlite_on_loop else SQLITE_BUSY_TIMEOUT_MS)
    else:
        engine_options.setdefault("pool_size", 10)
        engine_options.setdefault("max_overflow", 10)
        # PostgreSQL compiles a query whose cost passes `jit_above_cost`, and the panel's
        # reports pass it: compiling took longer than running them (bench.admin_pages:
        # the dashboard's bookings count 2 s with JIT, under 1 s without; a youth search
        # 550 ms, 140 ms). Our statements are short; none gains from JIT.
        # The default random_page_cost (4) prices an index lookup for spinning disks: the
        # planner then hashed all 400,000 reminders to count a few slots' 2,000 (60 ms,
        # against 10 ms through the index). 1.1 is the usual value for SSDs.
        engine_options.setdefault(
            "connect_args", {"server_settings": {"jit": "off", "random_page_cost": "1.1"}}
        )
        engine = create_async_engine(parsed, **engine_options)
    return Database(engine)


def _ensure_sqlite_directory(url: URL) -> None:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: AsyncEngine, *, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below decide how transactions start,
        # instead of the sqlite3 module's implicit deferred BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # On the loop, 0: a locked database fails at once and `_LoopSQLite` waits in
        # its thread, with `SQLITE_BUSY_TIMEOUT_MS`.
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        # With WAL, NORMAL syncs at checkpoints only: a commit survives a crash of the
        # process, and at worst the last commits are lost if the machine loses power.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(_READ_ONLY, False)
        # Straight on the driver's cursor: `exec_driver_sql` would build a whole
        # execution context and result for a statement that returns nothing.
        cursor = connection.connection.cursor()
        try:
            cursor.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")
        finally:
            cursor.close()


class _LoopSQLite(aiosqlite.Connection):
    """aiosqlite's connection, with every call run at once on the event loop.

    aiosqlite sends each call (cursor, execute, fetch, close, commit) to a thread
    of the connection and wakes the loop with the result: about 100 µs of CPU
    each, and as many loop turns during which the process's write lock stays
    held. The statements here take microseconds, so they run in place.

    A call finding the database locked by another process (the admin, a second
    bot) must not block the loop: with the busy timeout at 0 it fails at once with
    SQLITE_BUSY, having done nothing, and runs again in the connection's thread,
    waiting up to `SQLITE_BUSY_TIMEOUT_MS` as every call did before. Until the
    thread has finished every call sent to it, the next calls go there too, in
    order: a caller cancelled while it waits leaves its call running there, and
    its cleanup (a rollback) must neither run beside it nor overtake it.
    """

    def __init__(self, connector: Callable[[], sqlite3.Connection], iter_chunk_size: int) -> None:
        super().__init__(connector, iter_chunk_size)
        # Counted by the loop and by the thread respectively: each has one writer.
        self._sent_to_thread = 0
        self._done_in_thread = 0

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or self._connection is None:
            raise ValueError("Connection closed")
        if self._sent_to_thread == self._done_in_thread:
            try:
                return fn(*args, **kwargs)
            except sqlite3.OperationalError as error:
                # Not SQLITE_BUSY_SNAPSHOT: SQLite's busy handler would not retry it either.
                if error.sqlite_errorcode not in (
                    sqlite3.SQLITE_BUSY,
                    sqlite3.SQLITE_BUSY_RECOVERY,
                ):
                    raise
        self._sent_to_thread += 1
        in_thread = cast("Callable[..., Awaitable[Any]]", super()._execute)
        return await in_thread(self._waiting_for_lock, fn, args, kwargs)

    def _waiting_for_lock(
        self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        """In the connection's thread: run `fn`, letting SQLite wait for the lock."""
        connection = self._conn
        try:
            connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            try:
                return fn(*args, **kwargs)
            finally:
                # Unless `fn` closed the connection.
                with suppress(sqlite3.ProgrammingError):
                    connection.execute("PRAGMA busy_timeout=0")
        finally:
            self._done_in_thread += 1


def _loop_sqlite_connector(url: URL) -> Callable[[], Any]:
    """The engine's `async_creator`: a `_LoopSQLite` on the URL's file, as aiosqlite opens it."""
    args, parsed = SQLiteDialect_aiosqlite().create_connect_args(url)
    options: dict[str, Any] = dict(parsed)
    # Used from the loop and, when waiting for a lock, from the connection's thread.
    options["check_same_thread"] = False
    # Busy handling is `_LoopSQLite`'s; sqlite3 would otherwise wait 5 s on the loop.
    options["timeout"] = 0

    def open_file() -> sqlite3.Connection:
        connection: sqlite3.Connection = sqlite3.connect(str(args[0]), **options)
        return connection

    async def connect() -> aiosqlite.Connection:
        connection = _LoopSQLite(open_file, iter_chunk_size=64)
        # As SQLAlchemy does for aiosqlite: its thread must not keep the process alive
        # (the connection holds one from aiosqlite 0.22, and was one before).
        cast("Thread", getattr(connection, "_thread", connection)).daemon = True
        return await connection

    return connect
