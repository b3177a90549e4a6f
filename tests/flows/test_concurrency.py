"""One user's events never interleave, within a process (lock) or across processes (version)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator
from typing import cast

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from core.clock import ManualClock
from core.config import Settings
from core.db import Database, make_database
from core.i18n import Text, t
from core.models import ConversationState
from flows.context import Context
from flows.engine import MAX_ATTEMPTS, ConversationEngine
from flows.events import Event
from flows.locks import KeyedLock
from flows.notices import SOMETHING_WENT_WRONG
from flows.replies import Outcome
from flows.routing import Command, Flow
from flows.state import StateConflict, load_state, save_state
from tests.support.chat import compiled_catalogs

USER = 61
COUNTED = "Compté\u202f: {n}"


class Counter:
    """A flow whose /count increments a number in the state, watching how handlers overlap.

    With `hold_first=n`, the first n runs wait for one another after reading the
    state, so that n writers are certain to have read the same version.
    """

    def __init__(self, hold_first: int = 0) -> None:
        self.runs = 0
        self.inside = 0
        self.most_inside = 0
        self._hold_first = hold_first
        self._arrived = 0
        self._all_in = asyncio.Event()

    def flow(self) -> Flow:
        return Flow(name="counter", commands={"count": Command(self._count)})

    async def _count(self, ctx: Context) -> None:
        self.runs += 1
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)
        try:
            value = int(ctx.data.get("count", 0))
            if self._arrived < self._hold_first:
                self._arrived += 1
                if self._arrived == self._hold_first:
                    self._all_in.set()
                await self._all_in.wait()
            else:
                await asyncio.sleep(0)
            ctx.data["count"] = value + 1
            ctx.say(t(COUNTED, n=value + 1))
        finally:
            self.inside -= 1


@pytest.fixture
async def second_database(database_url: str) -> AsyncIterator[Database]:
    """The same database through another engine and pool, as a second process has."""
    other = make_database(database_url)
    yield other
    await other.dispose()


def _engine(
    database: Database, clock: ManualClock, settings: Settings, counter: Counter
) -> ConversationEngine:
    return ConversationEngine(database, clock, settings, compiled_catalogs(), [counter.flow()])


async def _count(database: Database, user_id: int = USER) -> int:
    async with database.reading() as session:
        state = await session.get(ConversationState, user_id)
    assert state is not None
    return int(state.data["count"])


def _counted(outcome: Outcome) -> int:
    """The number a /count answered with (an error reply would fail here)."""
    [reply] = outcome.replies
    assert isinstance(reply.text, Text), reply
    assert reply.text.msgid == COUNTED, reply.text
    return int(cast(int, reply.text.args["n"]))


async def test_one_process_handles_a_user_events_one_at_a_time_in_order(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    counter = Counter()
    engine = _engine(database, clock, settings, counter)

    outcomes = await asyncio.gather(
        *(engine.handle(Event.command(USER, "count")) for _ in range(8))
    )

    assert counter.most_inside == 1
    assert counter.runs == 8
    assert [_counted(outcome) for outcome in outcomes] == list(range(1, 9))
    assert await _count(database) == 8


async def test_two_processes_never_lose_an_update(
    database: Database, second_database: Database, clock: ManualClock, settings: Settings
) -> None:
    counter = Counter()
    first = _engine(database, clock, settings, counter)
    second = _engine(second_database, clock, settings, counter)

    for round_ in range(6):
        outcomes = await asyncio.gather(
            first.handle(Event.command(USER, "count")), second.handle(Event.command(USER, "count"))
        )
        assert sorted(_counted(outcome) for outcome in outcomes) == [2 * round_ + 1, 2 * round_ + 2]

    assert await _count(database) == 12


@pytest.mark.postgres_only
@pytest.mark.parametrize("existing_row", [True, False], ids=["existing-user", "new-user"])
async def test_a_conflicting_save_reruns_the_event_on_fresh_state(
    database: Database,
    second_database: Database,
    clock: ManualClock,
    settings: Settings,
    existing_row: bool,
) -> None:
    # SQLite cannot get here: its writers queue at BEGIN IMMEDIATE, before reading.
    setup = Counter()
    if existing_row:
        await _engine(database, clock, settings, setup).handle(Event.command(USER, "count"))
    start = setup.runs
    counter = Counter(hold_first=2)
    first = _engine(database, clock, settings, counter)
    second = _engine(second_database, clock, settings, counter)

    outcomes = await asyncio.gather(
        first.handle(Event.command(USER, "count")), second.handle(Event.command(USER, "count"))
    )

    assert counter.runs == 3, "both read the same version; the loser ran again"
    assert await _count(database) == start + 2
    assert sorted(_counted(outcome) for outcome in outcomes) == [start + 1, start + 2]


async def test_a_redelivery_racing_the_original_is_processed_once(
    database: Database, second_database: Database, clock: ManualClock, settings: Settings
) -> None:
    counter = Counter()
    first = _engine(database, clock, settings, counter)
    second = _engine(second_database, clock, settings, counter)
    event = Event.command(USER, "count", update_id=990_001)

    outcomes = await asyncio.gather(first.handle(event), second.handle(event))

    assert sorted(len(outcome.replies) for outcome in outcomes) == [0, 1]
    assert await _count(database) == 1


async def test_saving_against_an_old_version_conflicts(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        await save_state(session, await load_state(session, USER), clock.now())
    async with database.transaction() as session:
        stale = await load_state(session, USER)
    async with database.transaction() as session:
        fresh = await load_state(session, USER)
        fresh.data["winner"] = True
        await save_state(session, fresh, clock.now())

    stale.data["loser"] = True
    async with database.transaction() as session:
        with pytest.raises(StateConflict):
            await save_state(session, stale, clock.now())

    async with database.reading() as session:
        saved = await load_state(session, USER)
    assert (saved.version, saved.data) == (2, {"winner": True})


async def test_creating_the_same_user_twice_conflicts(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        first = await load_state(session, USER)
    async with database.transaction() as session:
        await save_state(session, await load_state(session, USER), clock.now())
    with pytest.raises(StateConflict):
        async with database.transaction() as session:
            await save_state(session, first, clock.now())


def _lock_sqlite_file(database_url: str) -> sqlite3.Connection:
    """Another process taking SQLite's write lock; COMMIT on the result releases it."""
    other_process = sqlite3.connect(str(make_url(database_url).database), isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")
    return other_process


@pytest.mark.sqlite_only
async def test_sqlite_locked_by_another_process_is_waited_for_off_the_loop(
    database: Database, database_url: str, clock: ManualClock, settings: Settings
) -> None:
    # Statements run on the loop; one finding the file locked must wait in a thread.
    other_process = _lock_sqlite_file(database_url)
    engine = _engine(database, clock, settings, Counter())
    handling = asyncio.create_task(engine.handle(Event.command(USER, "count")))

    started = time.monotonic()
    for _ in range(10):
        await asyncio.sleep(0.01)
    assert time.monotonic() - started < 1, "the loop kept running meanwhile"
    assert not handling.done(), "the event waits for the lock"

    other_process.execute("COMMIT")
    assert _counted(await asyncio.wait_for(handling, 10)) == 1


@pytest.mark.sqlite_only
async def test_a_writer_cancelled_while_waiting_for_the_lock_leaves_sqlite_usable(
    database: Database, database_url: str, clock: ManualClock, settings: Settings
) -> None:
    other_process = _lock_sqlite_file(database_url)
    engine = _engine(database, clock, settings, Counter())
    waiting = asyncio.create_task(engine.handle(Event.command(USER, "count")))
    await asyncio.sleep(0.05)
    waiting.cancel()
    await asyncio.sleep(0.05)
    other_process.execute("COMMIT")
    # Its cleanup runs after the call it abandoned, not beside it.
    [cancelled] = await asyncio.wait_for(asyncio.gather(waiting, return_exceptions=True), 10)
    assert isinstance(cancelled, asyncio.CancelledError)

    outcomes = [await engine.handle(Event.command(USER, "count")) for _ in range(2)]
    assert [_counted(outcome) for outcome in outcomes] == [1, 2]


async def test_the_lock_table_forgets_idle_users() -> None:
    locks = KeyedLock()
    order: list[str] = []
    released = asyncio.Event()

    async def hold(key: int, name: str) -> None:
        async with locks.hold(key):
            order.append(name)
            if name == "a1":
                await released.wait()

    first = asyncio.create_task(hold(1, "a1"))
    await asyncio.sleep(0)
    waiting = asyncio.create_task(hold(1, "a2"))
    await hold(2, "b")
    await asyncio.sleep(0)
    assert order == ["a1", "b"], "another user is not blocked; the same user waits"
    assert len(locks) == 1
    released.set()
    await asyncio.gather(first, waiting)
    assert order == ["a1", "b", "a2"]
    assert len(locks) == 0


@pytest.mark.postgres_only
async def test_losing_every_save_gives_up_kindly(
    database: Database,
    second_database: Database,
    clock: ManualClock,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # SQLite cannot get here: a second writer would wait for this event's transaction.
    runs = 0

    async def outrun(ctx: Context) -> None:
        nonlocal runs
        runs += 1
        async with second_database.transaction() as session:
            rival = await load_state(session, ctx.event.user_id)
            await save_state(session, rival, clock.now())
        ctx.say(t("Compté\u202f: {n}", n=runs))

    flow = Flow(name="rival", commands={"count": Command(outrun)})
    engine = ConversationEngine(database, clock, settings, compiled_catalogs(), [flow])
    await _engine(database, clock, settings, Counter()).handle(Event.command(USER, "count"))

    with caplog.at_level(logging.ERROR, logger="passerelle.engine"):
        outcome = await engine.handle(Event.command(USER, "count", update_id=990_002))

    assert runs == MAX_ATTEMPTS
    assert [reply.text for reply in outcome.replies] == [SOMETHING_WENT_WRONG]
    assert "after 4 conflicting saves" in caplog.text
    assert await _count(database) == 1


def _race_lost(kind: type[DBAPIError], sqlstate: str | None = None) -> DBAPIError:
    """A driver error as SQLAlchemy wraps it, with the SQLSTATE PostgreSQL would give."""
    original = Exception("lost")
    original.sqlstate = sqlstate  # type: ignore[attr-defined]
    return kind("INSERT …", None, original)


@pytest.mark.parametrize(
    "error",
    [
        _race_lost(IntegrityError, "23505"),
        _race_lost(OperationalError, "40P01"),
        _race_lost(OperationalError, "40001"),
    ],
    ids=["unique-index", "deadlock", "serialization"],
)
async def test_an_event_that_lost_a_database_race_is_run_again(
    database: Database, clock: ManualClock, settings: Settings, error: DBAPIError
) -> None:
    runs = 0

    async def racing(ctx: Context) -> None:
        nonlocal runs
        runs += 1
        ctx.data["seen"] = runs
        if runs == 1:
            raise error
        ctx.say(t("Compté\u202f: {n}", n=runs))

    flow = Flow(name="racing", commands={"count": Command(racing)})
    engine = ConversationEngine(database, clock, settings, compiled_catalogs(), [flow])
    outcome = await engine.handle(Event.command(USER, "count"))

    assert runs == 2
    assert outcome.replies[0].text == t("Compté\u202f: {n}", n=2)
    async with database.reading() as session:
        state = await session.get(ConversationState, USER)
    assert state is not None
    assert state.data == {"seen": 2}, "the first run's changes were rolled back"


async def test_any_other_database_error_fails_once_and_kindly(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    runs = 0

    async def broken(ctx: Context) -> None:
        nonlocal runs
        runs += 1
        raise _race_lost(OperationalError, "53100")  # disk full: running again will not help

    flow = Flow(name="broken", commands={"count": Command(broken)})
    engine = ConversationEngine(database, clock, settings, compiled_catalogs(), [flow])
    outcome = await engine.handle(Event.command(USER, "count"))

    assert runs == 1
    assert [reply.text for reply in outcome.replies] == [SOMETHING_WENT_WRONG]
