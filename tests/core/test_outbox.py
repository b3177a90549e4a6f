"""The outbox's claims, leases and delivery records, on both backends."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import col, select

from core.clock import ManualClock
from core.db import Database
from core.models import OutboxKind, OutboxStatus, Reminder
from core.outbox import (
    MAX_DELIVERY_ATTEMPTS,
    Delivery,
    DeliveryStatus,
    claim_due,
    outbox_report,
    record_delivery,
)
from core.youths import mark_unreachable
from tests.support.factories import make_booking, make_slot, make_youth
from tests.support.outbox import due_reminders, make_reminder

LEASE = timedelta(minutes=5)
MINUTE = timedelta(minutes=1)


async def _claim(database: Database, clock: ManualClock, worker: str = "a", limit: int = 50):
    async with database.transaction() as session:
        return await claim_due(session, now=clock.now(), worker=worker, limit=limit, lease=LEASE)


async def _record(database: Database, clock: ManualClock, reminder_id: int, delivery: Delivery):
    async with database.transaction() as session:
        return await record_delivery(session, reminder_id, delivery, worker="a", now=clock.now())


async def _row(database: Database, reminder_id: int) -> Reminder:
    async with database.reading() as session:
        row = await session.get(Reminder, reminder_id)
    assert row is not None
    return row


async def test_only_due_pending_rows_are_claimed_the_earliest_first(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        youth = await make_youth(session, now)
        booking = await make_booking(session, now, youth, await make_slot(session, now))
        later = await make_reminder(session, booking, now - MINUTE, offset_minutes=60)
        earlier = await make_reminder(session, booking, now - 2 * MINUTE, offset_minutes=120)
        await make_reminder(session, booking, now + MINUTE, offset_minutes=30)
        await make_reminder(session, booking, now - MINUTE, status=OutboxStatus.SENT)
        await make_reminder(session, booking, now - MINUTE, status=OutboxStatus.SKIPPED)

    claimed = await _claim(database, clock)

    assert [r.id for r in claimed] == [earlier.id, later.id]
    assert all(r.claimed_by == "a" and r.lease_until == now + LEASE for r in claimed)
    assert claimed[0].history[-1]["event"] == "claimed"


async def test_a_claimed_row_is_not_claimed_again_until_its_lease_runs_out(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        [reminder] = await due_reminders(session, clock.now(), 1)

    assert [r.id for r in await _claim(database, clock, "a")] == [reminder.id]
    assert await _claim(database, clock, "b") == []

    # Worker "a" crashed: once its lease ran out, "b" takes the row.
    clock.advance(LEASE)
    [again] = await _claim(database, clock, "b")
    assert again.id == reminder.id
    assert again.claimed_by == "b"
    assert [e["event"] for e in again.history[-2:]] == ["claimed", "claimed"]


async def test_claims_stop_at_the_limit(database: Database, clock: ManualClock) -> None:
    async with database.transaction() as session:
        await due_reminders(session, clock.now(), 5)

    assert len(await _claim(database, clock, limit=3)) == 3
    assert len(await _claim(database, clock, "b", limit=3)) == 2


async def test_concurrent_claims_never_share_a_row(database: Database, clock: ManualClock) -> None:
    async with database.transaction() as session:
        reminders = await due_reminders(session, clock.now(), 60)

    batches = await asyncio.gather(
        *(_claim(database, clock, worker=f"w{n}", limit=7) for n in range(12))
    )

    ids = [r.id for batch in batches for r in batch]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(r.id for r in reminders)


async def test_a_sent_message_keeps_its_time_and_telegram_id(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        [reminder] = await due_reminders(session, clock.now(), 1)
    await _claim(database, clock)
    clock.advance(timedelta(seconds=2))

    await _record(database, clock, reminder.id, Delivery(DeliveryStatus.SENT, 1, message_id=77))

    row = await _row(database, reminder.id)
    assert (row.status, row.sent_at, row.telegram_message_id) == (
        OutboxStatus.SENT,
        clock.now(),
        77,
    )
    assert row.attempts == 1
    assert [e["event"] for e in row.history] == ["planned", "claimed", "sent"]
    assert await _claim(database, clock) == []


async def test_a_retry_waits_for_its_time_then_is_claimed_again(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        [reminder] = await due_reminders(session, clock.now(), 1)
    await _claim(database, clock)
    retry = Delivery(
        DeliveryStatus.RETRY, 4, reason="server: Bad Gateway", retry_at=clock.now() + 2 * MINUTE
    )

    await _record(database, clock, reminder.id, retry)

    row = await _row(database, reminder.id)
    assert (row.status, row.attempts, row.last_error) == (
        OutboxStatus.PENDING,
        4,
        "server: Bad Gateway",
    )
    clock.advance(MINUTE)
    assert await _claim(database, clock, "b") == []
    clock.advance(MINUTE)
    assert [r.id for r in await _claim(database, clock, "b")] == [reminder.id]


async def test_a_message_still_refused_after_many_attempts_fails_for_good(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        [reminder] = await due_reminders(session, clock.now(), 1)
    retry = Delivery(DeliveryStatus.RETRY, 1, reason="network: timeout", retry_at=clock.now())

    for _ in range(MAX_DELIVERY_ATTEMPTS):
        [claimed] = await _claim(database, clock)
        await _record(database, clock, claimed.id, retry)

    row = await _row(database, reminder.id)
    assert row.status == OutboxStatus.FAILED
    assert row.attempts == MAX_DELIVERY_ATTEMPTS
    assert row.history[-1]["event"] == "failed"
    assert await _claim(database, clock) == []


async def test_a_failure_and_a_skip_are_recorded_with_their_reason(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        failed, skipped = await due_reminders(session, clock.now(), 2)
    await _claim(database, clock)

    await _record(
        database,
        clock,
        failed.id,
        Delivery(DeliveryStatus.FAILED, 1, reason="bad_request: chat not found"),
    )
    await _record(database, clock, skipped.id, Delivery(DeliveryStatus.SKIPPED, reason="late"))

    row = await _row(database, failed.id)
    assert (row.status, row.last_error) == (OutboxStatus.FAILED, "bad_request: chat not found")
    row = await _row(database, skipped.id)
    assert (row.status, row.skip_reason, row.last_error) == (OutboxStatus.SKIPPED, "late", None)


async def test_a_row_skipped_while_on_its_way_stays_skipped_and_says_it_went(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        [reminder] = await due_reminders(session, clock.now(), 1)
    await _claim(database, clock)
    async with database.transaction() as session:
        row = await session.get(Reminder, reminder.id)
        assert row is not None
        row.status = OutboxStatus.SKIPPED

    await _record(database, clock, reminder.id, Delivery(DeliveryStatus.SENT, 1, message_id=5))

    row = await _row(database, reminder.id)
    assert row.status == OutboxStatus.SKIPPED
    assert row.history[-1]["event"] == "sent after skipped"


async def test_blocking_the_bot_skips_the_youths_messages_except_the_one_being_sent(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        youth = await make_youth(session, now)
        booking = await make_booking(session, now, youth, await make_slot(session, now))
        sending = await make_reminder(session, booking, now - MINUTE)
        later = await make_reminder(session, booking, now + timedelta(hours=1))
    await _claim(database, clock)

    async with database.transaction() as session:
        await mark_unreachable(session, youth.telegram_user_id, now)
    await _record(
        database, clock, sending.id, Delivery(DeliveryStatus.FAILED, 1, reason="blocked: 403")
    )

    assert (await _row(database, sending.id)).status == OutboxStatus.FAILED
    assert (await _row(database, later.id)).status == OutboxStatus.SKIPPED


async def test_the_report_counts_by_status_and_shows_the_oldest_pending(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        reminders = await due_reminders(session, now, 4)
        reminders[3].due_at = now + timedelta(hours=3)
        reminders[2].status = OutboxStatus.SENT
        reminders[0].due_at = now - timedelta(hours=1)
    await _claim(database, clock, limit=1)

    async with database.reading() as session:
        report = await outbox_report(session, now)

    assert report.by_status[OutboxStatus.PENDING] == 3
    assert report.by_status[OutboxStatus.SENT] == 1
    assert report.by_status[OutboxStatus.FAILED] == 0
    assert (report.due, report.in_flight) == (2, 1)
    assert report.oldest_due_at == now - timedelta(hours=1)


async def test_other_kinds_are_claimed_like_reminders(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        youth = await make_youth(session, now)
        booking = await make_booking(session, now, youth, await make_slot(session, now))
        notice = await make_reminder(
            session, booking, now, kind=OutboxKind.WAITLIST_PROMOTION, offset_minutes=None
        )

    assert [r.id for r in await _claim(database, clock)] == [notice.id]
    async with database.reading() as session:
        kinds = (await session.scalars(select(col(Reminder.kind)))).all()
    assert kinds == [OutboxKind.WAITLIST_PROMOTION]


async def test_rows_still_on_their_way_keep_their_lease_while_their_worker_claims(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        slow, other = await due_reminders(session, clock.now(), 2)
    [held] = await _claim(database, clock, "a", limit=1)
    assert held.id == slow.id

    # Worker "a" is still sending it when its lease would run out; its next claim renews it.
    clock.advance(LEASE)
    async with database.transaction() as session:
        claimed = await claim_due(
            session, now=clock.now(), worker="a", limit=5, lease=LEASE, renew={slow.id}
        )
    assert [r.id for r in claimed] == [other.id]
    clock.advance(LEASE / 2)
    assert await _claim(database, clock, "b") == []
    assert (await _row(database, slow.id)).claimed_by == "a"
