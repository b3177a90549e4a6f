"""Planning the reminders of a booking: outbox rows due some time before its slot starts.

A booked seat gets one pending `REMINDER` row per offset (48 h and 2 h before by
default, per slot kind in the settings: DESIGN.md §6); the dispatcher sends them
when they fall due. A place on the waitlist gets none until it becomes a seat.
Everything here works inside the caller's transaction and never commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.config import DEFAULT_REMINDER_OFFSETS, Settings
from core.models import (
    Booking,
    BookingStatus,
    OutboxKind,
    OutboxStatus,
    Reminder,
    Slot,
    SlotStatus,
)

__all__ = [
    "DEFAULT_REMINDER_OFFSETS",
    "plan_reminders",
    "plan_reminders_at",
    "reminder_due_times",
]

_MINUTE = timedelta(minutes=1)


def reminder_due_times(
    starts_at: datetime, offsets: Iterable[timedelta], now: datetime
) -> list[tuple[timedelta, datetime]]:
    """(offset, due time) for each offset, the earliest due first.

    A reminder whose due time has already passed at `now` is left out: a slot
    booked 24 h ahead gets no "48 h before" reminder. One due exactly now is kept,
    and goes out at the dispatcher's next tick.
    """
    unique = set(offsets)
    for offset in unique:
        if offset <= timedelta(0) or offset % _MINUTE:
            raise ValueError(f"a reminder offset must be a positive number of minutes: {offset}")
    due = ((offset, starts_at - offset) for offset in sorted(unique, reverse=True))
    return [(offset, due_at) for offset, due_at in due if due_at >= now]


async def plan_reminders(
    session: AsyncSession, booking: Booking, slot: Slot, settings: Settings, now: datetime
) -> list[Reminder]:
    """Plan the booking's reminders at the offsets configured for its slot's kind."""
    return await plan_reminders_at(
        session, booking, slot, settings.reminder_offsets_for(slot.kind), now
    )


async def plan_reminders_at(
    session: AsyncSession,
    booking: Booking,
    slot: Slot,
    offsets: Sequence[timedelta],
    now: datetime,
) -> list[Reminder]:
    """Add the pending reminders a booked seat is missing; return the rows added.

    Nothing for a booking that holds no seat (waitlisted, cancelled...), a booking
    whose youth erased their data, or a cancelled slot. Planning again adds no
    second pending reminder for an offset that already has one, so callers may
    plan whenever a booking gets its seat without checking first.
    """
    if booking.slot_id != slot.id:
        raise ValueError(f"booking {booking.id} is not on slot {slot.id}")
    if (
        booking.status != BookingStatus.BOOKED
        or booking.id is None
        or booking.youth_id is None
        or slot.status != SlotStatus.SCHEDULED
    ):
        return []
    already = set(
        (
            await session.scalars(
                select(col(Reminder.offset_minutes)).where(
                    col(Reminder.booking_id) == booking.id,
                    col(Reminder.kind) == OutboxKind.REMINDER,
                    col(Reminder.status) == OutboxStatus.PENDING,
                )
            )
        ).all()
    )
    planned = []
    for offset, due_at in reminder_due_times(slot.starts_at, offsets, now):
        minutes = offset // _MINUTE
        if minutes in already:
            continue
        planned.append(
            Reminder(
                kind=OutboxKind.REMINDER,
                booking_id=booking.id,
                youth_id=booking.youth_id,
                offset_minutes=minutes,
                due_at=due_at,
                status=OutboxStatus.PENDING,
                history=[
                    {
                        "at": now.isoformat(),
                        "event": "planned",
                        # The start it was planned from: after a move, old and new differ.
                        "detail": f"{_label(offset)} before {slot.starts_at.isoformat()}",
                    }
                ],
                created_at=now,
            )
        )
    session.add_all(planned)
    await session.flush()
    return planned


def _label(offset: timedelta) -> str:
    """`2880` minutes as `48h`, `90` as `90m`: as REMINDER_OFFSETS is usually written."""
    minutes = offset // _MINUTE
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"
