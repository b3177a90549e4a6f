"""Browsing and booking workshops, Linkee food parcels and partner appointments, fr and en.

The clock starts on Monday 23 November 2026, 09:00 in Paris. Cancelling and the
list of one's bookings are in `test_my_bookings.py`.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import icalendar
import pytest
from sqlmodel import col, select

from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.models import (
    Booking,
    BookingStatus,
    ContactRequest,
    Modality,
    OutboxKind,
    Reminder,
    Site,
    Slot,
    SlotKind,
    SlotStatus,
    Youth,
)
from tests.conftest import PARIS
from tests.support.chat import ChatSimulator
from tests.support.factories import make_booking, make_partner, make_site, make_slot, make_youth
from tests.support.youths import make_consented_chat

LOCALES = ["fr", "en"]
BOOK = {"fr": "/reserver", "en": "/book"}
BOOKED = {"fr": "✅ C'est réservé !", "en": "✅ You're booked!"}
STALE = {"fr": "Ce bouton n'est plus valide.", "en": "This button no longer works."}
MENU_PROMPT = {"fr": "Que veux-tu faire ?", "en": "What would you like to do?"}
SLOTS_NOW = {
    "fr": "Voici les créneaux disponibles maintenant :",
    "en": "Here are the slots available now:",
}
TUESDAY_2PM = datetime(2026, 11, 24, 14, 0, tzinfo=PARIS)
THURSDAY_2PM = datetime(2026, 11, 26, 14, 0, tzinfo=PARIS)


async def _site(database: Database, code: str = "centre", **overrides: object) -> Site:
    async with database.transaction() as session:
        values = {"name": "Site Centre", "latitude": 48.8675, "longitude": 2.3711} | overrides
        return await make_site(session, code=code, address="22 rue Pierre Levée, Paris", **values)


async def _slot(database: Database, clock: ManualClock, **overrides: object) -> Slot:
    async with database.transaction() as session:
        return await make_slot(session, clock.now(), **overrides)


async def _bookings(database: Database, slot: Slot | None = None) -> list[Booking]:
    async with database.reading() as session:
        query = select(Booking).order_by(col(Booking.id))
        if slot is not None:
            query = query.where(col(Booking.slot_id) == slot.id)
        return list(await session.scalars(query))


def _listed(chat: ChatSimulator) -> list[int]:
    return [int(b.split(":")[2]) for b in chat.buttons if b.startswith("bs:open:")]


async def _open(chat: ChatSimulator, slot: Slot, locale: str = "fr") -> None:
    """From the menu's command to the slot's own screen."""
    await chat.send(BOOK[locale])
    await chat.tap(f"bk:k:{slot.kind}")
    await chat.tap(f"bs:open:{slot.id}")


# -- the acceptance journeys --------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_workshop_booking_sends_a_confirmation_a_map_pin_and_a_calendar_file(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    site = await _site(database)
    slot = await _slot(
        database, clock, starts_at=TUESDAY_2PM, site_id=site.id, topic="cv",
        title="Atelier CV", title_translations={"en": "CV workshop"}, what_to_bring="Ton CV",
    )  # fmt: skip
    chat, youth = await make_consented_chat(database, clock, settings, locale=locale)

    await chat.send(BOOK[locale])
    await chat.tap("bk:k:workshop")
    assert _listed(chat) == [slot.id], "one topic only: straight to the list"
    seats = {"fr": "10 places", "en": "10 seats"}[locale]
    assert seats in chat.text
    assert {"fr": "mar. 24 nov. à 14:00", "en": "Tue 24 Nov at 14:00"}[locale] in chat.text

    await chat.tap(f"bs:open:{slot.id}")
    title = {"fr": "Atelier CV", "en": "CV workshop"}[locale]
    assert chat.text.startswith(title)
    assert "22 rue Pierre Levée" in chat.text
    assert "Ton CV" in chat.text
    assert chat.buttons == [f"bs:ok:{slot.id}", "bk:list"], "no appointment options"

    await chat.tap(f"bs:ok:{slot.id}")
    assert chat.text.startswith(BOOKED[locale]), chat.transcript
    [booking] = await _bookings(database)
    assert (booking.youth_id, booking.status) == (youth.id, BookingStatus.BOOKED)

    [venue] = [reply.venue for reply in chat.replies if reply.venue is not None]
    assert (venue.title, venue.latitude, venue.longitude) == ("Site Centre", 48.8675, 2.3711)
    [document] = [reply.document for reply in chat.replies if reply.document is not None]
    assert document.filename == "rdv-2026-11-24-1400.ics"
    assert document.mime_type == "text/calendar"
    event = icalendar.Calendar.from_ical(document.content).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == slot.starts_at
    assert str(event["SUMMARY"]) == title
    assert "22 rue Pierre Levée" in str(event["LOCATION"])
    assert event.walk("VALARM"), "a reminder alarm"
    assert chat.text.endswith(MENU_PROMPT[locale])


async def test_a_double_tap_gives_one_booking_and_one_confirmation(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    slot = await _slot(database, clock)
    chat, _ = await make_consented_chat(database, clock, settings)
    await _open(chat, slot)

    first, second = await asyncio.gather(chat.tap(f"bs:ok:{slot.id}"), chat.tap(f"bs:ok:{slot.id}"))
    confirmations = [r for r in [*first, *second] if r.document is not None]
    assert len(confirmations) == 1
    assert len(await _bookings(database)) == 1

    clock.advance(timedelta(minutes=5))
    await chat.tap(f"bs:ok:{slot.id}")
    assert chat.text.startswith("✅ Tu as déjà ta place ici : rien à refaire.")
    assert not [r for r in chat.replies if r.document is not None], "no second confirmation"
    assert len(await _bookings(database)) == 1


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_full_workshop_offers_the_waitlist_with_the_position(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    slot = await _slot(database, clock, capacity=1)
    async with database.transaction() as session:
        other = await make_youth(session, clock.now())
        await make_booking(session, clock.now(), other, slot)
        waiting = await make_youth(session, clock.now())
        await make_booking(session, clock.now(), waiting, slot, BookingStatus.WAITLISTED)
    chat, youth = await make_consented_chat(database, clock, settings, locale=locale)

    await chat.send(BOOK[locale])
    await chat.tap("bk:k:workshop")
    assert {"fr": "complet : liste d'attente", "en": "full: waiting list"}[locale] in chat.text
    await chat.tap(f"bs:open:{slot.id}")
    assert chat.buttons[0] == f"bs:wl:{slot.id}"
    await chat.tap(f"bs:wl:{slot.id}")

    position = {"fr": "en position 2", "en": "in position 2"}[locale]
    assert position in chat.text, chat.transcript
    mine = [b for b in await _bookings(database) if b.youth_id == youth.id]
    assert [b.status for b in mine] == [BookingStatus.WAITLISTED]


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_food_parcel_booking_and_a_refused_second_one_the_same_week(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    tuesday = await _slot(
        database, clock, kind=SlotKind.FOOD_PARCEL, starts_at=TUESDAY_2PM, capacity=40,
        duration=timedelta(hours=2), what_to_bring="Deux grands sacs",
    )  # fmt: skip
    thursday = await _slot(
        database, clock, kind=SlotKind.FOOD_PARCEL, starts_at=THURSDAY_2PM, capacity=40
    )
    chat, youth = await make_consented_chat(database, clock, settings, locale=locale)
    async with database.transaction() as session:
        row = await session.get(Youth, youth.id)
        assert row is not None
        row.food_parcel_eligible = True  # as an adviser sets it in the panel

    await _open(chat, tuesday, locale)
    await chat.tap(f"bs:ok:{tuesday.id}")
    assert chat.text.startswith(BOOKED[locale])
    bags = {"fr": "Apporte des sacs solides", "en": "Bring strong bags"}[locale]
    assert bags in chat.text
    hours = {"fr": "de 14:00 à 16:00", "en": "from 14:00 to 16:00"}[locale]
    assert hours in chat.text

    clock.advance(timedelta(minutes=1))
    await _open(chat, thursday, locale)
    await chat.tap(f"bs:ok:{thursday.id}")
    once = {"fr": "Tu as déjà un colis alimentaire cette semaine.", "en": "You already have a"}
    assert once[locale] in chat.text
    assert [b.slot_id for b in await _bookings(database)] == [tuesday.id]


@pytest.mark.parametrize("locale", LOCALES)
async def test_without_a_reason_for_a_parcel_the_youth_can_ask_an_adviser(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    await _slot(database, clock, kind=SlotKind.FOOD_PARCEL, starts_at=TUESDAY_2PM)
    chat, youth = await make_consented_chat(database, clock, settings, locale=locale)

    await chat.send(BOOK[locale])
    await chat.tap("bk:k:food_parcel")
    assert _listed(chat) == []
    assert {"fr": "réservés aux jeunes", "en": "for young people who need"}[locale] in chat.text
    await chat.tap("bk:ask")
    await chat.tap("ct:skip")

    async with database.reading() as session:
        [request] = await session.scalars(select(ContactRequest))
    assert (request.youth_id, request.topic, request.urgent) == (youth.id, "food_parcel", False)


@pytest.mark.parametrize("locale", LOCALES)
async def test_an_appointment_with_an_interpreter_and_a_note(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    async with database.transaction() as session:
        emmaus = await make_partner(session, name="Emmaüs Connect")
        bank = await make_partner(session, name="La Banque Postale")
        now = clock.now()
        slot = await make_slot(session, now, SlotKind.APPOINTMENT, capacity=1,
                               partner_id=emmaus.id, modality=Modality.PHONE)  # fmt: skip
        await make_slot(session, now, SlotKind.APPOINTMENT, capacity=1, partner_id=bank.id)
    chat, _ = await make_consented_chat(database, clock, settings, locale=locale)

    await chat.send(BOOK[locale])
    await chat.tap("bk:k:appointment")
    assert chat.button_labels[:2] == ["Emmaüs Connect", "La Banque Postale"]
    await chat.tap(f"bk:p:{emmaus.id}")
    assert _listed(chat) == [slot.id]
    await chat.tap(f"bs:open:{slot.id}")
    phone = {"fr": "Par téléphone", "en": "By phone"}[locale]
    assert phone in chat.text
    assert chat.buttons[:3] == [f"bs:ok:{slot.id}", f"bs:int:{slot.id}", f"bs:note:{slot.id}"]

    await chat.tap(f"bs:int:{slot.id}")
    assert "العربية" in chat.button_labels[0]
    await chat.tap("bk:il:ar")
    assert {"fr": "Interprète : العربية · arabe", "en": "Interpreter: العربية · Arabic"}[
        locale
    ] in chat.text
    await chat.tap(f"bs:note:{slot.id}")
    await chat.send("x" * 501)
    assert {"fr": "501 caractères", "en": "501 characters"}[locale] in chat.text
    await chat.send("Je voudrais un téléphone pas cher")
    await chat.tap(f"bs:ok:{slot.id}")

    assert chat.text.startswith(BOOKED[locale])
    assert not [r for r in chat.replies if r.venue is not None], "no map pin for a phone call"
    [booking] = await _bookings(database)
    assert (booking.interpreter_language, booking.note) == (
        "ar",
        "Je voudrais un téléphone pas cher",
    )


# -- the list ----------------------------------------------------------------------------


async def test_the_list_shows_five_a_page_own_site_first_and_only_what_can_be_booked(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    other_site = await _site(database, code="nord", name="Site Nord")
    now = clock.now()
    async with database.transaction() as session:
        elsewhere = [
            await make_slot(
                session, now, starts_in=timedelta(days=1, hours=n), site_id=other_site.id
            )
            for n in range(5)
        ]
        await make_slot(session, now, starts_in=timedelta(hours=-1))
        await make_slot(session, now, status=SlotStatus.CANCELLED)
        await make_slot(session, now, booking_closes_at=now)
        await make_slot(session, now, starts_in=timedelta(days=15))
    chat, youth = await make_consented_chat(database, clock, settings)
    own = await _slot(database, clock, starts_in=timedelta(days=6), site_id=youth.site_id)

    await chat.send("/reserver")
    await chat.tap("bk:k:workshop")
    assert _listed(chat) == [own.id, *(s.id for s in elsewhere[:4])]
    assert "(page 1 sur 2)" in chat.text
    await chat.tap("bk:pg:1")
    assert _listed(chat) == [elsewhere[4].id]
    assert "bk:pg:0" in chat.buttons
    assert "bk:pg:2" not in chat.buttons


async def test_text_and_stickers_on_the_list_show_it_again(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    slot = await _slot(database, clock)
    chat, _ = await make_consented_chat(database, clock, settings)
    await chat.send("/reserver")
    await chat.tap("bk:k:workshop")
    await chat.send("je veux l'atelier de mardi")
    assert chat.text.startswith("Je n'ai pas compris.")
    assert _listed(chat) == [slot.id]
    await chat.send_unsupported("sticker")
    assert _listed(chat) == [slot.id]


# -- stale state and bad input --------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("button", ["bs:open:999999", "bs:ok:999999", "bs:wl:999999"])
async def test_a_slot_that_does_not_exist_gets_a_clear_message_and_the_list(
    database: Database, clock: ManualClock, settings: Settings, button: str, locale: str
) -> None:
    slot = await _slot(database, clock)
    chat, _ = await make_consented_chat(database, clock, settings, locale=locale)
    await chat.tap_unchecked(button)
    gone = {"fr": "😕 Ce créneau n'existe plus.", "en": "😕 This slot no longer exists."}
    assert chat.text.startswith(gone[locale])
    assert _listed(chat) == [slot.id]
    assert await _bookings(database) == []


@pytest.mark.parametrize("button", ["bk:k:spa", "bs:ok:abc", "bs:fly:1", "bk:pg:-1", "bs:ok"])
async def test_a_tampered_button_is_refused(
    database: Database, clock: ManualClock, settings: Settings, button: str
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings)
    await chat.send("/reserver")
    await chat.tap_unchecked(button)
    assert STALE["fr"] in chat.text
    assert await _bookings(database) == []


@pytest.mark.parametrize("locale", LOCALES)
async def test_booking_a_slot_whose_window_closed_a_second_ago(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    closes = clock.now() + timedelta(minutes=1)
    slot = await _slot(database, clock, booking_closes_at=closes)
    chat, _ = await make_consented_chat(database, clock, settings, locale=locale)
    await _open(chat, slot, locale)

    clock.set(closes + timedelta(seconds=1))
    await chat.tap(f"bs:ok:{slot.id}")

    closed = {"fr": "Les réservations pour ce créneau sont fermées.", "en": "is closed"}[locale]
    assert closed in chat.text
    assert SLOTS_NOW[locale] in chat.text
    assert slot.id not in _listed(chat)
    assert await _bookings(database) == []


@pytest.mark.parametrize("locale", LOCALES)
async def test_two_youths_on_the_last_seat_at_the_same_instant(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    slot = await _slot(database, clock, capacity=1)
    first, _ = await make_consented_chat(database, clock, settings, locale=locale)
    second, _ = await make_consented_chat(
        database, clock, settings, locale=locale, user_id=4343, site_code="paris-nord"
    )
    await _open(first, slot, locale)
    await _open(second, slot, locale)

    await asyncio.gather(first.tap(f"bs:ok:{slot.id}"), second.tap(f"bs:ok:{slot.id}"))

    bookings = await _bookings(database)
    assert [b.status for b in bookings] == [BookingStatus.BOOKED]
    loser = second if first.text.startswith(BOOKED[locale]) else first
    taken = {"fr": "Quelqu'un vient de prendre la dernière place.", "en": "the last place"}
    assert taken[locale] in loser.text
    assert loser.buttons == [f"bs:wl:{slot.id}", "bk:list"]
    await loser.tap(f"bs:wl:{slot.id}")
    assert {"fr": "en position 1", "en": "in position 1"}[locale] in loser.text
    statuses = sorted(b.status for b in await _bookings(database))
    assert statuses == [BookingStatus.BOOKED, BookingStatus.WAITLISTED]


async def test_the_last_appointment_taken_meanwhile_shows_the_others(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    slot = await _slot(database, clock, kind=SlotKind.APPOINTMENT, capacity=1)
    spare = await _slot(database, clock, kind=SlotKind.APPOINTMENT, capacity=1)
    chat, _ = await make_consented_chat(database, clock, settings)
    await _open(chat, slot)
    async with database.transaction() as session:
        await make_booking(session, clock.now(), await make_youth(session, clock.now()), slot)

    await chat.tap(f"bs:ok:{slot.id}")
    assert chat.text.startswith("😕 Quelqu'un vient de prendre ce créneau.")
    assert _listed(chat) == [spare.id], "a full appointment has no waitlist: it leaves the list"


async def test_a_slot_cancelled_while_the_youth_looks_at_it(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    slot = await _slot(database, clock)
    chat, _ = await make_consented_chat(database, clock, settings)
    await _open(chat, slot)
    async with database.transaction() as session:
        row = await session.get(Slot, slot.id)
        assert row is not None
        row.status = SlotStatus.CANCELLED

    await chat.tap(f"bs:ok:{slot.id}")
    assert chat.text.startswith("😕 Ce créneau a été annulé.")
    assert _listed(chat) == []
    assert await _bookings(database) == []


async def test_a_slot_moved_while_the_youth_looks_at_it_is_shown_again_first(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    slot = await _slot(database, clock, starts_at=TUESDAY_2PM)
    chat, _ = await make_consented_chat(database, clock, settings)
    await _open(chat, slot)
    async with database.transaction() as session:
        row = await session.get(Slot, slot.id)
        assert row is not None
        row.starts_at, row.ends_at = THURSDAY_2PM, THURSDAY_2PM + timedelta(hours=2)

    await chat.tap(f"bs:ok:{slot.id}")
    assert chat.text.startswith("⚠️ L'horaire de ce créneau vient de changer.")
    assert "jeudi 26 novembre" in chat.text
    assert await _bookings(database) == []
    clock.advance(timedelta(seconds=30))
    await chat.tap(f"bs:ok:{slot.id}")
    assert chat.text.startswith("✅ C'est réservé !")


async def test_a_booking_plans_the_reminders_of_its_kind(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    tuned = settings.model_copy(
        update={"reminder_offsets_by_kind": ((SlotKind.WORKSHOP, (timedelta(hours=24),)),)}
    )
    slot = await _slot(database, clock, starts_at=THURSDAY_2PM)
    chat, youth = await make_consented_chat(database, clock, tuned)
    await _open(chat, slot)
    await chat.tap(f"bs:ok:{slot.id}")

    async with database.reading() as session:
        planned = list(await session.scalars(select(Reminder)))
    assert [(r.kind, r.youth_id, r.due_at) for r in planned] == [
        (OutboxKind.REMINDER, youth.id, THURSDAY_2PM - timedelta(hours=24))
    ]
