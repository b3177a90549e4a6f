"""The reminder dispatcher when Telegram says no: blocked youths, refused and failing calls,
and the scheduler ticking on its own; nothing is lost."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from bot.dispatcher import Dispatcher
from bot.serve import make_sender
from core.models import (
    OutboxKind,
    OutboxStatus,
    Reminder,
    Youth,
)
from tests.support.chat import compiled_catalogs
from tests.support.dispatching import MINUTE, Dispatching, H, booked, remind
from tests.support.outbox import due_reminders


async def test_a_youth_who_blocked_the_bot_is_marked_and_their_next_reminders_skipped(
    dispatching: Dispatching,
) -> None:
    d = dispatching
    youth, slot, booking = await booked(d.database, d.clock, starts_in=72 * H)
    await remind(d.database, booking, d.clock.now())
    await remind(d.database, booking, slot.starts_at - 2 * H)
    d.fake.block(youth.telegram_user_id)

    await d.pass_()

    sent_now, later = await d.rows()
    assert sent_now.status == OutboxStatus.FAILED
    assert sent_now.last_error is not None
    assert sent_now.last_error.startswith("blocked")
    assert (later.status, later.skip_reason) == (OutboxStatus.SKIPPED, "youth_unreachable")
    async with d.database.reading() as session:
        row = await session.get(Youth, youth.id)
    assert row is not None
    assert not row.reachable


@pytest.mark.parametrize("status", [429, 500])
async def test_with_telegram_refusing_a_share_of_calls_nothing_is_lost(
    dispatching: Dispatching, status: int
) -> None:
    d = dispatching
    async with d.database.transaction() as session:
        reminders = await due_reminders(session, d.clock.now(), 40)
        chats = {
            r.id: (await session.get(Youth, r.youth_id)).telegram_user_id  # type: ignore[union-attr]
            for r in reminders
        }
    d.fake.fail_share(0.3, status, retry_after=1, seed=status)

    for _ in range(20):
        await d.pass_()
        if all(r.status == OutboxStatus.SENT for r in await d.rows()):
            break
        d.clock.advance(MINUTE)  # past every retry time

    assert all(r.status == OutboxStatus.SENT for r in await d.rows())
    for chat in chats.values():
        assert len(d.texts(chat)) == 1
    assert any(r.attempts > 1 for r in await d.rows())


async def test_the_scheduler_sends_due_messages_on_its_own(dispatching: Dispatching) -> None:
    d = dispatching
    fast = Dispatcher(
        d.database, d.clock, d.settings.model_copy(update={"dispatch_interval": 0.05}),
        compiled_catalogs(), make_sender(d.settings, d.database, d.clock),
        d.port, worker="ticking",
    )  # fmt: skip
    youth, _, booking = await booked(d.database, d.clock)
    stop = asyncio.Event()
    running = asyncio.create_task(fast.run(stop))
    try:
        await remind(d.database, booking, d.clock.now())
        await d.fake.wait_for(lambda: len(d.texts(youth.telegram_user_id)) == 1)
        # A message falling due later is picked up by a later tick.
        d.clock.advance(H)
        await remind(d.database, booking, d.clock.now(), offset_minutes=60)
        await d.fake.wait_for(lambda: len(d.texts(youth.telegram_user_id)) == 2)
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=10)
    assert {r.status for r in await d.rows()} == {OutboxStatus.SENT}


async def test_with_429_500_and_403_mixed_nothing_is_lost_and_the_blocked_are_skipped(
    dispatching: Dispatching,
) -> None:
    d = dispatching
    now = d.clock.now()
    async with d.database.transaction() as session:
        first = await due_reminders(session, now, 30)
        # Each youth also has a reminder due an hour later.
        for reminder in first:
            session.add(
                Reminder(
                    kind=OutboxKind.REMINDER, booking_id=reminder.booking_id,
                    youth_id=reminder.youth_id, offset_minutes=60, due_at=now + H,
                    created_at=now,
                )
            )  # fmt: skip
        youths = {y.id: y.telegram_user_id for y in (await session.scalars(select(Youth))).all()}
    blocked = set(list(youths.values())[::5])
    for chat in blocked:
        d.fake.block(chat)
    d.fake.fail_share(0.2, 429, retry_after=1, seed=1)

    for _ in range(10):
        await d.pass_()
        d.clock.advance(MINUTE)
    d.fake.fail_share(0.2, 500, seed=2)
    d.clock.advance(H)
    for _ in range(10):
        await d.pass_()
        d.clock.advance(MINUTE)

    rows = await d.rows()
    assert not [r for r in rows if r.status == OutboxStatus.PENDING]
    for row in rows:
        chat = youths[row.youth_id]
        if chat not in blocked:
            assert row.status == OutboxStatus.SENT
        elif row.due_at <= now:
            assert row.status == OutboxStatus.FAILED
            assert (row.last_error or "").startswith("blocked")
        else:
            assert (row.status, row.skip_reason) == (OutboxStatus.SKIPPED, "youth_unreachable")
    for chat in youths.values():
        assert len(d.texts(chat)) == (0 if chat in blocked else 2)
    async with d.database.reading() as session:
        unreachable = {
            y.telegram_user_id for y in await session.scalars(select(Youth)) if not y.reachable
        }
    assert unreachable == blocked
