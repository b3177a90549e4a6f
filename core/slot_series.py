"""Weekly series: "every Thursday 14:00–16:00, 40 places, for 8 weeks" (DESIGN.md §5).

A series is a `SlotSeries` row and one `Slot` per occurrence, at the same local
wall-clock time every week in the configured time zone: the Linkee pickup stays
at 14:00 in Paris across the daylight-saving changes, so its UTC time moves.

An occurrence is a slot like any other: edit or cancel one with
`core.slot_admin`. Here are the changes to "this one and the following": the
fields changed on the occurrence edited are applied to every later occurrence
not cancelled, times through `move_slot`, cancellations through `cancel_slot`.
Like `core.slot_admin`, these work inside the caller's transaction and raise
to refuse, and the caller's transaction must then roll back.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.audit import record
from core.i18n import t
from core.models import (
    Booking,
    OutboxKind,
    OutboxStatus,
    Reminder,
    Slot,
    SlotSeries,
    SlotStatus,
    StaffUser,
)
from core.outbox import skip
from core.slot_admin import (
    SlotChangeRefused,
    apply_slot_values,
    cancel,
    check_site,
    create_slot,
    scoped_slot,
)
from core.slot_form import (
    SlotValues,
)
from core.slot_series_form import SeriesValues, at_pattern_times, missing_time_on
from core.slots import OffsetsFor
from core.wall_clock import NonexistentLocalTime, to_local

AUDIT_ENTITY = "slot_series"
ACTION_CREATE = "slot_series.create"
ACTION_UPDATE_FOLLOWING = "slot_series.update_following"
ACTION_CANCEL_FOLLOWING = "slot_series.cancel_following"
# Why the other notices of a youth booked on several cancelled occurrences are not sent.
SKIP_REASON_TOLD_ONCE = "series_cancelled_told_once"

_TIMES = ("starts_at", "ends_at")
_WINDOW = ("booking_opens_at", "booking_closes_at")


async def create_series(
    session: AsyncSession,
    values: SeriesValues,
    *,
    now: datetime,
    by: StaffUser | None,
    tz: tzinfo,
    site_ids: Collection[int] | None = None,
) -> tuple[SlotSeries, list[Slot]]:
    """The series row and its slots, one per week."""
    first = values.first
    check_site(first.site_id, site_ids)
    start, end = to_local(first.starts_at, tz), to_local(first.ends_at, tz)
    series = SlotSeries(
        kind=first.kind,
        title=first.title,
        weekday=start.weekday(),
        local_start=start.time(),
        local_end=end.time(),
        first_date=start.date(),
        occurrences=len(values.occurrences),
        capacity=first.capacity,
        site_id=first.site_id,
        partner_id=first.partner_id,
        created_at=now,
    )
    session.add(series)
    await session.flush()
    slots = [
        await create_slot(session, occurrence, now=now, by=by, series_id=series.id)
        for occurrence in values.occurrences
    ]
    after = _series_snapshot(series) | {"slot_ids": [slot.id for slot in slots]}
    await _audit(session, now, by, ACTION_CREATE, series.id, None, after)
    return series, slots


async def series_occurrences(
    session: AsyncSession, series_id: int, *, from_start: datetime | None = None
) -> list[Slot]:
    """The series' slots not cancelled, by start; from `from_start` on if given."""
    statement = select(Slot).where(
        col(Slot.series_id) == series_id, col(Slot.status) == SlotStatus.SCHEDULED
    )
    if from_start is not None:
        statement = statement.where(col(Slot.starts_at) >= from_start)
    statement = statement.order_by(col(Slot.starts_at), col(Slot.id))
    return list((await session.scalars(statement)).all())


async def update_following(
    session: AsyncSession,
    slot_id: int,
    values: SlotValues,
    *,
    now: datetime,
    by: StaffUser | None,
    message: str,
    offsets_for: OffsetsFor,
    tz: tzinfo,
    site_ids: Collection[int] | None = None,
) -> list[Slot]:
    """Edit this occurrence with `values`, and make the same changes to the later ones.

    A new time moves each later occurrence by as many days and to the same new
    local hours; a new booking window keeps the same distance to each start.
    Other fields take the new value only if it changed on this occurrence, so a
    later occurrence adjusted on its own keeps what was not changed now.
    """
    slot = await scoped_slot(session, slot_id, site_ids)
    check_site(values.site_id, site_ids)
    if slot.series_id is None:
        return [await _apply(session, slot, values, now, by, message, offsets_for, tz)]
    later = [
        occurrence
        for occurrence in await series_occurrences(
            session, slot.series_id, from_start=slot.starts_at
        )
        if occurrence.id != slot.id
    ]
    original = _values_of(slot)
    changed = {name for name, value in values.as_columns().items() if value != getattr(slot, name)}
    day_shift = to_local(values.starts_at, tz).date() - to_local(original.starts_at, tz).date()
    plans = []
    for occurrence in later:
        fields = {name: getattr(values, name) for name in changed - {*_TIMES, *_WINDOW}}
        planned = replace(_values_of(occurrence), **fields)
        day = to_local(occurrence.starts_at, tz).date() + day_shift
        try:
            if changed & {*_TIMES, *_WINDOW}:
                planned = at_pattern_times(
                    planned, values, tz, day=day, move_times=bool(changed & {*_TIMES})
                )
        except NonexistentLocalTime:
            raise SlotChangeRefused({"starts_at": missing_time_on(day)}) from None
        plans.append((occurrence, planned))
    updated = [await _apply(session, slot, values, now, by, message, offsets_for, tz)]
    for occurrence, planned in plans:
        updated.append(
            await _apply(session, occurrence, planned, now, by, message, offsets_for, tz)
        )
    series = await session.get(SlotSeries, slot.series_id)
    if series is not None:
        before = _series_snapshot(series)
        _follow(series, values, tz)
        after = _series_snapshot(series) | {"slot_ids": [row.id for row in updated]}
        await _audit(session, now, by, ACTION_UPDATE_FOLLOWING, series.id, before, after)
    return updated


async def cancel_following(
    session: AsyncSession,
    slot_id: int,
    *,
    now: datetime,
    by: StaffUser | None,
    message: str,
    site_ids: Collection[int] | None = None,
) -> int:
    """Cancel this occurrence and every later one; return how many youths are told.

    A youth booked on several of them gets one notice, about the first, which
    lists the others' starts in its payload (`also_cancelled`).
    """
    slot = await scoped_slot(session, slot_id, site_ids)
    if slot.series_id is None:
        return await cancel(session, slot_id, now=now, by=by, message=message, site_ids=site_ids)
    occurrences = await series_occurrences(session, slot.series_id, from_start=slot.starts_at)
    for occurrence in occurrences:
        assert occurrence.id is not None
        await cancel(session, occurrence.id, now=now, by=by, message=message, site_ids=site_ids)
    ids = [occurrence.id for occurrence in occurrences]
    told = await _tell_once(session, ids, now)
    after = {"cancelled_slot_ids": ids, "youths_told": told, "message": message}
    await _audit(session, now, by, ACTION_CANCEL_FOLLOWING, slot.series_id, None, after)
    return told


# -- helpers ----------------------------------------------------------------------------------


async def _apply(
    session: AsyncSession,
    slot: Slot,
    values: SlotValues,
    now: datetime,
    by: StaffUser | None,
    message: str,
    offsets_for: OffsetsFor,
    tz: tzinfo,
) -> Slot:
    try:
        return await apply_slot_values(
            session, slot, values, now=now, by=by, message=message, offsets_for=offsets_for
        )
    except SlotChangeRefused as refused:
        # Name the occurrence: the form shows the first one, the error may be a later one's.
        day = to_local(slot.starts_at, tz).date()
        errors = {
            name: t("{date} : {reason}", date=day, reason=reason)
            for name, reason in refused.errors.items()
        }
        raise SlotChangeRefused(errors) from None


def _values_of(slot: Slot) -> SlotValues:
    columns = {name: getattr(slot, name) for name in SlotValues.__dataclass_fields__}
    columns["site_id"] = slot.site_id or 0
    return SlotValues(**columns)


def _follow(series: SlotSeries, values: SlotValues, tz: tzinfo) -> None:
    """The series row describes the later occurrences from now on."""
    start, end = to_local(values.starts_at, tz), to_local(values.ends_at, tz)
    series.kind = values.kind
    series.title = values.title
    series.capacity = values.capacity
    series.site_id = values.site_id
    series.partner_id = values.partner_id
    series.weekday = start.weekday()
    series.local_start = start.time()
    series.local_end = end.time()


def _series_snapshot(series: SlotSeries) -> dict[str, Any]:
    return {
        "kind": series.kind.value,
        "title": series.title,
        "weekday": series.weekday,
        "local_start": series.local_start.isoformat(timespec="minutes"),
        "local_end": series.local_end.isoformat(timespec="minutes"),
        "first_date": series.first_date.isoformat(),
        "occurrences": series.occurrences,
        "capacity": series.capacity,
        "site_id": series.site_id,
        "partner_id": series.partner_id,
    }


async def _audit(
    session: AsyncSession,
    now: datetime,
    by: StaffUser | None,
    action: str,
    series_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    await record(
        session,
        staff=by,
        action=action,
        entity=AUDIT_ENTITY,
        entity_id=series_id,
        before=before,
        after=after,
        now=now,
    )


async def _tell_once(session: AsyncSession, slot_ids: list[int | None], now: datetime) -> int:
    """Keep one cancellation notice per youth, the earliest occurrence's; skip the others."""
    statement = (
        select(Reminder, Slot)
        .join(Booking, col(Booking.id) == col(Reminder.booking_id))
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .where(
            col(Slot.id).in_(slot_ids),
            col(Reminder.kind) == OutboxKind.SLOT_CANCELLED,
            col(Reminder.status) == OutboxStatus.PENDING,
            col(Reminder.created_at) == now,
        )
        .order_by(col(Slot.starts_at), col(Reminder.id))
    )
    kept: dict[int, Reminder] = {}
    for notice, slot in (await session.execute(statement)).all():
        assert notice.youth_id is not None
        first = kept.get(notice.youth_id)
        if first is None:
            kept[notice.youth_id] = notice
            continue
        also = [*first.payload.get("also_cancelled", []), slot.starts_at.isoformat()]
        first.payload = {**first.payload, "also_cancelled": also}
        skip(notice, now, SKIP_REASON_TOLD_ONCE)
    await session.flush()
    return len(kept)
