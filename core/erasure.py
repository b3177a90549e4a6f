"""Erasing a youth (/supprimer), keeping only anonymous counts (DESIGN.md §9).

Works inside the caller's transaction and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.booking.errors import CancellationCutoffPassed
from core.booking.operations import ReminderOffsets, cancel, excuse
from core.models import (
    ACTIVE_BOOKING_STATUSES,
    Booking,
    CancelledBy,
    ContactRequest,
    ConversationState,
    DiagnosticResult,
    OutboxStatus,
    Reminder,
    SatisfactionAnswer,
    Slot,
    Youth,
)
from core.outbox import skip

ERASED_REASON = "erased"
SKIP_REASON_YOUTH_ERASED = "youth_erased"


@dataclass(frozen=True)
class Erasure:
    cancelled_bookings: int
    # Waitlisted bookings of other youths that got a freed seat.
    promoted: list[Booking]
    skipped_reminders: int


async def erase_youth(
    session: AsyncSession,
    youth_id: int,
    now: datetime,
    reminder_offsets: ReminderOffsets = None,
) -> Erasure | None:
    """Erase a youth, keeping only anonymous counts; None if there is no such youth.

    `reminder_offsets` are those of the youths promoted to the freed seats (see
    `core.booking.operations.book`).

    Future bookings are cancelled so their seats free up and the waitlist moves;
    booking, reminder and survey answer rows stay, without the youth and without
    free text, for the statistics. Diagnostics, contact requests and the youth row go.

    The conversation state is emptied and unlinked but not deleted: the
    conversation engine saves it after the handler against the version it read,
    and that save needs the row (so its version stays: a new one would make that
    save fail). The youth row's delete would otherwise cascade to it.
    """
    # Locked first, as every booking operation does, so an erasure and the youth's
    # own booking in another process queue up instead of deadlocking.
    locked = select(Youth).where(col(Youth.id) == youth_id).with_for_update()
    youth = await session.scalar(locked)
    if youth is None:
        return None
    # Skipped first, so every pending message of theirs says why, before the
    # cancellations below would mark them as merely cancelled bookings.
    reminders = list(
        (await session.scalars(select(Reminder).where(col(Reminder.youth_id) == youth_id))).all()
    )
    skipped = 0
    for reminder in reminders:
        if reminder.status == OutboxStatus.PENDING:
            skip(reminder, now, SKIP_REASON_YOUTH_ERASED)
            skipped += 1
        reminder.payload = {}
        reminder.youth_id = None

    cancelled, promoted = 0, []
    for booking_id in await _future_active_bookings(session, youth_id, now):
        outcome = await _withdraw(session, booking_id, youth_id, now, reminder_offsets)
        cancelled += 1
        if outcome is not None:
            promoted.append(outcome)
    # Survey answers name no youth, only the booking, which loses its youth below; their
    # comments are free text that may name them, so they go like a booking's note.
    theirs = select(col(Booking.id)).where(col(Booking.youth_id) == youth_id)
    await session.execute(
        sa.update(SatisfactionAnswer)
        .where(col(SatisfactionAnswer.booking_id).in_(theirs.scalar_subquery()))
        .values(comment=None)
        .execution_options(synchronize_session=False)
    )
    bookings = await session.scalars(select(Booking).where(col(Booking.youth_id) == youth_id))
    for booking in bookings.all():
        booking.note = None
        booking.youth_id = None

    await session.execute(
        sa.delete(DiagnosticResult).where(col(DiagnosticResult.youth_id) == youth_id)
    )
    await session.execute(sa.delete(ContactRequest).where(col(ContactRequest.youth_id) == youth_id))
    await session.execute(
        sa.update(ConversationState)
        .where(col(ConversationState.youth_id) == youth_id)
        .values(
            youth_id=None,
            flow="",
            step="",
            data={},
            offered=[],
            last_button=None,
            locale=None,
        )
        .execution_options(synchronize_session=False)
    )
    await session.delete(youth)
    await session.flush()
    return Erasure(cancelled_bookings=cancelled, promoted=promoted, skipped_reminders=skipped)


async def _future_active_bookings(session: AsyncSession, youth_id: int, now: datetime) -> list[int]:
    statement = (
        select(col(Booking.id))
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .where(
            col(Booking.youth_id) == youth_id,
            col(Booking.status).in_(ACTIVE_BOOKING_STATUSES),
            col(Slot.starts_at) > now,
        )
        .order_by(col(Slot.starts_at), col(Booking.id))
    )
    return [booking_id for booking_id in (await session.scalars(statement)).all() if booking_id]


async def _withdraw(
    session: AsyncSession,
    booking_id: int,
    youth_id: int,
    now: datetime,
    reminder_offsets: ReminderOffsets,
) -> Booking | None:
    """Cancel the booking; past the cancellation cut-off, excuse it instead (same freed seat)."""
    try:
        outcome = await cancel(
            session,
            now=now,
            booking_id=booking_id,
            by=CancelledBy.YOUTH,
            reason=ERASED_REASON,
            youth_id=youth_id,
            reminder_offsets=reminder_offsets,
        )
    except CancellationCutoffPassed:
        outcome = await excuse(
            session,
            now=now,
            booking_id=booking_id,
            youth_id=youth_id,
            reason=ERASED_REASON,
            reminder_offsets=reminder_offsets,
        )
    return outcome.promoted


async def forget_conversation(session: AsyncSession, telegram_user_id: int) -> None:
    """Delete a Telegram user's conversation state, so their next /start is a first one.

    For a conversation that never reached consent, which has no youth to erase. An
    event in flight on the deleted row finds no version to save against, and runs
    again from scratch.
    """
    await session.execute(
        sa.delete(ConversationState).where(col(ConversationState.user_id) == telegram_user_id)
    )


async def discard_staff_preview(
    session: AsyncSession,
    telegram_user_id: int,
    now: datetime,
    reminder_offsets: ReminderOffsets = None,
) -> None:
    """Throw away the throwaway youth staff speak as in the panel's bot preview.

    It is erased like any youth, so its seats free up and the waitlist moves, and
    then its bookings go too: they were never a young person's, and unlike an
    erasure's they must not stay behind as anonymous counts in the coordinators'
    figures. Its conversation goes as well, so the next /start is a first one.
    """
    if telegram_user_id >= 0:
        raise ValueError("only the preview's throwaway youths (negative Telegram ids)")
    youth_id = await session.scalar(
        select(col(Youth.id)).where(col(Youth.telegram_user_id) == telegram_user_id)
    )
    if youth_id is not None:
        booking_ids = list(
            await session.scalars(select(col(Booking.id)).where(col(Booking.youth_id) == youth_id))
        )
        await erase_youth(session, youth_id, now, reminder_offsets)
        if booking_ids:
            for model in (Reminder, SatisfactionAnswer):
                await session.execute(
                    sa.delete(model).where(col(model.booking_id).in_(booking_ids))
                )
            await session.execute(sa.delete(Booking).where(col(Booking.id).in_(booking_ids)))
    await forget_conversation(session, telegram_user_id)
