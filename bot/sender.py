"""The one paced sender every outgoing Telegram call goes through (DESIGN.md §7).

Telegram allows about 30 messages a second per bot and one a second per chat,
and answers 429 with a `retry_after` beyond that. PTB's rate limiter ignores the
per-chat limit and aiogram has none, so both adapters and the reminder
dispatcher share this sender instead. An adapter wraps one API call in a
`Call` and translates its library's exceptions into `ApiError`; the sender
decides when that call runs and whether it runs again. It imports neither
framework, so both adapters and the tests use it as it is.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from core.clock import Clock

logger = logging.getLogger("passerelle.sender")

# One API call; returns the id of the message it sent or edited, if any.
Call = Callable[[], Awaitable[int | None]]

# How often the state of idle chats is dropped, in seconds: memory follows the
# chats active lately, not every chat ever written to.
_FORGET_IDLE_EVERY = 60.0


class FailureKind(StrEnum):
    RATE_LIMITED = "rate_limited"  # 429: wait `retry_after`
    BLOCKED = "blocked"  # 403: the youth blocked the bot or deleted their account
    BAD_REQUEST = "bad_request"  # 400: this call will never succeed as it is
    SERVER = "server"  # 5xx: Telegram's side, worth retrying
    NETWORK = "network"  # no answer at all, worth retrying


@dataclass(frozen=True)
class ApiFailure:
    kind: FailureKind
    description: str
    retry_after: float | None = None


class ApiError(Exception):
    """A Telegram failure, as an adapter translated it from its library's exception."""

    def __init__(self, failure: ApiFailure) -> None:
        super().__init__(f"{failure.kind}: {failure.description}")
        self.failure = failure


class SendStatus(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    RETRY_LATER = "retry_later"


@dataclass(frozen=True)
class SendResult:
    """What the outbox records: sent with its message id, failed and why, or retry at."""

    status: SendStatus
    message_id: int | None = None
    failure: ApiFailure | None = None
    # API calls made; 0 when the chat was paused for longer than the sender waits in line.
    attempts: int = 1
    retry_at: datetime | None = None

    @property
    def sent(self) -> bool:
        return self.status == SendStatus.SENT

    @property
    def blocked(self) -> bool:
        return self.failure is not None and self.failure.kind == FailureKind.BLOCKED


class _Chat:
    """Pacing state of one chat, in `monotonic` seconds."""

    def __init__(self) -> None:
        # asyncio.Lock hands over to its waiters in arrival order: one chat's calls
        # run one at a time, in the order they were sent.
        self.lock = asyncio.Lock()
        self.next_call_at = 0.0
        self.paused_until = 0.0
        # Sends holding or waiting for the lock: the state must not be forgotten under them.
        self.users = 0


class Sender:
    """Paces calls bot-wide and per chat, and retries them; shared by everything that sends.

    The pacing state lives in this process: several processes behind one bot token
    would each need a share of the limits (DESIGN.md §10).
    """

    def __init__(
        self,
        *,
        clock: Clock,
        per_second: float = 30.0,
        per_chat_interval: float = 1.0,
        max_attempts: int = 4,
        backoff: float = 0.5,
        backoff_cap: float = 30.0,
        max_wait: float = 60.0,
        on_blocked: Callable[[int], Awaitable[None]] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_second <= 0 or max_attempts < 1:
            raise ValueError("per_second must be positive and max_attempts at least 1")
        self._clock = clock
        self._spacing = 1.0 / per_second
        self._per_chat_interval = per_chat_interval
        self._max_attempts = max_attempts
        self._backoff = backoff
        self._backoff_cap = backoff_cap
        self._max_wait = max_wait
        self._on_blocked = on_blocked
        self._sleep = sleep
        self._monotonic = monotonic
        self._chats: dict[int, _Chat] = {}
        self._next_forget_at = monotonic() + _FORGET_IDLE_EVERY
        # The next free slot of the bot-wide schedule, one every `_spacing` seconds.
        self._next_slot_at = 0.0
        # Set when Telegram signals the bot-wide limit: every chat waits until then.
        self._all_paused_until = 0.0
        # Chats answered 429 whose retry_after has not run out yet, with when it does.
        self._rate_limited_until: dict[int, float] = {}

    async def send(self, chat_id: int, call: Call, *, counts: bool = True) -> SendResult:
        """Run `call` for `chat_id` when the limits allow, retrying what is worth retrying.

        `counts=False` is for calls Telegram does not count as messages
        (answerCallbackQuery, setMyCommands...): they skip the queue and the pacing.
        """
        if not counts:
            return await self._call_until_settled(chat_id, call, None)
        chat = self._chats.setdefault(chat_id, _Chat())
        chat.users += 1
        try:
            async with chat.lock:
                return await self._call_until_settled(chat_id, call, chat)
        finally:
            chat.users -= 1
            self._forget_idle_chats_now_and_then()

    async def _call_until_settled(self, chat_id: int, call: Call, chat: _Chat | None) -> SendResult:
        attempts = 0
        while True:
            if chat is not None:
                still_paused = await self._wait_turn(chat)
                if still_paused is not None:
                    return self._retry_later(still_paused, attempts, None)
            attempts += 1
            try:
                message_id = await call()
            except ApiError as error:
                failure = error.failure
            else:
                return SendResult(SendStatus.SENT, message_id=message_id, attempts=attempts)
            outcome = await self._after_failure(chat_id, failure, attempts)
            if isinstance(outcome, SendResult):
                return outcome
            await self._sleep(outcome)

    async def _after_failure(
        self, chat_id: int, failure: ApiFailure, attempts: int
    ) -> SendResult | float:
        """The final result, or how long to wait before the call runs again."""
        if failure.kind == FailureKind.BLOCKED:
            if self._on_blocked is not None:
                await self._on_blocked(chat_id)
            return SendResult(SendStatus.FAILED, failure=failure, attempts=attempts)
        if failure.kind == FailureKind.BAD_REQUEST:
            logger.warning("Telegram refused a call to chat %s: %s", chat_id, failure.description)
            return SendResult(SendStatus.FAILED, failure=failure, attempts=attempts)
        if failure.kind == FailureKind.RATE_LIMITED and failure.retry_after is not None:
            delay = failure.retry_after
            self._pause_after_429(chat_id, delay)
        else:
            delay = self._backoff_delay(attempts)
        if attempts >= self._max_attempts or delay > self._max_wait:
            return self._retry_later(delay, attempts, failure)
        logger.info("Retrying a call to chat %s in %.2f s after %s", chat_id, delay, failure)
        return delay

    def _backoff_delay(self, failed_attempts: int) -> float:
        return float(min(self._backoff * 2 ** (failed_attempts - 1), self._backoff_cap))

    def _retry_later(self, delay: float, attempts: int, failure: ApiFailure | None) -> SendResult:
        return SendResult(
            SendStatus.RETRY_LATER,
            failure=failure,
            attempts=attempts,
            retry_at=self._clock.now() + timedelta(seconds=delay),
        )

    # -- pacing ----------------------------------------------------------------

    async def _wait_turn(self, chat: _Chat) -> float | None:
        """Wait until this chat may make a call; the pause left if longer than `max_wait`.

        No lock is held here but the chat's own, so other chats proceed meanwhile.
        """
        while True:
            now = self._monotonic()
            ready_at = max(chat.next_call_at, chat.paused_until, self._all_paused_until)
            if ready_at > now:
                if ready_at - now > self._max_wait:
                    return ready_at - now
                await self._sleep(ready_at - now)
                continue
            slot_at = self._reserve_slot(now)
            if slot_at > now:
                await self._sleep(slot_at - now)
            # A 429 may have paused this chat or every chat while it waited for its slot.
            now = self._monotonic()
            if max(chat.paused_until, self._all_paused_until) <= now:
                chat.next_call_at = now + self._per_chat_interval
                return None

    def _reserve_slot(self, now: float) -> float:
        """Take the next slot of the bot-wide schedule: calls are evenly spaced."""
        slot_at = max(now, self._next_slot_at)
        self._next_slot_at = slot_at + self._spacing
        return slot_at

    def _pause_after_429(self, chat_id: int, retry_after: float) -> None:
        """Pause the chat; pause every chat when another one is still paused by a 429 too.

        Two chats limited within one retry_after window means the bot as a whole
        went over its limit, not one chat.
        """
        now = self._monotonic()
        until = now + retry_after
        self._rate_limited_until = {
            other: other_until
            for other, other_until in self._rate_limited_until.items()
            if other_until > now and other != chat_id
        }
        if self._rate_limited_until:
            logger.warning("Bot-wide rate limit: every chat waits %.1f s", retry_after)
            self._all_paused_until = max(self._all_paused_until, until)
        self._rate_limited_until[chat_id] = until
        chat = self._chats.setdefault(chat_id, _Chat())
        chat.paused_until = max(chat.paused_until, until)

    def _forget_idle_chats_now_and_then(self) -> None:
        """Drop the state of chats nobody is sending to and that are free to receive.

        A sweep visits every chat, so it runs once a minute at most.
        """
        now = self._monotonic()
        if now < self._next_forget_at:
            return
        self._next_forget_at = now + _FORGET_IDLE_EVERY
        self._chats = {
            chat_id: chat
            for chat_id, chat in self._chats.items()
            if chat.users > 0 or max(chat.next_call_at, chat.paused_until) > now
        }
