"""The outbox's state changes: skipping, claiming due messages, and recording how sending went.

Every change is also appended to the row's `history`, which coordinators read to
see what happened to one message (DESIGN.md §6).

Several dispatcher processes share the table (DESIGN.md §10). A process claims
due rows by writing its name and a lease time on them; another process does not
take a row while its lease runs. A process that crashed leaves leases that run
out, and its rows become claimable again: at most the rows it had in flight can
go out twice. A row waiting to be retried carries the retry time as its lease,
with no owner.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.models import OutboxStatus, Reminder

# After this many calls to Telegram for one message, over all its claims, it is
# failed for good: a message still refused after a day of retries will not go out.
MAX_DELIVERY_ATTEMPTS = 8


def _log(reminder: Reminder, now: datetime, event: str, detail: str | None = None) -> None:
    entry = {"at": now.isoformat(), "event": event}
    if detail is not None:
        entry["detail"] = detail
    # A new list, so the ORM sees the JSON column change.
    reminder.history = [*reminder.history, entry]


def skip(reminder: Reminder, now: datetime, reason: str) -> None:
    """The message will never be sent; say why, in its status and its history."""
    reminder.status = OutboxStatus.SKIPPED
    reminder.skip_reason = reason
    reminder.lease_until = None
    _log(reminder, now, "skipped", reason)


async def skip_pending(
    session: AsyncSession, which: ColumnElement[bool], now: datetime, reason: str
) -> None:
    """Skip every pending message matching `which` (a booking's, a youth's)."""
    statement = select(Reminder).where(which, col(Reminder.status) == OutboxStatus.PENDING)
    for reminder in (await session.scalars(statement)).all():
        skip(reminder, now, reason)


def not_in_flight(now: datetime) -> ColumnElement[bool]:
    """Rows no dispatcher holds at `now`: never claimed, released, or with a lease run out."""
    return sa.or_(col(Reminder.claimed_by).is_(None), col(Reminder.lease_until) <= now)


# -- dispatching ------------------------------------------------------------------------


async def claim_due(
    session: AsyncSession,
    *,
    now: datetime,
    worker: str,
    limit: int,
    lease: timedelta,
    renew: Collection[int] = (),
) -> list[Reminder]:
    """Take up to `limit` pending messages due at `now` for `worker`, the earliest due first.

    `renew` names rows `worker` still holds (being sent, or not yet recorded): their
    leases start again, so that a slow batch (Telegram pausing a chat) is never taken
    by another process, nor by this one, while it is still on its way.

    On PostgreSQL the rows are picked `FOR UPDATE SKIP LOCKED`, so processes
    claiming at the same moment each get different rows without waiting on each
    other. SQLite has one writer at a time (`Database.transaction`), so the same
    statement without the lock clause claims atomically there.
    """
    if renew:
        await session.execute(
            sa.update(Reminder)
            .where(
                col(Reminder.id).in_(sorted(renew)),
                col(Reminder.claimed_by) == worker,
                col(Reminder.status) == OutboxStatus.PENDING,
            )
            .values(lease_until=now + lease)
            .execution_options(synchronize_session=False)
        )
    due = (
        select(col(Reminder.id))
        .where(
            col(Reminder.status) == OutboxStatus.PENDING,
            col(Reminder.due_at) <= now,
            sa.or_(col(Reminder.lease_until).is_(None), col(Reminder.lease_until) <= now),
        )
        .order_by(col(Reminder.due_at), col(Reminder.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    claim = (
        sa.update(Reminder)
        .where(col(Reminder.id).in_(due.scalar_subquery()))
        .values(claimed_by=worker, lease_until=now + lease)
        .returning(col(Reminder.id))
        .execution_options(synchronize_session=False)
    )
    ids = list((await session.scalars(claim)).all())
    if not ids:
        return []
    rows = (
        await session.scalars(
            select(Reminder)
            .where(col(Reminder.id).in_(ids))
            .order_by(col(Reminder.due_at), col(Reminder.id))
            .execution_options(populate_existing=True)
        )
    ).all()
    for reminder in rows:
        _log(reminder, now, "claimed", worker)
    await session.flush()
    return list(rows)


class DeliveryStatus(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    RETRY = "retry"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Delivery:
    """How one claimed message went, as the dispatcher reports it."""

    status: DeliveryStatus
    # Calls made to Telegram for it this time.
    calls: int = 0
    message_id: int | None = None
    # Why it failed, will be retried or was skipped.
    reason: str | None = None
    retry_at: datetime | None = None


async def record_delivery(
    session: AsyncSession, reminder_id: int, delivery: Delivery, *, worker: str, now: datetime
) -> Reminder | None:
    """Write how sending one message went; None when the row is gone (its youth erased)."""
    recorded = await record_deliveries(session, {reminder_id: delivery}, worker=worker, now=now)
    return recorded[0] if recorded else None


async def record_deliveries(
    session: AsyncSession, deliveries: Mapping[int, Delivery], *, worker: str, now: datetime
) -> list[Reminder]:
    """Write how sending went, for several messages in one go; the rows still there.

    A row no longer pending was settled meanwhile: skipped by a cancellation while
    the message was on its way, or sent by another process after this one's lease
    ran out. Its status stays; the history keeps what this process did, so a
    message that went out twice shows it.
    """
    statement = (
        select(Reminder)
        .where(col(Reminder.id).in_(sorted(deliveries)))
        # In id order, so two processes recording overlapping rows cannot deadlock.
        .order_by(col(Reminder.id))
        .execution_options(populate_existing=True)
    )
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update()
    rows = list((await session.scalars(statement)).all())
    for reminder in rows:
        assert reminder.id is not None
        _apply(reminder, deliveries[reminder.id], worker, now)
    await session.flush()
    return rows


def _apply(reminder: Reminder, delivery: Delivery, worker: str, now: datetime) -> None:
    reminder.attempts += delivery.calls
    if delivery.reason is not None and delivery.status != DeliveryStatus.SKIPPED:
        reminder.last_error = delivery.reason[:1000]
    if reminder.status != OutboxStatus.PENDING:
        _log(reminder, now, f"{delivery.status.value} after {reminder.status.value}", worker)
    elif delivery.status == DeliveryStatus.SENT:
        reminder.status = OutboxStatus.SENT
        reminder.sent_at = now
        reminder.telegram_message_id = delivery.message_id
        reminder.lease_until = None
        _log(reminder, now, "sent", worker)
    elif delivery.status == DeliveryStatus.SKIPPED:
        skip(reminder, now, delivery.reason or "skipped")
    elif delivery.status == DeliveryStatus.RETRY and reminder.attempts < MAX_DELIVERY_ATTEMPTS:
        # Nobody's claim, but not claimable before the retry time.
        reminder.claimed_by = None
        reminder.lease_until = delivery.retry_at or now
        _log(reminder, now, "retry", f"{delivery.reason} (attempt {reminder.attempts})")
    else:
        reminder.status = OutboxStatus.FAILED
        reminder.lease_until = None
        _log(reminder, now, "failed", f"{delivery.reason} (attempt {reminder.attempts})")


# -- status ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxReport:
    """The outbox at a glance, for `python -m bot dispatcher --status` and monitoring."""

    by_status: dict[OutboxStatus, int]
    # Pending rows due now or earlier, and those of them a process holds right now.
    due: int
    in_flight: int
    oldest_due_at: datetime | None


async def outbox_report(session: AsyncSession, now: datetime) -> OutboxReport:
    counts = Counter[OutboxStatus]()
    by_status = select(col(Reminder.status), sa.func.count()).group_by(col(Reminder.status))
    for status, count in (await session.execute(by_status)).all():
        counts[OutboxStatus(status)] = int(count)
    pending_due = (
        col(Reminder.status) == OutboxStatus.PENDING,
        col(Reminder.due_at) <= now,
    )
    due = await session.scalar(select(sa.func.count()).where(*pending_due)) or 0
    in_flight = (
        await session.scalar(
            select(sa.func.count()).where(
                *pending_due,
                col(Reminder.claimed_by).is_not(None),
                col(Reminder.lease_until) > now,
            )
        )
        or 0
    )
    oldest = await session.scalar(
        select(sa.func.min(col(Reminder.due_at))).where(
            col(Reminder.status) == OutboxStatus.PENDING
        )
    )
    return OutboxReport(
        by_status={status: counts[status] for status in OutboxStatus},
        due=int(due),
        in_flight=int(in_flight),
        oldest_due_at=oldest,
    )
