"""Outbox rows for tests: reminders of booked seats, due when a test needs them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Booking, BookingStatus, OutboxKind, OutboxStatus, Reminder, Slot
from tests.support.factories import make_slot, youth_row


def reminder_row(booking: Booking, due_at: datetime, **overrides: Any) -> Reminder:
    values: dict[str, Any] = {
        "kind": OutboxKind.REMINDER,
        "booking_id": booking.id,
        "youth_id": booking.youth_id,
        "offset_minutes": 120,
        "due_at": due_at,
        "status": OutboxStatus.PENDING,
        "history": [{"at": due_at.isoformat(), "event": "planned"}],
        "created_at": due_at - timedelta(days=1),
    }
    return Reminder(**(values | overrides))


async def make_reminder(
    session: AsyncSession, booking: Booking, due_at: datetime, **overrides: Any
) -> Reminder:
    reminder = reminder_row(booking, due_at, **overrides)
    session.add(reminder)
    await session.flush()
    return reminder


async def due_reminders(
    session: AsyncSession, now: datetime, count: int, *, slot: Slot | None = None, **youth: Any
) -> list[Reminder]:
    """`count` youths each booked on one slot (two hours ahead unless given), each with a
    reminder due one minute ago: what a dispatcher finds on a busy morning."""
    if slot is None:
        slot = await make_slot(session, now, starts_in=timedelta(hours=2), capacity=count)
    youths = [youth_row(now, **youth) for _ in range(count)]
    session.add_all(youths)
    await session.flush()
    bookings = [
        Booking(youth_id=y.id, slot_id=slot.id, status=BookingStatus.BOOKED, created_at=now,
                updated_at=now)
        for y in youths
    ]  # fmt: skip
    session.add_all(bookings)
    await session.flush()
    reminders = [reminder_row(b, now - timedelta(minutes=1)) for b in bookings]
    session.add_all(reminders)
    await session.flush()
    return reminders
