"""Who is on a slot: the roster advisers read, print and complete.

The roster lists the seats first, then the waitlist in the order it is served,
then the youths who said in advance they could not come (their "declined" is
what the reminder's answer tells the adviser). Cancelled bookings are left out.
Seats marked excused after the slot began stay among the seats: they held one.

Read-only: works inside the caller's session and never commits. The printed
sign-in sheet and the CSV exports of the same rows are in `core.roster_exports`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.attendance import bookings_to_complete
from core.booking.rules import ATTENDANCE_MARKS
from core.models import (
    Booking,
    BookingStatus,
    Confirmation,
    OutboxKind,
    OutboxStatus,
    Partner,
    Reminder,
    Site,
    Slot,
    SlotStatus,
    Youth,
)
from core.staff_preview import is_staff_preview
from core.staff_scope import (
    DEFAULT_PER_PAGE,
    NotFound,
    Page,
    SiteIds,
    page_of,
    site_visible,
)

# A roster is one slot's seats and waitlist: a page this long holds a whole Linkee pickup.
ROSTER_PER_PAGE = 100


class RosterSection(StrEnum):
    SEATS = "seats"
    WAITLIST = "waitlist"
    # Said "I can't come" (or excused themselves) before the slot: the seat went on.
    WITHDRAWN = "withdrawn"


class ConfirmationState(StrEnum):
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    NO_ANSWER = "no_answer"


@dataclass(frozen=True)
class ReminderDelivery:
    """What became of the booking's reminder: sent, failed (with why), pending or skipped."""

    status: OutboxStatus
    # Telegram's refusal for a failed one, the skip reason for a skipped one.
    reason: str | None
    due_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class RosterRow:
    booking_id: int
    # None once the youth erased their data: the row stays as an anonymous seat.
    youth_id: int | None
    display_name: str
    username: str | None
    # Staff trying the bot in the panel's preview, not a young person.
    staff_preview: bool
    booked_at: datetime
    section: RosterSection
    # 1 for the next youth to get a seat; None off the waitlist.
    waitlist_position: int | None
    confirmation: ConfirmationState
    interpreter_language: str | None
    note: str | None
    # Attended, excused or no-show once marked; None before.
    attendance: BookingStatus | None
    # None when no reminder was planned (booked after the last offset, or waitlisted).
    reminder: ReminderDelivery | None


@dataclass(frozen=True)
class Roster:
    slot: Slot
    site: Site | None
    partner: Partner | None
    rows: Page[RosterRow]
    seats_taken: int
    waitlisted: int
    # Attendance can be marked once the slot has begun (`core.attendance`).
    attendance_open: bool


@dataclass(frozen=True)
class SlotToComplete:
    slot: Slot
    # The seats still unmarked, in booking order.
    booking_ids: list[int]


async def scoped_slot(session: AsyncSession, slot_id: int, site_ids: SiteIds) -> Slot:
    slot = await session.get(Slot, slot_id)
    if slot is None or not site_visible(slot.site_id, site_ids):
        raise NotFound("slot", slot_id)
    return slot


async def roster(
    session: AsyncSession,
    slot_id: int,
    *,
    site_ids: SiteIds,
    now: datetime,
    page: int = 1,
    per_page: int = ROSTER_PER_PAGE,
) -> Roster:
    slot = await scoped_slot(session, slot_id, site_ids)
    rows = await roster_rows(session, slot, now)
    site, partner = await site_and_partner(session, slot)
    return Roster(
        slot=slot,
        site=site,
        partner=partner,
        rows=page_of(rows, page, per_page),
        seats_taken=sum(1 for row in rows if row.section == RosterSection.SEATS),
        waitlisted=sum(1 for row in rows if row.section == RosterSection.WAITLIST),
        attendance_open=slot.status == SlotStatus.SCHEDULED and now >= slot.starts_at,
    )


async def site_and_partner(session: AsyncSession, slot: Slot) -> tuple[Site | None, Partner | None]:
    site = await session.get(Site, slot.site_id) if slot.site_id is not None else None
    partner = await session.get(Partner, slot.partner_id) if slot.partner_id is not None else None
    return site, partner


async def roster_rows(session: AsyncSession, slot: Slot, now: datetime) -> list[RosterRow]:
    """Every row of the slot's roster, in the roster's order."""
    statement = (
        select(Booking, Youth)
        .outerjoin(Youth, col(Youth.id) == col(Booking.youth_id))
        .where(
            col(Booking.slot_id) == slot.id,
            col(Booking.status) != BookingStatus.CANCELLED,
        )
        # Waitlist order is id order (see `core.booking.queries.waitlist_position`).
        .order_by(col(Booking.id))
    )
    pairs = (await session.execute(statement)).all()
    deliveries = await _reminder_deliveries(session, [b.id for b, _ in pairs if b.id], now)
    rows: list[RosterRow] = []
    waiting = 0
    for booking, youth in pairs:
        section = _section(booking)
        if section == RosterSection.WAITLIST:
            waiting += 1
        assert booking.id is not None
        rows.append(
            RosterRow(
                booking_id=booking.id,
                youth_id=booking.youth_id,
                display_name=youth.display_name if youth is not None else "",
                username=youth.username if youth is not None else None,
                staff_preview=youth is not None and is_staff_preview(youth.telegram_user_id),
                booked_at=booking.created_at,
                section=section,
                waitlist_position=waiting if section == RosterSection.WAITLIST else None,
                confirmation=_confirmation(booking),
                interpreter_language=booking.interpreter_language,
                note=booking.note,
                attendance=_attendance(booking),
                reminder=deliveries.get(booking.id),
            )
        )
    order = list(RosterSection)
    # Stable: within a section, booking (waitlist) order is kept.
    return sorted(rows, key=lambda row: order.index(row.section))


def _section(booking: Booking) -> RosterSection:
    if booking.status == BookingStatus.WAITLISTED:
        return RosterSection.WAITLIST
    if booking.status == BookingStatus.EXCUSED and booking.attendance_marked_at is None:
        return RosterSection.WITHDRAWN
    return RosterSection.SEATS


def _confirmation(booking: Booking) -> ConfirmationState:
    if booking.confirmation == Confirmation.COMING:
        return ConfirmationState.CONFIRMED
    if booking.confirmation == Confirmation.DECLINED:
        return ConfirmationState.DECLINED
    return ConfirmationState.NO_ANSWER


def _attendance(booking: Booking) -> BookingStatus | None:
    marked = booking.attendance_marked_at is not None and booking.status in ATTENDANCE_MARKS
    return booking.status if marked else None


async def _reminder_deliveries(
    session: AsyncSession, booking_ids: Sequence[int], now: datetime
) -> dict[int, ReminderDelivery]:
    """Per booking, its latest reminder already due at `now`, else the next one planned.

    The 48 h reminder sent and the 2 h one still ahead reads "sent": what the
    adviser wants to know is whether the youth has been reminded.
    """
    if not booking_ids:
        return {}
    statement = (
        select(Reminder)
        .where(
            col(Reminder.booking_id).in_(booking_ids),
            col(Reminder.kind) == OutboxKind.REMINDER,
        )
        .order_by(col(Reminder.due_at), col(Reminder.id))
    )
    chosen: dict[int, Reminder] = {}
    for reminder in (await session.scalars(statement)).all():
        assert reminder.booking_id is not None
        current = chosen.get(reminder.booking_id)
        if current is None or reminder.due_at <= now:
            chosen[reminder.booking_id] = reminder
    return {booking_id: _delivery(reminder) for booking_id, reminder in chosen.items()}


def _delivery(reminder: Reminder) -> ReminderDelivery:
    reason = {
        OutboxStatus.FAILED: reminder.last_error,
        OutboxStatus.SKIPPED: reminder.skip_reason,
    }.get(reminder.status)
    return ReminderDelivery(reminder.status, reason, reminder.due_at, reminder.sent_at)


# -- attendance to complete ---------------------------------------------------------------


async def to_complete(
    session: AsyncSession,
    *,
    site_ids: SiteIds,
    now: datetime,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
) -> Page[SlotToComplete]:
    """Past slots with seats left unmarked (`core.attendance.bookings_to_complete`), oldest first.

    Asked for every site and scoped here, so the slots with no site are listed
    for advisers too, as everywhere else in the panel.
    """
    grouped: dict[int, SlotToComplete] = {}
    for booking, slot in await bookings_to_complete(session, now):
        if slot.id is None or booking.id is None or not site_visible(slot.site_id, site_ids):
            continue
        grouped.setdefault(slot.id, SlotToComplete(slot, [])).booking_ids.append(booking.id)
    return page_of(list(grouped.values()), page, per_page)


def seat_count_filter() -> sa.ColumnElement[bool]:
    """SQL: a booking that holds (or held, once marked) a seat, as the roster's seats section."""
    return sa.or_(
        col(Booking.status).in_(
            [BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW]
        ),
        (col(Booking.status) == BookingStatus.EXCUSED)
        & col(Booking.attendance_marked_at).is_not(None),
    )
