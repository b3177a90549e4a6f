"""Weekly series: same local hour across daylight-saving changes, edits and cancellations of
"this one and the following"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from core.booking import operations
from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.models import (
    AuditEntry,
    OutboxKind,
    OutboxStatus,
    Reminder,
    Slot,
    SlotSeries,
    SlotStatus,
)
from core.slot_admin import SlotChangeRefused
from core.slot_form import SlotForm, SlotValues, load_slot_choices, validate_slot_form
from core.slot_series import (
    cancel_following,
    create_series,
    series_occurrences,
    update_following,
)
from core.slot_series_form import SeriesForm, SeriesValues, validate_series_form
from tests.conftest import PARIS
from tests.support.factories import make_partner, make_site, make_youths


def _form(site_id: int, partner_id: int, **changes: Any) -> SlotForm:
    values: dict[str, Any] = {
        "kind": "food_parcel",
        "title": "Colis alimentaire Linkee",
        "partner_id": str(partner_id),
        "site_id": str(site_id),
        "starts_at": "2027-03-18T14:00",
        "ends_at": "2027-03-18T16:00",
        "capacity": "40",
        "booking_closes_at": "2027-03-17T18:00",
    }
    return SlotForm(**(values | changes))


async def _ids(database: Database) -> tuple[int, int]:
    async with database.transaction() as session:
        site = await make_site(session)
        partner = await make_partner(session)
    assert site.id
    assert partner.id
    return site.id, partner.id


async def _validated(
    database: Database, clock: ManualClock, settings: Settings, form: SeriesForm
) -> SeriesValues | dict[str, Any]:
    async with database.reading() as session:
        choices = await load_slot_choices(session, None)
    return validate_series_form(
        form,
        now=clock.now(),
        tz=settings.tz,
        choices=choices,
        cutoff_minutes_for=settings.cutoff_minutes_for,
    )


async def _series(
    database: Database, clock: ManualClock, settings: Settings, weeks: int = 3, **changes: Any
) -> list[Slot]:
    site, partner = await _ids(database)
    values = await _validated(
        database, clock, settings, SeriesForm(_form(site, partner, **changes), str(weeks))
    )
    assert isinstance(values, SeriesValues), values
    async with database.transaction() as session:
        _, slots = await create_series(session, values, now=clock.now(), by=None, tz=settings.tz)
    return slots


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


async def test_a_series_keeps_its_local_hour_across_the_march_change(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=PARIS))

    slots = await _series(database, clock, settings)

    # 14:00 in Paris: 13:00 UTC in winter, 12:00 UTC after the last Sunday of March (28th).
    assert [slot.starts_at for slot in slots] == [
        _utc(2027, 3, 18, 13),
        _utc(2027, 3, 25, 13),
        _utc(2027, 4, 1, 12),
    ]
    assert [slot.ends_at - slot.starts_at for slot in slots] == [timedelta(hours=2)] * 3
    # Bookings close on the eve at 18:00 local, each week.
    assert [slot.booking_closes_at for slot in slots] == [
        _utc(2027, 3, 17, 17),
        _utc(2027, 3, 24, 17),
        _utc(2027, 3, 31, 16),
    ]
    async with database.reading() as session:
        series = await session.scalar(select(SlotSeries))
        assert series is not None
        entries = list(await session.scalars(select(AuditEntry)))
    assert (series.weekday, series.local_start.hour, series.occurrences) == (3, 14, 3)
    assert {slot.series_id for slot in slots} == {series.id}
    assert sorted(e.action for e in entries) == ["slot.create"] * 3 + ["slot_series.create"]


async def test_a_series_keeps_its_local_hour_across_the_october_change(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    clock.set(datetime(2027, 10, 1, 9, 0, tzinfo=PARIS))

    slots = await _series(
        database,
        clock,
        settings,
        starts_at="2027-10-21T14:00",
        ends_at="2027-10-21T16:00",
        booking_closes_at="",
    )

    # The last Sunday of October 2027 is the 31st.
    assert [slot.starts_at for slot in slots] == [
        _utc(2027, 10, 21, 12),
        _utc(2027, 10, 28, 12),
        _utc(2027, 11, 4, 13),
    ]


async def test_an_occurrence_at_a_skipped_hour_refuses_the_series(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=PARIS))
    site, partner = await _ids(database)
    # Sundays at 02:30: the third one, 28 March, has no 02:30.
    form = _form(
        site,
        partner,
        kind="workshop",
        starts_at="2027-03-14T02:30",
        ends_at="2027-03-14T04:00",
        booking_closes_at="",
    )

    errors = await _validated(database, clock, settings, SeriesForm(form, "3"))

    assert isinstance(errors, dict)
    assert errors["starts_at"].args["date"] == datetime(2027, 3, 28).date()


@pytest.mark.parametrize("weeks", ["0", "53", "huit", ""])
async def test_the_number_of_weeks_is_checked(
    database: Database, clock: ManualClock, settings: Settings, weeks: str
) -> None:
    site, partner = await _ids(database)
    form = _form(site, partner, title="")

    errors = await _validated(database, clock, settings, SeriesForm(form, weeks))

    assert isinstance(errors, dict)
    assert set(errors) == {"weeks", "title"}


async def _values(
    database: Database, clock: ManualClock, settings: Settings, slot: Slot, **changes: Any
) -> SlotValues:
    async with database.reading() as session:
        choices = await load_slot_choices(session, None)
    base = _form(slot.site_id or 0, slot.partner_id or 0, **changes)
    values = validate_slot_form(
        base,
        now=clock.now(),
        tz=settings.tz,
        choices=choices,
        cutoff_minutes_for=settings.cutoff_minutes_for,
        current=slot,
    )
    assert isinstance(values, SlotValues), values
    return values


async def _book(database: Database, clock: ManualClock, youth_id: int, slot: Slot) -> None:
    async with database.transaction() as session:
        await operations.book(
            session, now=clock.now(), tz=PARIS, youth_id=youth_id, slot_id=slot.id or 0
        )


async def test_this_and_the_following_move_and_keep_their_own_fields(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=PARIS))
    first, second, third = await _series(database, clock, settings)
    async with database.transaction() as session:
        [youth] = await make_youths(session, clock.now(), 1)
        # The last occurrence was given more places on its own.
        stored = await session.get(Slot, third.id)
        assert stored is not None
        stored.capacity = 60
    await _book(database, clock, youth.id or 0, third)
    # Second occurrence: one hour later, a new title, and bookings closing at noon the eve.
    values = await _values(
        database,
        clock,
        settings,
        second,
        title="Colis Linkee",
        starts_at="2027-03-25T15:00",
        ends_at="2027-03-25T17:00",
        booking_closes_at="2027-03-24T12:00",
    )

    async with database.transaction() as session:
        updated = await update_following(
            session,
            second.id or 0,
            values,
            now=clock.now(),
            by=None,
            message="Une heure plus tard désormais.",
            offsets_for=settings.reminder_offsets_for,
            tz=settings.tz,
        )

    assert [slot.id for slot in updated] == [second.id, third.id]
    async with database.reading() as session:
        rows = await series_occurrences(session, first.series_id or 0)
        series = await session.get(SlotSeries, first.series_id)
        moved = list(
            await session.scalars(
                select(Reminder).where(col(Reminder.kind) == OutboxKind.SLOT_MOVED)
            )
        )
    assert [(r.title, r.starts_at, r.capacity) for r in rows] == [
        ("Colis alimentaire Linkee", _utc(2027, 3, 18, 13), 40),
        ("Colis Linkee", _utc(2027, 3, 25, 14), 40),
        # After the change to summer time: 15:00 in Paris is 13:00 UTC; its own capacity stays.
        ("Colis Linkee", _utc(2027, 4, 1, 13), 60),
    ]
    assert rows[2].booking_closes_at == _utc(2027, 3, 31, 10)
    assert [m.payload["message"] for m in moved] == ["Une heure plus tard désormais."]
    assert series is not None
    assert (series.title, series.local_start.hour) == ("Colis Linkee", 15)


async def test_a_later_occurrence_under_its_seats_refuses_the_whole_change(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=PARIS))
    first, _, third = await _series(database, clock, settings, capacity="3")
    async with database.transaction() as session:
        youths = await make_youths(session, clock.now(), 3)
    for youth in youths:
        await _book(database, clock, youth.id or 0, third)
    values = await _values(database, clock, settings, first, capacity="2", title="Nouveau")

    with pytest.raises(SlotChangeRefused) as refused:
        async with database.transaction() as session:
            await update_following(
                session,
                first.id or 0,
                values,
                now=clock.now(),
                by=None,
                message="",
                offsets_for=settings.reminder_offsets_for,
                tz=settings.tz,
            )

    reason = refused.value.errors["capacity"]
    assert reason.args["date"] == datetime(2027, 4, 1).date()
    async with database.reading() as session:
        titles = {slot.title for slot in await session.scalars(select(Slot))}
    assert titles == {"Colis alimentaire Linkee"}


async def test_cancelling_the_rest_tells_each_youth_once(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=PARIS))
    first, second, third = await _series(database, clock, settings)
    async with database.transaction() as session:
        regular, once = await make_youths(session, clock.now(), 2)
    # Food parcels: one a week per youth, so each booking is a different week.
    for slot in (first, second, third):
        await _book(database, clock, regular.id or 0, slot)
    await _book(database, clock, once.id or 0, third)

    async with database.transaction() as session:
        told = await cancel_following(
            session, second.id or 0, now=clock.now(), by=None, message="Linkee déménage."
        )

    assert told == 2
    async with database.reading() as session:
        statuses = [s.status for s in await session.scalars(select(Slot).order_by(Slot.id))]
        notices = list(
            await session.scalars(
                select(Reminder)
                .where(col(Reminder.kind) == OutboxKind.SLOT_CANCELLED)
                .order_by(col(Reminder.id))
            )
        )
        actions = list(await session.scalars(select(AuditEntry.action)))
    assert statuses == [SlotStatus.SCHEDULED, SlotStatus.CANCELLED, SlotStatus.CANCELLED]
    pending = [n for n in notices if n.status is OutboxStatus.PENDING]
    assert sorted(n.youth_id or 0 for n in pending) == sorted([regular.id or 0, once.id or 0])
    [for_regular] = [n for n in pending if n.youth_id == regular.id]
    assert for_regular.payload["also_cancelled"] == [third.starts_at.isoformat()]
    [skipped] = [n for n in notices if n.status is OutboxStatus.SKIPPED]
    assert skipped.skip_reason == "series_cancelled_told_once"
    assert actions.count("slot.cancel") == 2
    assert actions.count("slot_series.cancel_following") == 1
