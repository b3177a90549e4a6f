"""Staff publishing, editing and cancelling one slot: the form's checks, the changes, the audit."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import pytest
from sqlmodel import col, select

from core.booking import operations
from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.i18n import Text
from core.models import (
    AuditEntry,
    Booking,
    BookingStatus,
    OutboxKind,
    Place,
    Reminder,
    Slot,
    SlotKind,
    SlotStatus,
    StaffRole,
    StaffUser,
)
from core.slot_admin import (
    OutsideYourSites,
    SlotChangeRefused,
    cancel,
    create_slot,
    update_slot,
    youths_to_tell,
)
from core.slot_form import (
    SlotChoices,
    SlotForm,
    SlotValues,
    load_slot_choices,
    new_slot_form,
    slot_form_from,
    validate_slot_form,
)
from core.staff_scope import NotFound
from tests.conftest import PARIS
from tests.support.factories import make_partner, make_site, make_youths

_emails = itertools.count(1)


class World(NamedTuple):
    site: int
    other_site: int
    partner: int
    place: int
    staff: StaffUser
    choices: SlotChoices


async def _world(database: Database, now: datetime) -> World:
    async with database.transaction() as session:
        site = await make_site(session, latitude=48.87, longitude=2.38)
        other = await make_site(session)
        partner = await make_partner(session, code="linkee", name="Linkee")
        place = Place(
            name="Point Linkee", address="75020 Paris", latitude=48.8655, longitude=2.3985
        )
        staff = StaffUser(
            email=f"conseil{next(_emails)}@ml.fr",
            password_hash="x",
            role=StaffRole.ADVISER,
            created_at=now,
        )
        session.add_all([place, staff])
        await session.flush()
        choices = await load_slot_choices(session, None)
    assert site.id
    assert other.id
    assert partner.id
    assert place.id
    return World(site.id, other.id, partner.id, place.id, staff, choices)


def _form(world: World, **changes: Any) -> SlotForm:
    values: dict[str, Any] = {
        "kind": "food_parcel",
        "title": "Colis alimentaire Linkee",
        "title_en": "Linkee food parcel",
        "partner_id": str(world.partner),
        "site_id": str(world.site),
        "place_id": str(world.place),
        "starts_at": "2026-11-26T14:00",
        "ends_at": "2026-11-26T16:00",
        "capacity": "40",
        "booking_closes_at": "2026-11-25T18:00",
    }
    return SlotForm(**(values | changes))


def _validate(
    form: SlotForm, world: World, clock: ManualClock, settings: Settings, **options: Any
) -> SlotValues | dict[str, Text]:
    return validate_slot_form(
        form,
        now=clock.now(),
        tz=settings.tz,
        choices=world.choices,
        cutoff_minutes_for=settings.cutoff_minutes_for,
        **options,
    )


def _valid(form: SlotForm, world: World, clock: ManualClock, settings: Settings) -> SlotValues:
    values = _validate(form, world, clock, settings)
    assert isinstance(values, SlotValues), values
    return values


async def _audit(database: Database) -> list[AuditEntry]:
    async with database.reading() as session:
        return list(await session.scalars(select(AuditEntry).order_by(col(AuditEntry.id))))


async def _slot(database: Database, slot_id: int | None) -> Slot:
    async with database.reading() as session:
        slot = await session.get(Slot, slot_id)
        assert slot is not None
        return slot


async def _published(
    database: Database, clock: ManualClock, settings: Settings, world: World, **changes: Any
) -> Slot:
    values = _valid(_form(world, **changes), world, clock, settings)
    async with database.transaction() as session:
        return await create_slot(session, values, now=clock.now(), by=world.staff)


async def _book(database: Database, clock: ManualClock, slot: Slot, count: int) -> list[Booking]:
    async with database.transaction() as session:
        youths = await make_youths(session, clock.now(), count)
    bookings = []
    for youth in youths:
        async with database.transaction() as session:
            outcome = await operations.book(
                session, now=clock.now(), tz=PARIS, youth_id=youth.id or 0, slot_id=slot.id or 0
            )
        bookings.append(outcome.booking)
    return bookings


# -- the form ---------------------------------------------------------------------------------


async def test_a_valid_form_copies_the_place_and_reads_local_times(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    world = await _world(database, clock.now())

    values = _valid(_form(world), world, clock, settings)

    assert values.kind is SlotKind.FOOD_PARCEL
    assert (values.place_name, values.address) == ("Point Linkee", "75020 Paris")
    assert (values.latitude, values.longitude) == (48.8655, 2.3985)
    # 14:00 in Paris in November is 13:00 UTC.
    assert values.starts_at == datetime(2026, 11, 26, 13, 0, tzinfo=UTC)
    assert values.booking_closes_at == datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
    assert values.title_translations == {"en": "Linkee food parcel"}
    assert values.cancellation_cutoff_minutes == settings.cutoff_minutes_for(SlotKind.FOOD_PARCEL)


async def test_without_a_place_the_site_or_a_typed_address_is_used(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    world = await _world(database, clock.now())

    at_site = _valid(_form(world, place_id=""), world, clock, settings)
    typed = _valid(_form(world, place_id="", address=" 3 rue  Ramponeau "), world, clock, settings)

    assert (at_site.latitude, at_site.longitude) == (48.87, 2.38)
    assert at_site.address.endswith("75020 Paris")
    assert (typed.address, typed.latitude) == ("3 rue Ramponeau", None)


@pytest.mark.parametrize(
    ("changes", "field", "msgid_part"),
    [
        ({"kind": "party"}, "kind", "type de créneau"),
        ({"modality": "video"}, "modality", "modalité"),
        ({"title": "  "}, "title", "obligatoire"),
        ({"title": "x" * 201}, "title", "caractères au plus"),
        ({"title_en": "x" * 201}, "title_en", "caractères au plus"),
        ({"topic": "jobs"}, "topic", "Choisis un thème dans la liste, ou aucun."),
        ({"description": "x" * 4001}, "description", "caractères au plus"),
        ({"what_to_bring": "x" * 1001}, "what_to_bring", "caractères au plus"),
        ({"address": "x" * 301, "place_id": ""}, "address", "caractères au plus"),
        ({"site_id": ""}, "site_id", "site"),
        ({"site_id": "999999"}, "site_id", "site"),
        ({"partner_id": "abc"}, "partner_id", "partenaire"),
        ({"place_id": "999999"}, "place_id", "lieu"),
        ({"starts_at": ""}, "starts_at", "obligatoire"),
        ({"starts_at": "26/11/2026 14h"}, "starts_at", "2026-11-26 14:00"),
        ({"starts_at": "2026-02-30T14:00"}, "starts_at", "2026-11-26 14:00"),
        ({"ends_at": "2026-11-26T13:00"}, "ends_at", "après le début"),
        (
            {"starts_at": "2026-11-20T14:00", "booking_closes_at": ""},
            "starts_at",
            "déjà passé",
        ),
        ({"capacity": "0"}, "capacity", "entier positif"),
        ({"capacity": "dix"}, "capacity", "entier positif"),
        ({"kind": "appointment", "capacity": "2"}, "capacity", "une seule place"),
        ({"cancellation_cutoff_minutes": "-5"}, "cancellation_cutoff_minutes", "minutes"),
        (
            {"booking_opens_at": "2026-11-27T09:00", "booking_closes_at": ""},
            "booking_opens_at",
            "ouvrir avant",
        ),
        ({"booking_closes_at": "2026-11-26T15:00"}, "booking_closes_at", "au plus tard"),
        (
            {"booking_opens_at": "2026-11-25T19:00"},
            "booking_closes_at",
            "après leur ouverture",
        ),
    ],
)
async def test_each_bad_field_gets_its_message(
    database: Database,
    clock: ManualClock,
    settings: Settings,
    changes: dict[str, str],
    field: str,
    msgid_part: str,
) -> None:
    world = await _world(database, clock.now())

    errors = _validate(_form(world, **changes), world, clock, settings)

    assert isinstance(errors, dict)
    assert list(errors) == [field]
    assert msgid_part in (errors[field].plural or errors[field].msgid)


async def test_a_time_skipped_by_daylight_saving_is_refused(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    world = await _world(database, clock.now())
    # Clocks go from 02:00 to 03:00 on the last Sunday of March.
    form = _form(world, starts_at="2027-03-28T02:30", ends_at="2027-03-28T04:00")
    form.booking_closes_at = ""

    errors = _validate(form, world, clock, settings)

    assert isinstance(errors, dict)
    assert "heure d’été" in errors["starts_at"].msgid


async def test_an_edit_may_keep_a_past_start_and_the_typed_address_keeps_its_pin(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    world = await _world(database, clock.now())
    slot = await _published(database, clock, settings, world)
    clock.advance(timedelta(days=5))  # the slot is over

    form = slot_form_from(slot, settings.tz)  # no choices: the place shows as an address
    form.description = "Merci à tous !"
    values = _valid_edit(form, world, clock, settings, slot)

    assert values.starts_at == slot.starts_at
    assert (values.place_name, values.latitude) == ("Point Linkee", 48.8655)
    assert slot_form_from(slot, settings.tz, world.choices).place_id == str(world.place)


def _valid_edit(
    form: SlotForm, world: World, clock: ManualClock, settings: Settings, slot: Slot
) -> SlotValues:
    values = _validate(form, world, clock, settings, current=slot)
    assert isinstance(values, SlotValues), values
    return values


async def test_a_new_form_has_the_kinds_defaults(settings: Settings) -> None:
    form = new_slot_form(SlotKind.APPOINTMENT, settings.cutoff_minutes_for)

    assert (form.capacity, form.waitlist_enabled) == ("1", False)
    assert form.cancellation_cutoff_minutes == str(
        settings.cutoff_minutes_for(SlotKind.APPOINTMENT)
    )


# -- creating, editing, cancelling ------------------------------------------------------------


async def test_creating_a_slot_is_audited(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    world = await _world(database, clock.now())

    slot = await _published(database, clock, settings, world)

    [entry] = await _audit(database)
    assert (entry.action, entity_of(entry), entry.staff_id) == (
        "slot.create",
        ("slot", str(slot.id)),
        world.staff.id,
    )
    assert entry.before is None
    assert entry.after is not None
    assert entry.after["title"] == "Colis alimentaire Linkee"
    assert entry.after["starts_at"] == "2026-11-26T13:00:00+00:00"


def entity_of(entry: AuditEntry) -> tuple[str, str]:
    return entry.entity, entry.entity_id


async def test_other_edits_apply_directly_and_log_only_what_changed(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    world = await _world(database, clock.now())
    slot = await _published(database, clock, settings, world)
    await _book(database, clock, slot, 2)
    values = _valid(_form(world, title="Colis Linkee", capacity="2"), world, clock, settings)

    async with database.transaction() as session:
        await update_slot(
            session,
            slot.id or 0,
            values,
            now=clock.now(),
            by=world.staff,
            message="",
            offsets_for=settings.reminder_offsets_for,
            site_ids={world.site},
        )

    stored = await _slot(database, slot.id)
    assert (stored.title, stored.capacity) == ("Colis Linkee", 2)
    entry = (await _audit(database))[-1]
    assert entry.action == "slot.update"
    assert entry.before == {"title": "Colis alimentaire Linkee", "capacity": 40}
    assert entry.after == {"title": "Colis Linkee", "capacity": 2}
    async with database.reading() as session:
        moved = await session.scalars(
            select(Reminder).where(col(Reminder.kind) == OutboxKind.SLOT_MOVED)
        )
        assert list(moved) == []


async def test_a_new_time_moves_the_slot_and_tells_each_youth(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    world = await _world(database, clock.now())
    slot = await _published(database, clock, settings, world)
    bookings = await _book(database, clock, slot, 2)
    values = _valid(
        _form(world, starts_at="2026-11-26T15:00", ends_at="2026-11-26T17:00"),
        world,
        clock,
        settings,
    )
    async with database.reading() as session:
        assert await youths_to_tell(session, slot.id or 0) == 2

    async with database.transaction() as session:
        await update_slot(
            session,
            slot.id or 0,
            values,
            now=clock.now(),
            by=world.staff,
            message="La distribution commence une heure plus tard.",
            offsets_for=settings.reminder_offsets_for,
        )

    stored = await _slot(database, slot.id)
    assert stored.starts_at == datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
    async with database.reading() as session:
        notices = list(
            await session.scalars(
                select(Reminder).where(col(Reminder.kind) == OutboxKind.SLOT_MOVED)
            )
        )
    assert sorted(n.booking_id or 0 for n in notices) == sorted(b.id or 0 for b in bookings)
    assert {n.payload["message"] for n in notices} == {
        "La distribution commence une heure plus tard."
    }
    entry = (await _audit(database))[-1]
    assert entry.after is not None
    assert entry.after["youths_told"] == 2
    assert entry.after["starts_at"] == "2026-11-26T14:00:00+00:00"


async def test_capacity_may_not_go_below_the_seats_taken(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    world = await _world(database, clock.now())
    slot = await _published(database, clock, settings, world)
    await _book(database, clock, slot, 3)
    values = _valid(_form(world, capacity="2", title="Autre titre"), world, clock, settings)

    with pytest.raises(SlotChangeRefused) as refused:
        async with database.transaction() as session:
            await update_slot(
                session,
                slot.id or 0,
                values,
                now=clock.now(),
                by=world.staff,
                message="",
                offsets_for=settings.reminder_offsets_for,
            )

    assert refused.value.errors["capacity"].n == 3
    stored = await _slot(database, slot.id)
    assert (stored.capacity, stored.title) == (40, "Colis alimentaire Linkee")


async def test_the_kind_is_fixed_once_booked(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    world = await _world(database, clock.now())
    slot = await _published(database, clock, settings, world)
    await _book(database, clock, slot, 1)
    values = _valid(_form(world, kind="workshop"), world, clock, settings)

    with pytest.raises(SlotChangeRefused) as refused:
        async with database.transaction() as session:
            await update_slot(
                session,
                slot.id or 0,
                values,
                now=clock.now(),
                by=world.staff,
                message="",
                offsets_for=settings.reminder_offsets_for,
            )
    assert list(refused.value.errors) == ["kind"]


async def test_more_seats_go_to_the_waitlist_in_order(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    world = await _world(database, clock.now())
    slot = await _published(database, clock, settings, world, capacity="1")
    first, second, third = await _book(database, clock, slot, 3)
    assert (second.status, third.status) == (BookingStatus.WAITLISTED, BookingStatus.WAITLISTED)
    values = _valid(_form(world, capacity="2"), world, clock, settings)

    async with database.transaction() as session:
        await update_slot(
            session,
            slot.id or 0,
            values,
            now=clock.now(),
            by=world.staff,
            message="",
            offsets_for=settings.reminder_offsets_for,
        )

    async with database.reading() as session:
        statuses = {
            b.id: b.status
            for b in await session.scalars(select(Booking).where(Booking.slot_id == slot.id))
        }
        promotions = list(
            await session.scalars(
                select(Reminder).where(col(Reminder.kind) == OutboxKind.WAITLIST_PROMOTION)
            )
        )
    assert statuses == {
        first.id: BookingStatus.BOOKED,
        second.id: BookingStatus.BOOKED,
        third.id: BookingStatus.WAITLISTED,
    }
    assert [p.booking_id for p in promotions] == [second.id]


async def test_an_adviser_acts_only_on_their_sites(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    world = await _world(database, clock.now())
    slot = await _published(database, clock, settings, world)
    values = _valid(_form(world), world, clock, settings)
    elsewhere = replace(values, site_id=world.other_site)

    async with database.transaction() as session:
        with pytest.raises(OutsideYourSites):
            await create_slot(
                session, values, now=clock.now(), by=world.staff, site_ids={world.other_site}
            )
        with pytest.raises(NotFound):
            await cancel(
                session,
                slot.id or 0,
                now=clock.now(),
                by=world.staff,
                message="",
                site_ids={world.other_site},
            )
        # Nor move one of theirs to another site.
        with pytest.raises(OutsideYourSites):
            await update_slot(
                session,
                slot.id or 0,
                elsewhere,
                now=clock.now(),
                by=world.staff,
                message="",
                offsets_for=settings.reminder_offsets_for,
                site_ids={world.site},
            )


async def test_cancelling_tells_every_youth_once_and_is_audited(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    world = await _world(database, clock.now())
    slot = await _published(database, clock, settings, world, capacity="1")
    await _book(database, clock, slot, 2)  # one seat, one waiting

    async with database.transaction() as session:
        told = await cancel(
            session, slot.id or 0, now=clock.now(), by=world.staff, message="Linkee est fermé."
        )
    async with database.transaction() as session:
        again = await cancel(session, slot.id or 0, now=clock.now(), by=None, message="encore")

    assert (told, again) == (2, 0)
    assert (await _slot(database, slot.id)).status is SlotStatus.CANCELLED
    entries = [e for e in await _audit(database) if e.action == "slot.cancel"]
    assert len(entries) == 1
    assert entries[0].before == {"status": "scheduled", "cancel_reason": None}
    assert entries[0].after == {
        "status": "cancelled",
        "cancel_reason": "Linkee est fermé.",
        "youths_told": 2,
    }
    assert entries[0].actor == world.staff.email
