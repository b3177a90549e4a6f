"""A reminder's content, and answering it: "Je viens" and "Je ne peux plus venir", fr and en.

The dispatcher sends the reminder outside any conversation; here it is rendered
as it would be, and the youth taps its buttons in their chat.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.models import Booking, BookingStatus, Confirmation, Slot, SlotKind
from flows.reminders import load_reminded, reminder_replies
from flows.render import render
from tests.conftest import PARIS
from tests.flows.test_booking import LOCALES, STALE
from tests.support.chat import compiled_catalogs
from tests.support.factories import make_booking, make_site, make_slot, make_youth
from tests.support.youths import make_consented_chat

THURSDAY_2PM = datetime(2026, 11, 26, 14, 0, tzinfo=PARIS)


async def _booked(
    database: Database, clock: ManualClock, settings: Settings, locale: str, **slot: object
) -> tuple[object, Booking, Slot]:
    chat, youth = await make_consented_chat(database, clock, settings, locale=locale)
    async with database.transaction() as session:
        site = await make_site(
            session, code="nord", name="Site Nord", latitude=48.89, longitude=2.35
        )
        booked_slot = await make_slot(session, clock.now(), site_id=site.id, **slot)
        booking = await make_booking(session, clock.now(), youth, booked_slot)
    return chat, booking, booked_slot


async def _rendered(database: Database, booking: Booking, offset: int, locale: str) -> list[str]:
    async with database.reading() as session:
        loaded = await load_reminded(session, booking.id or 0)
    assert loaded is not None
    replies = reminder_replies(*loaded, offset_minutes=offset, locale=locale)
    rendered = [render(reply, locale, compiled_catalogs(), PARIS) for reply in replies]
    assert rendered[0].venue is not None, "the map pin comes first"
    assert rendered[0].venue.title == "Site Nord"
    assert rendered[-1].button_ids == [f"rm:y:{booking.id}", f"rm:n:{booking.id}"]
    return [reply.plain_text.replace("\u202f", " ") for reply in rendered]


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_reminder_says_what_when_where_and_what_to_bring(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    _, booking, _ = await _booked(
        database, clock, settings, locale, starts_at=THURSDAY_2PM, title="Atelier CV",
        title_translations={"en": "CV workshop"}, what_to_bring="Ton CV",
    )  # fmt: skip

    two_days = await _rendered(database, booking, 48 * 60, locale)
    text = two_days[-1]
    assert {"fr": "Rappel : c’est le jeudi 26 novembre à 14:00.",
            "en": "Reminder: it's on Thursday 26 November at 14:00."}[locale] in text  # fmt: skip
    assert {"fr": "Atelier CV", "en": "CV workshop"}[locale] in text
    assert "Site Nord" in text
    assert "Ton CV" in text

    two_hours = await _rendered(database, booking, 2 * 60, locale)
    assert {"fr": "aujourd’hui à 14:00", "en": "today at 14:00"}[locale] in two_hours[-1]


async def test_the_food_parcel_reminder_two_days_before_says_to_bring_bags(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    _, booking, _ = await _booked(
        database, clock, settings, "fr", kind=SlotKind.FOOD_PARCEL, starts_at=THURSDAY_2PM
    )
    assert "Pense à prendre des sacs" in (await _rendered(database, booking, 48 * 60, "fr"))[-1]
    assert "sacs" not in (await _rendered(database, booking, 2 * 60, "fr"))[-1]


@pytest.mark.parametrize("locale", LOCALES)
async def test_i_am_coming_records_the_confirmation(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, booking, _ = await _booked(database, clock, settings, locale)
    await chat.tap_unchecked(f"rm:y:{booking.id}")

    assert {"fr": "Super, c’est noté", "en": "Great, noted"}[locale] in chat.raw_text
    async with database.reading() as session:
        stored = await session.get(Booking, booking.id)
    assert stored is not None
    assert (stored.confirmation, stored.confirmed_at) == (Confirmation.COMING, clock.now())


@pytest.mark.parametrize("locale", LOCALES)
async def test_i_cant_come_asks_why_frees_the_seat_and_offers_another_slot(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, booking, slot = await _booked(database, clock, settings, locale, capacity=1)
    async with database.transaction() as session:
        waiting = await make_booking(
            session, clock.now(), await make_youth(session, clock.now()), slot,
            BookingStatus.WAITLISTED,
        )  # fmt: skip

    await chat.tap_unchecked(f"rm:n:{booking.id}")
    assert chat.buttons[0] == "mr:sick", "a reason is asked, with buttons"
    await chat.tap("mr:transport")

    assert chat.buttons == ["menu:book"]
    assert {"fr": "réserver un autre créneau", "en": "book another slot"}[locale] in chat.text
    async with database.reading() as session:
        declined = await session.get(Booking, booking.id)
        promoted = await session.get(Booking, waiting.id)
    assert declined is not None
    assert promoted is not None
    assert (declined.status, declined.confirmation) == (
        BookingStatus.CANCELLED,
        Confirmation.DECLINED,
    )
    assert declined.cancel_reason == "transport"
    assert promoted.status == BookingStatus.BOOKED


async def test_i_cant_come_after_the_cut_off_is_an_excuse_without_a_lecture(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, booking, _ = await _booked(database, clock, settings, "fr", starts_in=timedelta(hours=2))
    await chat.tap_unchecked(f"rm:n:{booking.id}")
    assert "trop tard" not in chat.text
    await chat.tap("mr:sick")
    async with database.reading() as session:
        stored = await session.get(Booking, booking.id)
    assert stored is not None
    assert (stored.status, stored.confirmation) == (BookingStatus.EXCUSED, Confirmation.DECLINED)


async def test_answers_to_a_reminder_of_a_cancelled_or_someone_elses_booking(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, booking, slot = await _booked(database, clock, settings, "fr")
    async with database.transaction() as session:
        theirs = await make_booking(
            session, clock.now(), await make_youth(session, clock.now()), slot
        )
        mine = await session.get(Booking, booking.id)
        assert mine is not None
        mine.status = BookingStatus.CANCELLED

    await chat.tap_unchecked(f"rm:y:{booking.id}")
    assert chat.text.startswith("Ce rendez-vous n'est plus actif")
    clock.advance(timedelta(seconds=10))
    await chat.tap_unchecked(f"rm:y:{theirs.id}")
    assert STALE["fr"] in chat.text
    clock.advance(timedelta(seconds=10))
    await chat.tap_unchecked(f"rm:n:{theirs.id}")
    assert "Je ne trouve pas ce rendez-vous" in chat.text
    async with database.reading() as session:
        untouched = await session.get(Booking, theirs.id)
    assert untouched is not None
    assert (untouched.status, untouched.confirmation) == (BookingStatus.BOOKED, None)
