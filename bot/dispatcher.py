"""The reminder dispatcher: sends the outbox's due messages through the paced sender.

An APScheduler job ticks every `DISPATCH_INTERVAL`. A tick claims due rows in
batches (`core.outbox.claim_due`), composes each in its youth's language
(`flows.outbox_messages`), sends it, and records how it went as soon as it
settles, so a crash leaves at most the messages claimed and not yet recorded
(two batches at most) to be sent again. It runs
inside `python -m bot run`, or alone as `python -m bot dispatcher`; any number of
processes may run it against one database (DESIGN.md §6, §10).

APScheduler keeps no job store here: the outbox is the shared state, and each
process's scheduler only decides when that process looks at it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.delivery import deliver
from bot.port import TelegramPort
from bot.sender import Sender, SendResult, SendStatus
from core.clock import Clock
from core.config import Settings
from core.db import Database
from core.i18n import Catalogs
from core.models import Reminder
from core.outbox import Delivery, DeliveryStatus, claim_due, record_deliveries
from flows.outbox_messages import Composed, Skipped, compose_all
from flows.render import render

log = logging.getLogger("passerelle.dispatcher")

# How long a stop waits for the batch on its way before leaving it to the leases.
STOP_SECONDS = 30.0


def worker_name() -> str:
    """Who holds a claim, as the outbox history shows it: host, process, and a nonce."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Dispatcher:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        settings: Settings,
        catalogs: Catalogs,
        sender: Sender,
        port: TelegramPort,
        *,
        worker: str | None = None,
    ) -> None:
        self._database = database
        self._clock = clock
        self._settings = settings
        self._catalogs = catalogs
        self._sender = sender
        self._port = port
        self.worker = worker or worker_name()
        self._recorder = _Recorder(database, clock, self.worker)
        self._draining: asyncio.Task[int] | None = None
        self._stopping = False

    # -- one pass ----------------------------------------------------------------------

    async def drain(self) -> int:
        """Send batches until nothing is due (or the dispatcher stops); how many were claimed.

        The next batch is claimed and composed while the one before is being sent, so
        the sender never waits on the database between batches: at Telegram's pace
        that gap would be lost time. At most two batches are claimed and unrecorded at
        once: the one being sent and the one just claimed.
        """
        total = 0
        sending: asyncio.Task[None] | None = None
        try:
            while not self._stopping:
                batch = await self._claim()
                if sending is not None:
                    await sending
                    sending = None
                    # The batch just sent is written down before the next one goes, so
                    # the next claim still leaves at most two batches unrecorded.
                    await self._recorder.flush()
                if not batch:
                    break
                total += len(batch)
                sending = asyncio.create_task(self._send_batch(batch))
                if len(batch) < self._settings.dispatch_batch:
                    break
        finally:
            if sending is not None:
                await sending
            await self._recorder.flush()
        return total

    async def _claim(self) -> list[tuple[Reminder, Composed | Skipped]]:
        now = self._clock.now()
        async with self._database.transaction() as session:
            claimed = await claim_due(
                session,
                now=now,
                worker=self.worker,
                limit=self._settings.dispatch_batch,
                lease=timedelta(seconds=self._settings.dispatch_lease),
                renew=self._recorder.unrecorded,
            )
        self._recorder.hold(_id(message) for message in claimed)
        if not claimed:
            return []
        async with self._database.reading() as session:
            composed = await compose_all(session, claimed, now)
        return [(message, composed[_id(message)]) for message in claimed]

    async def _send_batch(self, batch: list[tuple[Reminder, Composed | Skipped]]) -> None:
        # Concurrently: the sender paces them, and keeps one chat's messages in order.
        await asyncio.gather(*(self._settle(message, composed) for message, composed in batch))

    async def _settle(self, message: Reminder, composed: Composed | Skipped) -> None:
        try:
            if isinstance(composed, Skipped):
                delivery = Delivery(DeliveryStatus.SKIPPED, reason=composed.reason)
            else:
                delivery = _as_delivery(await self._send(composed))
        except Exception as error:
            log.exception("Could not send outbox message %s", message.id)
            delivery = Delivery(
                DeliveryStatus.RETRY,
                reason=f"error: {type(error).__name__}",
                retry_at=self._clock.now() + timedelta(minutes=1),
            )
        self._recorder.add(_id(message), delivery)

    async def _send(self, composed: Composed) -> SendResult:
        tz = self._settings.tz
        result = SendResult(SendStatus.SENT, attempts=0)
        calls = 0
        for reply in composed.replies:
            rendered = render(reply, composed.locale, self._catalogs, tz)
            result = await deliver(self._sender, self._port, composed.chat_id, rendered)
            calls += result.attempts
            if not result.sent:
                break
        return replace(result, attempts=calls)

    # -- running -------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Tick until `stop` is set, then let the batch on its way finish."""
        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(
            self._tick,
            "interval",
            seconds=self._settings.dispatch_interval,
            id="outbox",
            next_run_time=datetime.now(UTC),
            coalesce=True,
            max_instances=1,
        )
        scheduler.start()
        log.info(
            "Dispatcher %s ticking every %.1f s", self.worker, self._settings.dispatch_interval
        )
        try:
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            await self.stop()

    async def stop(self) -> None:
        self._stopping = True
        draining = self._draining
        if draining is None or draining.done():
            return
        try:
            async with asyncio.timeout(STOP_SECONDS):
                await asyncio.shield(draining)
        except TimeoutError:
            log.warning("Stopped with outbox messages in flight; their leases will expire")
            draining.cancel()

    async def _tick(self) -> None:
        # A tick only starts a pass: one still sending a large batch keeps going, and
        # the scheduler never piles ticks up behind it.
        if self._stopping or (self._draining is not None and not self._draining.done()):
            return
        self._draining = asyncio.create_task(self._drain_logging_errors())

    async def _drain_logging_errors(self) -> int:
        try:
            return await self.drain()
        except Exception:
            # The database may be down for a moment: the next tick tries again.
            log.exception("Dispatcher pass failed")
            return 0


class _Recorder:
    """Writes how sends went as soon as they settle, many in one transaction under load.

    One write per message would make the database the bottleneck at Telegram's pace
    (on SQLite, one writer at a time); one per batch would leave a whole batch to
    send again after a crash. Here whatever settled while the last write ran goes in
    the next one: immediate when quiet, grouped when busy.
    """

    def __init__(self, database: Database, clock: Clock, worker: str) -> None:
        self._database = database
        self._clock = clock
        self._worker = worker
        self._waiting: dict[int, Delivery] = {}
        self._writing: asyncio.Task[None] | None = None
        # Claimed and not recorded yet: their leases are renewed at each claim.
        self.unrecorded: set[int] = set()

    def hold(self, reminder_ids: Iterable[int]) -> None:
        self.unrecorded.update(reminder_ids)

    def add(self, reminder_id: int, delivery: Delivery) -> None:
        self._waiting[reminder_id] = delivery
        if self._writing is None or self._writing.done():
            self._writing = asyncio.create_task(self._write_all())

    async def flush(self) -> None:
        while self._writing is not None and not self._writing.done():
            await asyncio.shield(self._writing)

    async def _write_all(self) -> None:
        while self._waiting:
            deliveries, self._waiting = self._waiting, {}
            try:
                async with self._database.transaction() as session:
                    await record_deliveries(
                        session, deliveries, worker=self._worker, now=self._clock.now()
                    )
            except Exception:
                # Their leases run out and another pass takes them again.
                log.exception("Could not record how %d outbox messages went", len(deliveries))
            finally:
                self.unrecorded.difference_update(deliveries)


def _id(message: Reminder) -> int:
    assert message.id is not None
    return message.id


def _as_delivery(result: SendResult) -> Delivery:
    failure = result.failure
    reason = f"{failure.kind.value}: {failure.description}" if failure is not None else None
    if result.status == SendStatus.SENT:
        return Delivery(DeliveryStatus.SENT, calls=result.attempts, message_id=result.message_id)
    if result.status == SendStatus.RETRY_LATER:
        return Delivery(
            DeliveryStatus.RETRY,
            calls=result.attempts,
            reason=reason or "chat paused by Telegram",
            retry_at=result.retry_at,
        )
    return Delivery(DeliveryStatus.FAILED, calls=result.attempts, reason=reason)
