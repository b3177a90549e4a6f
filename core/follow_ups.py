"""Planning what follows an attendance mark: outbox rows sent after the slot (DESIGN.md §6).

A no-show gets a kind re-engagement message offering another slot
(remobilisation), at most one a week per youth: a youth who missed three things
in a week hears it once, not three times. An attended workshop gets the
one-question satisfaction survey, once per booking. When an adviser corrects a
mark, the message of the old mark is skipped if it has not gone out yet.

Both are due at once: the dispatcher sends them at its next tick, and checks
again just before sending that the mark still stands. Everything here works
inside the caller's transaction, under the youth's lock (`core.attendance`),
and never commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.models import (
    Booking,
    BookingStatus,
    OutboxKind,
    OutboxStatus,
    Reminder,
    Slot,
    SlotKind,
    Youth,
)
from core.outbox import skip_pending
from core.outbox_rules import ATTENDANCE_CHANGED

# At most one no-show follow-up per youth in this long.
FOLLOW_UP_INTERVAL = timedelta(days=7)
# The reason the dispatcher gives too, when it finds the mark changed before sending.
SKIP_REASON_ATTENDANCE_CHANGED = ATTENDANCE_CHANGED

# The message each mark sets off; a correction away from the mark skips it.
_FOLLOW_UPS = {
    BookingStatus.NO_SHOW: OutboxKind.NO_SHOW_FOLLOW_UP,
    BookingStatus.ATTENDED: OutboxKind.SATISFACTION_SURVEY,
}


async def plan_follow_ups(
    session: AsyncSession,
    booking: Booking,
    slot: Slot,
    youth: Youth | None,
    previous: BookingStatus,
    now: datetime,
    *,
    by_staff_id: int | None,
) -> list[Reminder]:
    """Skip the message of the `previous` mark, queue the one of the booking's mark now.

    `youth` is the booking's, locked by the caller; None once they erased their data.
    Returns the rows queued.
    """
    withdrawn = _FOLLOW_UPS.get(previous)
    if withdrawn is not None and withdrawn != _FOLLOW_UPS.get(booking.status):
        await skip_pending(
            session,
            (col(Reminder.booking_id) == booking.id) & (col(Reminder.kind) == withdrawn),
            now,
            SKIP_REASON_ATTENDANCE_CHANGED,
        )
    # Nobody to write to: an erased youth, or one who blocked the bot.
    if youth is None or not youth.reachable or booking.youth_id != youth.id:
        return []
    queued = []
    if booking.status == BookingStatus.NO_SHOW and not await _followed_up_lately(
        session, youth, now
    ):
        queued.append(_queue(OutboxKind.NO_SHOW_FOLLOW_UP, booking, now, by_staff_id))
    if (
        booking.status == BookingStatus.ATTENDED
        and slot.kind == SlotKind.WORKSHOP
        and not await _surveyed(session, booking)
    ):
        queued.append(_queue(OutboxKind.SATISFACTION_SURVEY, booking, now, by_staff_id))
    session.add_all(queued)
    await session.flush()
    return queued


def _queue(kind: OutboxKind, booking: Booking, now: datetime, by_staff_id: int | None) -> Reminder:
    queued: dict[str, Any] = {"at": now.isoformat(), "event": "queued", "detail": kind.value}
    if by_staff_id is not None:
        queued["by_staff_id"] = by_staff_id
    return Reminder(
        kind=kind,
        booking_id=booking.id,
        youth_id=booking.youth_id,
        due_at=now,
        status=OutboxStatus.PENDING,
        history=[queued],
        created_at=now,
    )


async def _followed_up_lately(session: AsyncSession, youth: Youth, now: datetime) -> bool:
    """Whether the youth got a no-show follow-up in the last week, or has one on its way.

    A pending one due over a week ago does not count: the dispatcher drops it as too old.
    """
    since = now - FOLLOW_UP_INTERVAL
    statement = select(col(Reminder.id)).where(
        col(Reminder.youth_id) == youth.id,
        col(Reminder.kind) == OutboxKind.NO_SHOW_FOLLOW_UP,
        sa.or_(
            (col(Reminder.status) == OutboxStatus.PENDING) & (col(Reminder.due_at) > since),
            (col(Reminder.status) == OutboxStatus.SENT) & (col(Reminder.sent_at) > since),
        ),
    )
    return await session.scalar(statement.limit(1)) is not None


async def _surveyed(session: AsyncSession, booking: Booking) -> bool:
    """Whether this booking's survey is queued or went out already (a skipped one never did)."""
    statement = select(col(Reminder.id)).where(
        col(Reminder.booking_id) == booking.id,
        col(Reminder.kind) == OutboxKind.SATISFACTION_SURVEY,
        col(Reminder.status) != OutboxStatus.SKIPPED,
    )
    return await session.scalar(statement.limit(1)) is not None
