"""My bookings: what is coming, cancelling before and after the cut-off, the waitlist, history.

The clock starts on Monday 23 November 2026, 09:00 in Paris; slots have the
default 4-hour cancellation cut-off.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.models import Booking, BookingStatus, OutboxKind, Reminder, Slot
from tests.flows.test_booking import BOOK, BOOKED, LOCALES, STALE
from tests.support.chat import ChatSimulator
from tests.support.factories import make_booking, make_slot, make_youth
from tests.support.youths import make_consented_chat

MY_BOOKINGS = {"fr": "/mesrdv", "en": "/mybookings"}


async def _slot(database: Database, clock: ManualClock, **overrides: object) -> Slot:
    async with database.transaction() as session:
        return await make_slot(session, clock.now(), **overrides)


async def _booking(database: Database, booking_id: int | None) -> Booking:
    async with database.reading() as session:
        booking = await session.get(Booking, booking_id)
    assert booking is not None
    return booking


async def _book(chat: ChatSimulator, slot: Slot, locale: str, action: str = "ok") -> None:
    await chat.send(BOOK[locale])
    await chat.tap(f"bk:k:{slot.kind}")
    await chat.tap(f"bs:open:{slot.id}")
    await chat.tap(f"bs:{action}:{slot.id}")


async def _held(database: Database, youth_id: int | None) -> Booking:
    async with database.reading() as session:
        [booking] = await session.scalars(select(Booking).where(col(Booking.youth_id) == youth_id))
    return booking


@pytest.mark.parametrize("locale", LOCALES)
async def test_waitlist_then_a_cancellation_promotes_the_first_in_line(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    slot = await _slot(database, clock, capacity=1)
    first, first_youth = await make_consented_chat(database, clock, settings, locale=locale)
    second, second_youth = await make_consented_chat(
        database, clock, settings, locale=locale, user_id=4343, site_code="paris-nord"
    )
    await _book(first, slot, locale)
    assert first.text.startswith(BOOKED[locale])
    await _book(second, slot, locale, action="wl")
    assert {"fr": "en position 1", "en": "in position 1"}[locale] in second.text

    await second.send(MY_BOOKINGS[locale])
    waiting = {"fr": "liste d'attente, position 1", "en": "waiting list, position 1"}
    assert waiting[locale] in second.text

    seat = await _held(database, first_youth.id)
    await first.send(MY_BOOKINGS[locale])
    await first.tap(f"mb:c:{seat.id}")
    assert first.buttons[-1] == "mr:keep"
    await first.tap("mr:busy")

    assert {"fr": "C'est annulé.", "en": "It's cancelled."}[locale] in first.text
    cancelled = await _booking(database, seat.id)
    assert (cancelled.status, cancelled.cancel_reason) == (BookingStatus.CANCELLED, "busy")
    promoted = await _held(database, second_youth.id)
    assert promoted.status == BookingStatus.BOOKED
    async with database.reading() as session:
        [notice] = await session.scalars(
            select(Reminder).where(col(Reminder.kind) == OutboxKind.WAITLIST_PROMOTION)
        )
    assert (notice.kind, notice.youth_id, notice.booking_id) == (
        OutboxKind.WAITLIST_PROMOTION,
        second_youth.id,
        promoted.id,
    )
    await second.send(MY_BOOKINGS[locale])
    assert {"fr": "ta place est réservée", "en": "your place is booked"}[locale] in second.text


@pytest.mark.parametrize("locale", LOCALES)
async def test_after_the_cut_off_i_cant_come_excuses_and_frees_the_seat(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    slot = await _slot(database, clock, capacity=1, starts_in=timedelta(hours=3))
    chat, youth = await make_consented_chat(database, clock, settings, locale=locale)
    async with database.transaction() as session:
        seat = await make_booking(session, clock.now(), youth, slot)
        waiting = await make_booking(
            session, clock.now(), await make_youth(session, clock.now()), slot,
            BookingStatus.WAITLISTED,
        )  # fmt: skip

    await chat.send(MY_BOOKINGS[locale])
    await chat.tap(f"mb:c:{seat.id}")
    late = {"fr": "Il est trop tard pour annuler", "en": "It's too late to cancel"}
    assert late[locale] in chat.text
    assert {"fr": "4 heures avant", "en": "4 hours before"}[locale] in chat.text
    assert chat.buttons == [f"mb:x:{seat.id}", "mr:keep"]
    await chat.tap(f"mb:x:{seat.id}")
    await chat.tap("mr:transport")

    excused = await _booking(database, seat.id)
    assert (excused.status, excused.cancel_reason) == (BookingStatus.EXCUSED, "transport")
    assert (await _booking(database, waiting.id)).status == BookingStatus.BOOKED


async def _listed_a_minute_before_the_cut_off(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> tuple[ChatSimulator, Booking]:
    """A seat whose cut-off (4 h before) is a minute away, and "my bookings" on screen."""
    slot = await _slot(database, clock, starts_in=timedelta(hours=4, minutes=1))
    chat, youth = await make_consented_chat(database, clock, settings, locale=locale)
    async with database.transaction() as session:
        seat = await make_booking(session, clock.now(), youth, slot)
    await chat.send(MY_BOOKINGS[locale])
    return chat, seat


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_cut_off_passing_between_the_question_and_the_answer(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, seat = await _listed_a_minute_before_the_cut_off(database, clock, settings, locale)
    await chat.tap(f"mb:c:{seat.id}")
    assert chat.buttons[0] == "mr:sick", "still before the cut-off: a reason is asked"

    clock.advance(timedelta(minutes=2))
    await chat.tap("mr:sick")

    passed = {
        "fr": "L'heure limite pour annuler vient de passer.",
        "en": "The time limit for cancelling has just passed.",
    }
    assert chat.text.startswith(f"⏰ {passed[locale]}")
    assert chat.buttons == [f"mb:x:{seat.id}", "mr:keep"]
    assert (await _booking(database, seat.id)).status == BookingStatus.BOOKED
    await chat.tap("mr:keep")
    assert {"fr": "tu gardes ta place", "en": "you keep your place"}[locale] in chat.text
    assert (await _booking(database, seat.id)).status == BookingStatus.BOOKED


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_cut_off_passing_between_the_list_and_the_tap(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, seat = await _listed_a_minute_before_the_cut_off(database, clock, settings, locale)

    clock.advance(timedelta(minutes=2))
    await chat.tap(f"mb:c:{seat.id}")

    assert chat.buttons == [f"mb:x:{seat.id}", "mr:keep"], "no reason asked: too late to cancel"
    await chat.tap(f"mb:x:{seat.id}")
    await chat.tap("mr:private")
    assert (await _booking(database, seat.id)).status == BookingStatus.EXCUSED


async def test_leaving_the_waitlist_is_possible_at_any_time_before_the_start(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    slot = await _slot(database, clock, capacity=1, starts_in=timedelta(hours=1))
    chat, youth = await make_consented_chat(database, clock, settings)
    async with database.transaction() as session:
        await make_booking(session, clock.now(), await make_youth(session, clock.now()), slot)
        place = await make_booking(session, clock.now(), youth, slot, BookingStatus.WAITLISTED)

    await chat.send("/mesrdv")
    await chat.tap(f"mb:c:{place.id}")
    await chat.tap("mr:not_needed")
    assert chat.text.startswith("✅ C'est fait, tu n'es plus sur la liste d'attente.")
    assert (await _booking(database, place.id)).status == BookingStatus.CANCELLED


@pytest.mark.parametrize("locale", LOCALES)
async def test_another_youths_booking_cannot_be_cancelled(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    slot = await _slot(database, clock)
    chat, _ = await make_consented_chat(database, clock, settings, locale=locale)
    async with database.transaction() as session:
        someone = await make_youth(session, clock.now())
        theirs = await make_booking(session, clock.now(), someone, slot)

    for button in (f"mb:c:{theirs.id}", f"mb:x:{theirs.id}", "mb:c:999999"):
        clock.advance(timedelta(seconds=10))
        await chat.tap_unchecked(button)
        not_found = {
            "fr": "😕 Je ne trouve pas ce rendez-vous dans les tiens.",
            "en": "😕 I can't find this booking among yours.",
        }
        assert chat.text.startswith(not_found[locale])
    assert (await _booking(database, theirs.id)).status == BookingStatus.BOOKED
    for button in ("mb:c:abc", "mb:z:1", "mr:sick"):
        await chat.tap_unchecked(button)
        assert STALE[locale] in chat.text


async def test_history_shows_the_attendance_of_past_bookings(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth = await make_consented_chat(database, clock, settings)
    async with database.transaction() as session:
        now = clock.now()
        statuses = (BookingStatus.ATTENDED, BookingStatus.NO_SHOW, BookingStatus.EXCUSED)
        for days, status in enumerate(statuses, 1):
            past = await make_slot(session, now, starts_in=timedelta(days=-days), title=f"S{days}")
            await make_booking(session, now, youth, past, status)

    await chat.send("/mesrdv")
    assert chat.text.startswith("🗓️ Tu n'as aucun rendez-vous à venir.")
    assert "Historique" in chat.text
    assert "• S1, dim. 22 nov. : ✅ tu étais là" in chat.text
    assert "• S2, sam. 21 nov. : ❌ absent·e" in chat.text
    assert "• S3, ven. 20 nov. : 🙏 excusé·e" in chat.text
    assert chat.buttons == ["menu:book"]


async def test_a_cancelled_booking_cannot_be_cancelled_again(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    slot = await _slot(database, clock)
    chat, youth = await make_consented_chat(database, clock, settings)
    async with database.transaction() as session:
        seat = await make_booking(session, clock.now(), youth, slot)
    await chat.send("/mesrdv")
    await chat.tap(f"mb:c:{seat.id}")
    await chat.tap("mr:sick")
    clock.advance(timedelta(minutes=1))
    await chat.tap(f"mb:c:{seat.id}")
    assert chat.text.startswith("Ce rendez-vous n'est plus actif")
    assert (await _booking(database, seat.id)).status == BookingStatus.CANCELLED
