"""Writing to the outbox's history: every state change of a message is kept for coordinators."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.models import OutboxStatus, Reminder


def skip(reminder: Reminder, now: datetime, reason: str) -> None:
    """The message will never be sent; say why, in its status and its history."""
    reminder.status = OutboxStatus.SKIPPED
    reminder.skip_reason = reason
    reminder.history = [
        *reminder.history,
        {"at": now.isoformat(), "event": "skipped", "detail": reason},
    ]


async def skip_pending(
    session: AsyncSession, which: ColumnElement[bool], now: datetime, reason: str
) -> None:
    """Skip every pending message matching `which` (a booking's, a youth's)."""
    statement = select(Reminder).where(which, col(Reminder.status) == OutboxStatus.PENDING)
    for reminder in (await session.scalars(statement)).all():
        skip(reminder, now, reason)
