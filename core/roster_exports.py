"""A roster on paper and in files: the sign-in sheet, the roster's CSV and the list for Linkee.

CSV files follow `core.csv_export` (French Excel: `;`, UTF-8 with a BOM). Each
function reads inside the caller's session, scoped like the roster, and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.csv_export import Render, local_date, local_datetime, to_csv
from core.i18n import Text, t
from core.models import BookingStatus, OutboxStatus, Partner, Site, Slot, SlotKind
from core.rosters import (
    ConfirmationState,
    RosterRow,
    RosterSection,
    roster_rows,
    scoped_slot,
    site_and_partner,
)
from core.staff_scope import SiteIds, StaffActionError


class NotAFoodParcelSlot(StaffActionError):
    """Linkee's list is for food-parcel pickups only."""

    code = "not_a_food_parcel_slot"

    def __init__(self, slot_id: int) -> None:
        super().__init__(f"slot {slot_id} is not a food-parcel pickup")
        self.slot_id = slot_id


# -- the printed sign-in sheet -----------------------------------------------------------


@dataclass(frozen=True)
class SignInLine:
    display_name: str
    username: str | None
    interpreter_language: str | None
    note: str | None


@dataclass(frozen=True)
class SignInSheet:
    slot: Slot
    site: Site | None
    partner: Partner | None
    # The seats in alphabetical order, for finding one's name on paper; erased youths left out.
    seats: list[SignInLine]
    # Youths still waiting may turn up on the day and take a seat left empty.
    waitlist: list[SignInLine]
    printed_at: datetime


async def sign_in_sheet(
    session: AsyncSession, slot_id: int, *, site_ids: SiteIds, now: datetime
) -> SignInSheet:
    slot = await scoped_slot(session, slot_id, site_ids)
    rows = [row for row in await roster_rows(session, slot, now) if row.youth_id is not None]
    site, partner = await site_and_partner(session, slot)

    def lines(section: RosterSection) -> list[SignInLine]:
        return [
            SignInLine(r.display_name, r.username, r.interpreter_language, r.note)
            for r in rows
            if r.section == section
        ]

    return SignInSheet(
        slot=slot,
        site=site,
        partner=partner,
        seats=sorted(lines(RosterSection.SEATS), key=lambda line: line.display_name.casefold()),
        waitlist=lines(RosterSection.WAITLIST),
        printed_at=now,
    )


# -- the roster as CSV -------------------------------------------------------------------

_SECTIONS = {
    RosterSection.SEATS: t("Place réservée"),
    RosterSection.WAITLIST: t("Liste d’attente"),
    RosterSection.WITHDRAWN: t("Ne vient pas"),
}
_CONFIRMATIONS = {
    ConfirmationState.CONFIRMED: t("Confirmé"),
    ConfirmationState.DECLINED: t("Décliné"),
    ConfirmationState.NO_ANSWER: t("Sans réponse"),
}
_ATTENDANCE = {
    BookingStatus.ATTENDED: t("Présent·e"),
    BookingStatus.EXCUSED: t("Excusé·e"),
    BookingStatus.NO_SHOW: t("Absent·e"),
}
_DELIVERY = {
    OutboxStatus.SENT: t("Envoyé"),
    OutboxStatus.FAILED: t("Échec"),
    OutboxStatus.PENDING: t("Prévu"),
    OutboxStatus.SKIPPED: t("Non envoyé"),
}
ERASED_NAME = t("(données effacées)")
ROSTER_HEADER = (
    t("Liste"),
    t("Nom"),
    t("Nom d’utilisateur Telegram"),
    t("Réservé le"),
    t("Rang sur la liste d’attente"),
    t("Confirmation"),
    t("Interprète"),
    t("Note"),
    t("Présence"),
    t("Rappel"),
    t("Motif (rappel)"),
)
LINKEE_HEADER = (t("Nom"), t("Date de retrait"))


async def roster_csv(
    session: AsyncSession,
    slot_id: int,
    *,
    site_ids: SiteIds,
    now: datetime,
    tz: tzinfo,
    render: Render,
) -> str:
    """Every row of the roster, in its order; times in `tz`, labels through `render`."""
    slot = await scoped_slot(session, slot_id, site_ids)
    rows = await roster_rows(session, slot, now)
    return to_csv(_rendered(ROSTER_HEADER, render), [_csv_row(r, tz, render) for r in rows])


def _csv_row(row: RosterRow, tz: tzinfo, render: Render) -> list[str | int | None]:
    reminder = row.reminder
    return [
        render(_SECTIONS[row.section]),
        row.display_name if row.youth_id is not None else render(ERASED_NAME),
        row.username,
        local_datetime(row.booked_at, tz),
        row.waitlist_position,
        render(_CONFIRMATIONS[row.confirmation]),
        row.interpreter_language,
        row.note,
        render(_ATTENDANCE[row.attendance]) if row.attendance is not None else None,
        render(_DELIVERY[reminder.status]) if reminder is not None else None,
        reminder.reason if reminder is not None else None,
    ]


async def linkee_export_csv(
    session: AsyncSession,
    slot_id: int,
    *,
    site_ids: SiteIds,
    now: datetime,
    tz: tzinfo,
    render: Render,
) -> str:
    """The youths holding a seat on a food-parcel pickup, as Linkee registers them in advance.

    Linkee asks for a name and the pickup date, nothing more (DESIGN.md §5): no
    Telegram username, no note. Waitlisted youths are not registered, nor staff
    trying the bot's preview, and an erased youth has no name to give.
    Alphabetical, for ticking off at the door.
    """
    slot = await scoped_slot(session, slot_id, site_ids)
    if slot.kind != SlotKind.FOOD_PARCEL:
        raise NotAFoodParcelSlot(slot_id)
    pickup = local_date(slot.starts_at, tz)
    names = sorted(
        (_name(row) for row in await roster_rows(session, slot, now) if _registered(row)),
        key=str.casefold,
    )
    return to_csv(_rendered(LINKEE_HEADER, render), [(name, pickup) for name in names])


def _registered(row: RosterRow) -> bool:
    # Staff trying the bot hold a seat on the roster, but Linkee has no parcel for them.
    return row.section == RosterSection.SEATS and row.youth_id is not None and not row.staff_preview


def _name(row: RosterRow) -> str:
    # A Telegram display name may be empty; the username is the next best thing to call out.
    return row.display_name or row.username or ""


def _rendered(header: tuple[Text, ...], render: Render) -> list[str]:
    return [render(label) for label in header]
