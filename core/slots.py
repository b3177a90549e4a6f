"""Changing a published slot: cancelling it or moving it, for the staff panel.

Every youth booked or waiting on the slot is told, through one outbox row each
(DESIGN.md §5), and the reminders planned for the old slot are skipped. Both
functions work inside the caller's transaction and never commit.

Like the booking operations, they lock the youth rows before the slot row, so a
youth cancelling or booking at the same moment queues behind them instead of
deadlocking; see `core.booking.operations`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.booking.errors import SlotCancelled, SlotNotFound
from core.models import (
    ACTIVE_BOOKING_STATUSES,
    Booking,
    BookingStatus,
    CancelledBy,
    OutboxKind,
    OutboxStatus,
    Reminder,
    Slot,
    SlotKind,
    SlotStatus,
    Youth,
)
from core.outbox import skip_pending
from core.reminders import plan_reminders_at

SKIP_REASON_SLOT_CANCELLED = "slot_cancelled"
SKIP_REASON_SLOT_MOVED = "slot_moved"
# `Booking.cancel_reason` of the bookings of a cancelled slot.
CANCEL_REASON_SLOT_CANCELLED = "slot_cancelled"

OffsetsFor = Callable[[SlotKind], Sequence[timedelta]]


async def cancel_slot(
    session: AsyncSession,
    slot_id: int,
    now: datetime,
    message: str,
    by_staff_id: int | None,
) -> int:
    """Cancel the slot and every active booking on it; return how many youths are told.

    Nobody is promoted from the waitlist: there is no seat left to give. Each youth
    booked or waiting gets a `SLOT_CANCELLED` message due now, carrying `message`.
    Cancelling a slot already cancelled changes nothing and tells nobody again.
    """
    slot, bookings = await _lock(session, slot_id)
    if slot.status == SlotStatus.CANCELLED:
        return 0
    slot.status = SlotStatus.CANCELLED
    slot.cancelled_at = now
    slot.cancel_reason = message
    slot.updated_at = now
    for booking in bookings:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.cancelled_by = CancelledBy.STAFF
        booking.cancel_reason = CANCEL_REASON_SLOT_CANCELLED
        booking.updated_at = now
    # Every pending message of these bookings: reminders, and a promotion notice
    # for a seat that no longer exists.
    ids = [booking.id for booking in bookings]
    await skip_pending(session, col(Reminder.booking_id).in_(ids), now, SKIP_REASON_SLOT_CANCELLED)
    told = _notify(
        session, bookings, OutboxKind.SLOT_CANCELLED, {"message": message}, now, by_staff_id
    )
    await session.flush()
    return told


async def move_slot(
    session: AsyncSession,
    slot_id: int,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    message: str,
    offsets_for: OffsetsFor,
) -> int:
    """Give the slot new times; return how many youths are told.

    The reminders planned from the old start are skipped and planned again from
    the new one, at `offsets_for(slot.kind)` (pass `Settings.reminder_offsets_for`).
    Each youth booked or waiting gets a `SLOT_MOVED` message due now, with
    `message` and the old start.
    """
    if ends_at <= starts_at:
        raise ValueError("a slot must end after it starts")
    slot, bookings = await _lock(session, slot_id)
    if slot.status == SlotStatus.CANCELLED:
        raise SlotCancelled(slot_id)
    old_start = slot.starts_at
    slot.starts_at = starts_at
    slot.ends_at = ends_at
    slot.updated_at = now
    for booking in bookings:
        # "I'm coming" was said for the old time; the new time's reminders ask again.
        booking.confirmation = None
        booking.confirmed_at = None
    # A still-pending notice of an earlier move is outdated too: this one replaces it.
    await skip_pending(
        session,
        col(Reminder.booking_id).in_([booking.id for booking in bookings])
        & col(Reminder.kind).in_([OutboxKind.REMINDER, OutboxKind.SLOT_MOVED]),
        now,
        SKIP_REASON_SLOT_MOVED,
    )
    await session.flush()
    offsets = offsets_for(slot.kind)
    for booking in bookings:
        await plan_reminders_at(session, booking, slot, offsets, now)
    payload = {"message": message, "old_starts_at": old_start.isoformat()}
    told = _notify(session, bookings, OutboxKind.SLOT_MOVED, payload, now, None)
    await session.flush()
    return told


async def _lock(session: AsyncSession, slot_id: int) -> tuple[Slot, list[Booking]]:
    """The slot and its active bookings, re-read after locking their youths, then the slot."""
    await _lock_youths(session, await _active_youth_ids(session, slot_id))
    slot = await session.scalar(
        select(Slot)
        .where(col(Slot.id) == slot_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    if slot is None:
        raise SlotNotFound(slot_id)
    bookings = list(
        (
            await session.scalars(
                select(Booking)
                .where(
                    col(Booking.slot_id) == slot_id,
                    col(Booking.status).in_(ACTIVE_BOOKING_STATUSES),
                )
                .order_by(col(Booking.id))
                .execution_options(populate_existing=True)
            )
        ).all()
    )
    # A youth who booked between the first read and the slot's lock is locked now,
    # out of order: rare, and on PostgreSQL a deadlock it might cause is a lost race
    # that the caller's transaction runs again (`core.db.lost_a_race`).
    await _lock_youths(session, {b.youth_id for b in bookings if b.youth_id is not None})
    return slot, bookings


async def _active_youth_ids(session: AsyncSession, slot_id: int) -> set[int]:
    statement = select(col(Booking.youth_id)).where(
        col(Booking.slot_id) == slot_id, col(Booking.status).in_(ACTIVE_BOOKING_STATUSES)
    )
    return {youth_id for youth_id in (await session.scalars(statement)).all() if youth_id}


async def _lock_youths(session: AsyncSession, youth_ids: set[int]) -> None:
    # In id order, so two staff changes on slots sharing youths cannot deadlock each
    # other; FOR NO KEY UPDATE, as `core.booking.operations` locks one youth.
    if youth_ids:
        await session.execute(
            select(col(Youth.id))
            .where(col(Youth.id).in_(sorted(youth_ids)))
            .order_by(col(Youth.id))
            .with_for_update(key_share=True)
        )


def _notify(
    session: AsyncSession,
    bookings: list[Booking],
    kind: OutboxKind,
    payload: dict[str, Any],
    now: datetime,
    by_staff_id: int | None,
) -> int:
    """Queue one message of `kind`, due now, per youth holding one of `bookings`."""
    queued: dict[str, Any] = {"at": now.isoformat(), "event": "queued", "detail": kind.value}
    if by_staff_id is not None:
        queued["by_staff_id"] = by_staff_id
    told = 0
    for booking in bookings:
        if booking.youth_id is None:  # erased: nobody to tell
            continue
        session.add(
            Reminder(
                kind=kind,
                booking_id=booking.id,
                youth_id=booking.youth_id,
                due_at=now,
                status=OutboxStatus.PENDING,
                payload=dict(payload),
                history=[dict(queued)],
                created_at=now,
            )
        )
        told += 1
    return told
