"""After a slot: advisers mark who came (DESIGN.md §6).

Once a slot has begun, an adviser marks each seat attended, excused or no-show,
and may correct a mark later. Each mark is audited with the values before and
after, and sets off its follow-up message (`core.follow_ups`): a kind word after
a no-show, the survey after a workshop. Seats left unmarked a day after the slot
are listed for the advisers to complete.

Works inside the caller's transaction and never commits. Rows are locked as the
booking operations lock them, youth then slot (`core.booking.operations`): a mark
racing the youth's erasure or another mark of theirs waits its turn, so the
weekly limit of follow-ups is counted under the lock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.booking import rules
from core.booking.errors import (
    BookingNotFound,
    SlotCancelled,
    SlotNotStarted,
    StaffNotFound,
)
from core.booking.operations import lock_slot
from core.follow_ups import plan_follow_ups
from core.models import (
    AuditEntry,
    Booking,
    BookingStatus,
    Slot,
    SlotStatus,
    StaffUser,
    Youth,
)

# Left unmarked this long after the slot ended, a booking is on the advisers' "to complete" list.
COMPLETE_WITHIN = timedelta(hours=24)
AUDIT_ENTITY = "booking"
ACTION_MARK = "attendance.mark"
ACTION_ALL_PRESENT = "attendance.all_present"


class ToComplete(NamedTuple):
    booking: Booking
    slot: Slot


async def mark_attendance(
    session: AsyncSession,
    booking_id: int,
    status: BookingStatus,
    now: datetime,
    by_staff_id: int,
) -> Booking:
    """Mark one booking attended, excused or no-show; marking it as it already is does nothing."""
    if status not in rules.ATTENDANCE_MARKS:
        raise ValueError(f"{status} is not an attendance mark")
    staff = await _staff(session, by_staff_id)
    booking, slot, youth = await _lock_booking(session, booking_id)
    rules.check_markable(booking, slot, now)
    if booking.status != status:
        await _mark(session, booking, slot, youth, status, now, staff, ACTION_MARK)
    return booking


async def mark_all_present(session: AsyncSession, slot_id: int, now: datetime, by: int) -> int:
    """ "All present": every seat of the slot not marked yet becomes attended; return how many.

    Seats already marked keep their mark, so the button is safe to press after
    marking the one youth who did not come.
    """
    staff = await _staff(session, by)
    slot, bookings, youths = await _lock_unmarked_seats(session, slot_id)
    if slot.status != SlotStatus.SCHEDULED:
        raise SlotCancelled(slot_id)
    if now < slot.starts_at:
        raise SlotNotStarted(slot_id)
    for booking in bookings:
        youth = youths.get(booking.youth_id) if booking.youth_id is not None else None
        await _mark(
            session, booking, slot, youth, BookingStatus.ATTENDED, now, staff, ACTION_ALL_PRESENT
        )
    return len(bookings)


async def bookings_to_complete(
    session: AsyncSession, now: datetime, site_ids: Iterable[int] | None = None
) -> list[ToComplete]:
    """Seats still unmarked a day after their slot ended, the oldest first.

    `site_ids` scopes the list to an adviser's sites; None means every site.
    """
    statement = (
        select(Booking, Slot)
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .where(
            col(Booking.status) == BookingStatus.BOOKED,
            col(Slot.status) == SlotStatus.SCHEDULED,
            col(Slot.ends_at) <= now - COMPLETE_WITHIN,
        )
        .order_by(col(Slot.ends_at), col(Slot.id), col(Booking.id))
    )
    if site_ids is not None:
        statement = statement.where(col(Slot.site_id).in_(list(site_ids)))
    return [ToComplete(booking, slot) for booking, slot in (await session.execute(statement)).all()]


# -- marking ------------------------------------------------------------------------------


async def _mark(
    session: AsyncSession,
    booking: Booking,
    slot: Slot,
    youth: Youth | None,
    status: BookingStatus,
    now: datetime,
    staff: StaffUser,
    action: str,
) -> None:
    before = _attendance(booking)
    previous = booking.status
    booking.status = status
    booking.attendance_marked_at = now
    booking.attendance_marked_by = staff.id
    booking.updated_at = now
    session.add(
        AuditEntry(
            at=now,
            staff_id=staff.id,
            # The email stays readable in the log after the staff account is deleted.
            actor=staff.email,
            action=action,
            entity=AUDIT_ENTITY,
            entity_id=str(booking.id),
            before=before,
            after=_attendance(booking),
        )
    )
    await plan_follow_ups(session, booking, slot, youth, previous, now, by_staff_id=staff.id)
    await session.flush()


def _attendance(booking: Booking) -> dict[str, Any]:
    marked_at = booking.attendance_marked_at
    return {
        "status": booking.status.value,
        "attendance_marked_at": marked_at.isoformat() if marked_at is not None else None,
        "attendance_marked_by": booking.attendance_marked_by,
    }


# -- reading and locking --------------------------------------------------------------------


async def _staff(session: AsyncSession, staff_id: int) -> StaffUser:
    staff = await session.get(StaffUser, staff_id)
    if staff is None:
        raise StaffNotFound(staff_id)
    return staff


async def _lock_booking(
    session: AsyncSession, booking_id: int
) -> tuple[Booking, Slot, Youth | None]:
    """The booking, its slot and its youth (None once erased), locked youth first, then slot."""
    statement = (
        select(Booking)
        .where(col(Booking.id) == booking_id)
        .execution_options(populate_existing=True)
    )
    booking = await session.scalar(statement)
    if booking is None:
        raise BookingNotFound(booking_id)
    youths = await _lock_youths(session, [booking.youth_id])
    slot = await lock_slot(session, booking.slot_id)
    # Read again under the locks: an erasure that held the youth has unlinked it by now.
    booking = (await session.scalars(statement)).one()
    youth = youths.get(booking.youth_id) if booking.youth_id is not None else None
    return booking, slot, youth


async def _lock_unmarked_seats(
    session: AsyncSession, slot_id: int
) -> tuple[Slot, list[Booking], dict[int, Youth]]:
    """The slot and its seats not marked yet, with their youths, locked youths first."""
    booked = select(Booking).where(
        col(Booking.slot_id) == slot_id, col(Booking.status) == BookingStatus.BOOKED
    )
    first = (await session.scalars(booked)).all()
    youths = await _lock_youths(session, [booking.youth_id for booking in first])
    slot = await lock_slot(session, slot_id)
    statement = booked.order_by(col(Booking.id)).execution_options(populate_existing=True)
    bookings = list((await session.scalars(statement)).all())
    # A seat taken between the first read and the slot's lock (rare) has its youth locked
    # out of order; a deadlock that may cause is a lost race the caller runs again.
    late = [b.youth_id for b in bookings if b.youth_id is not None and b.youth_id not in youths]
    youths |= await _lock_youths(session, late)
    return slot, bookings, youths


async def _lock_youths(session: AsyncSession, youth_ids: Iterable[int | None]) -> dict[int, Youth]:
    # In id order, so two marks sharing youths cannot deadlock; FOR NO KEY UPDATE, as
    # the booking operations lock a youth (see there why).
    wanted = sorted({youth_id for youth_id in youth_ids if youth_id is not None})
    if not wanted:
        return {}
    statement = (
        select(Youth)
        .where(col(Youth.id).in_(wanted))
        .order_by(col(Youth.id))
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    return {youth.id: youth for youth in (await session.scalars(statement)).all() if youth.id}
