"""Publishing, editing and cancelling a slot from the staff panel, each change audited.

The panel validates its form with `core.slot_form` and calls these with the
values. They work inside the caller's transaction and never commit; when one
raises, the caller's transaction must roll back (as `Database.transaction()`
does), since a move may already have been applied.

Advisers act only on their sites' slots: every function takes `site_ids`, the
sites of the staff member (None for every site), and refuses a slot elsewhere
with `OutsideYourSites`, which the route shows as "not found".

A change of time goes through `core.slots.move_slot`, so the youths booked or
waiting are told with the staff's message and their reminders planned again; a
cancellation goes through `core.slots.cancel_slot`. Every change writes an
`AuditEntry` with the fields before and after.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import case, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

# The waitlist's own promotion step, so a seat added by raising the capacity goes to
# the longest-waiting youth exactly as a seat freed by a cancellation does.
from core.audit import record
from core.booking.errors import SlotCancelled, SlotNotFound
from core.booking.operations import promote_next
from core.i18n import t, tn
from core.models import Booking, BookingStatus, Slot, SlotStatus, StaffUser
from core.slot_form import FieldErrors, SlotValues
from core.slots import OffsetsFor, cancel_slot, move_slot
from core.staff_scope import NotFound, StaffActionError

AUDIT_ENTITY = "slot"
ACTION_CREATE = "slot.create"
ACTION_UPDATE = "slot.update"
ACTION_CANCEL = "slot.cancel"

KIND_LOCKED = t("Des jeunes ont déjà réservé ce créneau : son type ne peut plus changer.")


class OutsideYourSites(NotFound):
    """The slot, or the site it would go to, is not one of the staff member's sites.

    A `NotFound`, so the panel answers as for a slot that does not exist.
    """


class SlotChangeRefused(StaffActionError):
    """The values are valid alone but not for this slot (capacity under the seats taken);
    `errors` are shown next to the form's fields."""

    code = "slot_change_refused"

    def __init__(self, errors: FieldErrors) -> None:
        super().__init__(", ".join(sorted(errors)))
        self.errors = errors


# -- public operations ----------------------------------------------------------------------


async def create_slot(
    session: AsyncSession,
    values: SlotValues,
    *,
    now: datetime,
    by: StaffUser | None,
    site_ids: Collection[int] | None = None,
    series_id: int | None = None,
) -> Slot:
    """Publish a new slot; it is bookable at once (or when its booking window opens)."""
    check_site(values.site_id, site_ids)
    slot = Slot(**values.as_columns(), series_id=series_id, created_at=now, updated_at=now)
    session.add(slot)
    await session.flush()
    await audit(session, now=now, by=by, action=ACTION_CREATE, slot=slot, before=None)
    return slot


async def update_slot(
    session: AsyncSession,
    slot_id: int,
    values: SlotValues,
    *,
    now: datetime,
    by: StaffUser | None,
    message: str,
    offsets_for: OffsetsFor,
    site_ids: Collection[int] | None = None,
) -> Slot:
    """Apply the form's values to the slot.

    New times move it (`move_slot`: every youth booked or waiting is told, with
    `message`); the rest applies directly. Raises `SlotChangeRefused` when the
    capacity would fall under the seats taken, or the kind change under bookings.
    Pass `Settings.reminder_offsets_for` as `offsets_for`.
    """
    slot = await scoped_slot(session, slot_id, site_ids)
    check_site(values.site_id, site_ids)
    return await apply_slot_values(
        session, slot, values, now=now, by=by, message=message, offsets_for=offsets_for
    )


async def cancel(
    session: AsyncSession,
    slot_id: int,
    *,
    now: datetime,
    by: StaffUser | None,
    message: str,
    site_ids: Collection[int] | None = None,
) -> int:
    """Cancel the slot, telling each youth booked or waiting `message`; return how many.

    Cancelling a slot already cancelled does nothing and writes nothing.
    """
    slot = await scoped_slot(session, slot_id, site_ids)
    if slot.status == SlotStatus.CANCELLED:
        return 0
    before = slot_snapshot(slot)
    told = await cancel_slot(session, slot_id, now, message, by.id if by else None)
    await audit(session, now=now, by=by, action=ACTION_CANCEL, slot=slot, before=before, told=told)
    return told


async def youths_to_tell(session: AsyncSession, slot_id: int) -> int:
    """How many youths a move or a cancellation would tell: the panel asks to confirm then."""
    booked, waiting = await seats(session, slot_id)
    return booked + waiting


# -- shared with the series -----------------------------------------------------------------


async def scoped_slot(
    session: AsyncSession, slot_id: int, site_ids: Collection[int] | None
) -> Slot:
    slot = await session.get(Slot, slot_id, populate_existing=True)
    if slot is None:
        raise SlotNotFound(slot_id)
    # A slot with no site belongs to no other site: every adviser may see it
    # (`core.staff_scope`).
    if site_ids is not None and slot.site_id is not None and slot.site_id not in site_ids:
        raise OutsideYourSites("slot", slot_id)
    return slot


def check_site(site_id: int, site_ids: Collection[int] | None) -> None:
    """A slot may be put only on one of the staff member's sites."""
    if site_ids is not None and site_id not in site_ids:
        raise OutsideYourSites("site", site_id)


async def apply_slot_values(
    session: AsyncSession,
    slot: Slot,
    values: SlotValues,
    *,
    now: datetime,
    by: StaffUser | None,
    message: str,
    offsets_for: OffsetsFor,
    action: str = ACTION_UPDATE,
) -> Slot:
    """`update_slot` on a slot already read and checked for scope."""
    if slot.status == SlotStatus.CANCELLED:
        raise SlotCancelled(slot.id)
    assert slot.id is not None
    before = slot_snapshot(slot)
    told = None
    if (values.starts_at, values.ends_at) != (slot.starts_at, slot.ends_at):
        # Locks the youths then the slot, as every booking writer does.
        told = await move_slot(
            session, slot.id, values.starts_at, values.ends_at, now, message, offsets_for
        )
    else:
        await _lock_slot(session, slot.id)
    booked, waiting = await seats(session, slot.id)
    errors: FieldErrors = {}
    if values.capacity < booked:
        errors["capacity"] = tn(
            "{n} place est déjà prise : la capacité ne peut pas être plus petite.",
            "{n} places sont déjà prises : la capacité ne peut pas être plus petite.",
            booked,
        )
    if values.kind != slot.kind and booked + waiting:
        errors["kind"] = KIND_LOCKED
    if errors:
        raise SlotChangeRefused(errors)
    grew = values.capacity > slot.capacity
    for name, value in values.as_columns().items():
        setattr(slot, name, value)
    slot.updated_at = now
    await session.flush()
    if grew and waiting:
        offsets = offsets_for(slot.kind)
        while await promote_next(session, slot, now, offsets) is not None:
            pass
    await audit(session, now=now, by=by, action=action, slot=slot, before=before, told=told)
    return slot


async def seats(session: AsyncSession, slot_id: int) -> tuple[int, int]:
    """Seats taken and youths waiting on the slot."""
    is_booked = col(Booking.status) == BookingStatus.BOOKED
    is_waiting = col(Booking.status) == BookingStatus.WAITLISTED
    statement = select(
        func.coalesce(func.sum(case((is_booked, 1), else_=0)), 0),
        func.coalesce(func.sum(case((is_waiting, 1), else_=0)), 0),
    ).where(col(Booking.slot_id) == slot_id)
    booked, waiting = (await session.execute(statement)).one()
    return int(booked), int(waiting)


def slot_snapshot(slot: Slot) -> dict[str, Any]:
    """The slot's editable fields and status, as JSON for the audit log."""
    names = (*SlotValues.__dataclass_fields__, "status", "series_id", "cancel_reason")
    return {name: _json(getattr(slot, name)) for name in names}


async def audit(
    session: AsyncSession,
    *,
    now: datetime,
    by: StaffUser | None,
    action: str,
    slot: Slot,
    before: dict[str, Any] | None,
    told: int | None = None,
) -> None:
    """Log the change of `slot` from `before`: the fields that changed, both ways."""
    after = slot_snapshot(slot)
    if before is not None:
        changed = [name for name in after if after[name] != before.get(name)]
        before = {name: before.get(name) for name in changed}
        after = {name: after[name] for name in changed}
    if told is not None:
        after["youths_told"] = told
    if before == {} and after == {}:
        return  # nothing changed: nothing to log
    await record(
        session,
        staff=by,
        action=action,
        entity=AUDIT_ENTITY,
        entity_id=slot.id,
        before=before,
        after=after,
        now=now,
    )


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return dict(value)
    return value


async def _lock_slot(session: AsyncSession, slot_id: int) -> None:
    # The same lock the booking operations take after the youth's: a youth booking
    # meanwhile waits, so the seats counted next stay true until the commit.
    # Read again under the lock, so the values compared are the committed ones.
    await session.execute(
        select(Slot)
        .where(col(Slot.id) == slot_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
