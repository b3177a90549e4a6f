"""Counting slots from their bookings and reminders: rows of `SlotTally` and `SlotFailureTally`.

What the dashboard shows of each slot, among young people only (the bot preview's
staff are left out): seats, reminders answered, attendance, reminders by status and
failed ones by reason. `core.stats_tally` chooses the slots and keeps the counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.booking.rules import ATTENDANCE_MARKS
from core.models import (
    Booking,
    BookingCounts,
    BookingStatus,
    Confirmation,
    OutboxKind,
    OutboxStatus,
    Reminder,
)
from core.rosters import seat_count_filter
from core.staff_preview import not_staff_preview, staff_preview_youth_ids
from core.stats_weeks import REMINDER_COLUMNS, aware

# Slots counted per statement: keeps the IN lists well under SQLite's variable limit.
CHUNK = 500
_NO_COUNT = dict.fromkeys(BookingCounts.model_fields, 0)


async def count_slots(
    session: AsyncSession, slots: dict[int, dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The `SlotTally` rows of `slots` (each slot's columns, by id), and their
    `SlotFailureTally` rows."""
    previews = await staff_preview_youth_ids(session)
    tallies: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    for chunk in _chunks(list(slots)):
        counted = await _count_bookings(session, {slot_id: slots[slot_id] for slot_id in chunk},
                                        previews)  # fmt: skip
        failures += await _count_reminders(session, chunk, previews, counted)
        tallies += counted.values()
    return tallies, failures


async def _count_bookings(
    session: AsyncSession, slots: dict[int, dict[str, Any]], previews: list[int]
) -> dict[int, dict[str, Any]]:
    """Each slot as it is, with its seats, confirmations and attendance: `SlotTally` rows."""
    slot_ids = list(slots)
    # Every count given, so that the tallies are stored in one statement.
    tallies = {slot_id: _NO_COUNT | slot for slot_id, slot in slots.items()}
    young_people = not_staff_preview(col(Booking.youth_id), previews)
    reminded = (
        sa.select(col(Reminder.id))
        .where(
            col(Reminder.booking_id) == col(Booking.id),
            col(Reminder.kind) == OutboxKind.REMINDER,
            col(Reminder.status) == OutboxStatus.SENT,
        )
        .exists()
    )
    marked = col(Booking.status).in_(ATTENDANCE_MARKS) & col(Booking.attendance_marked_at).is_not(
        None
    )
    coming = col(Booking.confirmation) == Confirmation.COMING
    flags = {
        "seats_booked": seat_count_filter(),
        "reminded": reminded,
        # Confirmed among the reminded: a "Je viens" from the booking screen is no answer.
        "confirmed": reminded & coming,
        "marked": marked,
        "attended": marked & (col(Booking.status) == BookingStatus.ATTENDED),
        "no_shows": marked & (col(Booking.status) == BookingStatus.NO_SHOW),
    }
    bookings = (
        sa.select(
            col(Booking.slot_id),
            *(sa.func.sum(sa.case((flag, 1), else_=0)).label(name) for name, flag in flags.items()),
        )
        .where(col(Booking.slot_id).in_(slot_ids), young_people)
        .group_by(col(Booking.slot_id))
    )
    for row in (await session.execute(bookings)).mappings():
        tallies[row["slot_id"]] |= {name: int(row[name] or 0) for name in flags}
    return tallies


async def _count_reminders(
    session: AsyncSession,
    slot_ids: list[int],
    previews: list[int],
    tallies: dict[int, dict[str, Any]],
) -> list[dict[str, Any]]:
    """Reminders by status into `tallies`; the failed ones by reason, returned.

    One query from the slots' bookings to their reminders: filtering on the failed
    status instead would let SQLite walk every failed reminder of the database.
    """
    failed = col(Reminder.status) == OutboxStatus.FAILED
    reason = sa.case((failed, sa.func.coalesce(col(Reminder.last_error), "")), else_=None)
    key = (col(Booking.slot_id), col(Reminder.status), reason)
    statement = (
        sa.select(*key, sa.func.count(), sa.func.max(col(Reminder.due_at)))
        .select_from(Booking)
        .join(Reminder, col(Reminder.booking_id) == col(Booking.id))
        .where(
            col(Booking.slot_id).in_(slot_ids),
            col(Reminder.kind) == OutboxKind.REMINDER,
            not_staff_preview(col(Booking.youth_id), previews),
        )
        .group_by(*key)
    )
    failures = []
    for slot_id, status, why, count, last_due in (await session.execute(statement)).all():
        column = REMINDER_COLUMNS[OutboxStatus(status)]
        tallies[slot_id][column] = tallies[slot_id].get(column, 0) + int(count)
        if why is not None:
            failures.append(
                {
                    "slot_id": slot_id,
                    "reason": why,
                    "count": int(count),
                    "last_due_at": aware(last_due),
                }
            )
    return failures


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
