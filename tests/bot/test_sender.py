"""The paced sender in virtual time: spacing per bot and per chat, 429s, retries, failures.

`FakeTime` runs the sends as tasks and moves a fake monotonic clock (and the
product's `ManualClock` with it) straight to the next sleeper's wake-up once
every task is waiting, so seconds of pacing take no real time.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.sender import (
    ApiError,
    ApiFailure,
    Call,
    FailureKind,
    Sender,
    SendResult,
    SendStatus,
)
from core.clock import ManualClock

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
# Event-loop turns that let every woken task run until it waits again.
SETTLE_TURNS = 20


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.clock = ManualClock(START)
        self.sleeps: list[float] = []
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        woken = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + delay, next(self._order), woken))
        await woken

    async def run(self, *sends: Awaitable[SendResult]) -> list[SendResult]:
        """Run the sends concurrently, in the order given, to the end of virtual time."""
        tasks = [asyncio.ensure_future(send) for send in sends]
        while True:
            for _ in range(SETTLE_TURNS):
                await asyncio.sleep(0)
            if all(task.done() for task in tasks):
                return [task.result() for task in tasks]
            assert self._sleepers, "every send waits on something other than time"
            wake_at, _, woken = heapq.heappop(self._sleepers)
            self.advance_to(wake_at)
            woken.set_result(None)

    def advance_to(self, instant: float) -> None:
        if instant > self.now:
            self.clock.advance(timedelta(seconds=instant - self.now))
            self.now = instant


class FakeApi:
    """Records when each call starts; fails with the scripted failures, in order, per chat."""

    def __init__(self, time: FakeTime) -> None:
        self.time = time
        self.calls: list[tuple[int, str, float]] = []
        self._failures: dict[int, list[ApiFailure | Exception]] = {}
        self._message_ids = itertools.count(100)

    def fail(self, chat_id: int, *failures: ApiFailure | Exception) -> None:
        self._failures.setdefault(chat_id, []).extend(failures)

    def call(self, chat_id: int, label: str = "") -> Call:
        async def api_call() -> int:
            self.calls.append((chat_id, label, self.time.now))
            scripted = self._failures.get(chat_id)
            if scripted:
                failure = scripted.pop(0)
                if isinstance(failure, ApiFailure):
                    raise ApiError(failure)
                raise failure
            return next(self._message_ids)

        return api_call

    def starts(self, chat_id: int) -> list[float]:
        return [at for chat, _, at in self.calls if chat == chat_id]

    def labels(self, chat_id: int) -> list[str]:
        return [label for chat, label, _ in self.calls if chat == chat_id]


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def api(time: FakeTime) -> FakeApi:
    return FakeApi(time)


def make_sender(time: FakeTime, **options: Any) -> Sender:
    return Sender(clock=time.clock, sleep=time.sleep, monotonic=time.monotonic, **options)


def rate_limited(retry_after: float) -> ApiFailure:
    return ApiFailure(FailureKind.RATE_LIMITED, "Too Many Requests", retry_after=retry_after)


SERVER_ERROR = ApiFailure(FailureKind.SERVER, "Bad Gateway")
NETWORK_ERROR = ApiFailure(FailureKind.NETWORK, "connection reset")
BLOCKED = ApiFailure(FailureKind.BLOCKED, "Forbidden: bot was blocked by the user")
BAD_REQUEST = ApiFailure(FailureKind.BAD_REQUEST, "Bad Request: message is not modified")


def approx(values: list[float]) -> Any:
    return pytest.approx(values, abs=1e-9)


# -- pacing --------------------------------------------------------------------


async def test_one_chat_gets_one_call_a_second_in_order(time: FakeTime, api: FakeApi) -> None:
    sender = make_sender(time)
    results = await time.run(*(sender.send(1, api.call(1, label)) for label in "abc"))
    assert api.starts(1) == approx([0.0, 1.0, 2.0])
    assert api.labels(1) == ["a", "b", "c"]
    assert [result.message_id for result in results] == [100, 101, 102]
    assert all(result.sent and result.attempts == 1 for result in results)


async def test_sixty_chats_at_thirty_a_second_take_two_seconds(
    time: FakeTime, api: FakeApi
) -> None:
    sender = make_sender(time, per_second=30)
    await time.run(*(sender.send(chat, api.call(chat)) for chat in range(60)))
    starts = [at for _, _, at in api.calls]
    assert starts == approx([index / 30 for index in range(60)])
    assert starts[-1] == pytest.approx(59 / 30)


async def test_a_busy_chat_does_not_hold_up_the_others(time: FakeTime, api: FakeApi) -> None:
    sender = make_sender(time, per_second=10)
    sends = [sender.send(1, api.call(1)) for _ in range(3)]
    await time.run(*sends, sender.send(2, api.call(2)), sender.send(3, api.call(3)))
    assert api.starts(1) == approx([0.0, 1.0, 2.0])
    assert api.starts(2) == approx([0.1])
    assert api.starts(3) == approx([0.2])


async def test_calls_that_are_not_messages_skip_the_queue(time: FakeTime, api: FakeApi) -> None:
    sender = make_sender(time)
    await time.run(
        sender.send(1, api.call(1, "message")),
        sender.send(1, api.call(1, "message")),
        sender.send(1, api.call(1, "answer"), counts=False),
    )
    assert api.calls[1] == (1, "answer", 0.0), "answered at once, not after the messages"
    assert api.starts(1) == approx([0.0, 0.0, 1.0])


# -- 429 -----------------------------------------------------------------------


async def test_a_429_pauses_that_chat_only(time: FakeTime, api: FakeApi) -> None:
    sender = make_sender(time, per_second=10)
    api.fail(1, rate_limited(5))
    results = await time.run(
        sender.send(1, api.call(1, "first")),
        sender.send(1, api.call(1, "second")),
        sender.send(2, api.call(2)),
        sender.send(2, api.call(2)),
    )
    assert api.starts(1) == approx([0.0, 5.0, 6.0])
    assert api.labels(1) == ["first", "first", "second"], "the retry keeps its place"
    assert api.starts(2) == approx([0.1, 1.1])
    assert results[0].sent
    assert results[0].attempts == 2


async def test_429s_from_two_chats_pause_every_chat(time: FakeTime, api: FakeApi) -> None:
    sender = make_sender(time, per_second=10)
    api.fail(1, rate_limited(5))
    api.fail(2, rate_limited(5))
    results = await time.run(
        sender.send(1, api.call(1)), sender.send(2, api.call(2)), sender.send(3, api.call(3))
    )
    # Chat 3 had the slot at 0.2 s, but the second 429, at 0.1 s, paused everyone until
    # 5.1 s: then the two retries and chat 3's send share the bot-wide pace.
    assert api.starts(1)[0] == 0.0
    assert api.starts(2)[0] == pytest.approx(0.1)
    later = sorted([api.starts(1)[1], api.starts(2)[1], *api.starts(3)])
    assert later == approx([5.1, 5.2, 5.3])
    assert all(result.sent for result in results)


async def test_two_429s_for_one_chat_pause_only_that_chat(time: FakeTime, api: FakeApi) -> None:
    sender = make_sender(time, per_second=10)
    api.fail(1, rate_limited(2), rate_limited(2))
    results = await time.run(
        sender.send(1, api.call(1, "message")),
        sender.send(1, api.call(1, "answer"), counts=False),
        *(sender.send(2, api.call(2)) for _ in range(3)),
    )
    assert api.labels(1)[:2] == ["message", "answer"], "both limited at 0 s"
    assert api.starts(2) == approx([0.1, 1.1, 2.1])
    assert all(result.sent for result in results)


async def test_429s_after_the_first_window_ended_pause_only_their_chat(
    time: FakeTime, api: FakeApi
) -> None:
    sender = make_sender(time, per_second=10)
    api.fail(1, rate_limited(1))
    await time.run(sender.send(1, api.call(1)))
    api.fail(2, rate_limited(1))
    await time.run(sender.send(2, api.call(2)), sender.send(3, api.call(3)))
    # Chat 1's window ran from 0 to 1 s; chat 2's 429 came at 1.1 s.
    assert api.starts(2) == approx([1.1, 2.1])
    assert api.starts(3) == approx([1.2]), "not paused: chat 1's window was over"


async def test_a_long_retry_after_is_left_to_the_outbox(time: FakeTime, api: FakeApi) -> None:
    sender = make_sender(time, max_wait=60)
    api.fail(1, rate_limited(300))
    first, queued = await time.run(sender.send(1, api.call(1)), sender.send(1, api.call(1)))
    assert first.status == SendStatus.RETRY_LATER
    assert first.retry_at == START + timedelta(seconds=300)
    assert first.attempts == 1
    assert first.failure == rate_limited(300)
    assert queued.status == SendStatus.RETRY_LATER, "the chat is still paused"
    assert (queued.attempts, queued.retry_at) == (0, START + timedelta(seconds=300))
    assert len(api.calls) == 1
    assert max(time.sleeps, default=0.0) <= 60


async def test_endless_429s_stop_after_max_attempts(time: FakeTime, api: FakeApi) -> None:
    sender = make_sender(time, max_attempts=3)
    api.fail(1, *[rate_limited(2)] * 5)
    [result] = await time.run(sender.send(1, api.call(1)))
    assert api.starts(1) == approx([0.0, 2.0, 4.0])
    assert result.status == SendStatus.RETRY_LATER
    assert result.attempts == 3
    assert result.retry_at == START + timedelta(seconds=6)


# -- server and network errors -------------------------------------------------


async def test_server_errors_back_off_exponentially_then_retry_later(
    time: FakeTime, api: FakeApi
) -> None:
    sender = make_sender(time, per_chat_interval=0.1, backoff=1, backoff_cap=3, max_attempts=4)
    api.fail(1, *[SERVER_ERROR] * 4)
    [result] = await time.run(sender.send(1, api.call(1)))
    # Waits of 1, 2, then 3 (4 capped); the next one would be 3 (8 capped).
    assert api.starts(1) == approx([0.0, 1.0, 3.0, 6.0])
    assert result.status == SendStatus.RETRY_LATER
    assert result.failure == SERVER_ERROR
    assert result.attempts == 4
    assert result.retry_at == START + timedelta(seconds=6 + 3)


async def test_a_network_error_is_retried_until_it_goes_through(
    time: FakeTime, api: FakeApi
) -> None:
    sender = make_sender(time, per_chat_interval=0)
    api.fail(1, NETWORK_ERROR, NETWORK_ERROR)
    [result] = await time.run(sender.send(1, api.call(1)))
    assert api.starts(1) == approx([0.0, 0.5, 1.5])
    assert result.sent
    assert (result.message_id, result.attempts, result.failure) == (100, 3, None)


# -- final failures ------------------------------------------------------------


async def test_a_blocked_bot_is_reported_once_and_never_retried(
    time: FakeTime, api: FakeApi
) -> None:
    blocked_chats: list[int] = []

    async def on_blocked(chat_id: int) -> None:
        blocked_chats.append(chat_id)

    sender = make_sender(time, on_blocked=on_blocked)
    api.fail(7, BLOCKED)
    [result] = await time.run(sender.send(7, api.call(7)))
    assert result.status == SendStatus.FAILED
    assert result.blocked
    assert not result.sent
    assert result.failure == BLOCKED
    assert blocked_chats == [7]
    assert len(api.calls) == 1


async def test_a_bad_request_is_logged_and_fails_at_once(
    time: FakeTime, api: FakeApi, caplog: pytest.LogCaptureFixture
) -> None:
    sender = make_sender(time)
    api.fail(1, BAD_REQUEST)
    with caplog.at_level(logging.WARNING, logger="passerelle.sender"):
        [result] = await time.run(sender.send(1, api.call(1)))
    assert result.status == SendStatus.FAILED
    assert not result.blocked
    assert (result.failure, result.attempts) == (BAD_REQUEST, 1)
    assert len(api.calls) == 1
    assert time.sleeps == []
    assert "message is not modified" in caplog.text


async def test_a_bug_in_the_call_propagates_and_frees_the_chat(
    time: FakeTime, api: FakeApi
) -> None:
    sender = make_sender(time)
    api.fail(1, KeyError("chat_id"))
    with pytest.raises(KeyError):
        await time.run(sender.send(1, api.call(1)))
    [result] = await time.run(sender.send(1, api.call(1)))
    assert result.sent
    assert api.starts(1) == approx([0.0, 1.0])


# -- memory --------------------------------------------------------------------


async def test_chats_idle_for_a_minute_are_forgotten(time: FakeTime, api: FakeApi) -> None:
    sender = make_sender(time, per_second=1000)
    await time.run(*(sender.send(chat, api.call(chat)) for chat in range(500)))
    assert len(sender._chats) == 500
    time.advance_to(61.0)
    await time.run(sender.send(1, api.call(1)), sender.send(1, api.call(1)))
    assert list(sender._chats) == [1], "only the chat in use is kept"
    assert api.starts(1)[-2:] == approx([61.0, 62.0]), "and still paced"
