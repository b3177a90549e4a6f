"""/mesdonnees and /supprimer: a youth sees and erases their own data, in French and English."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import col, select

from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.erasure import SKIP_REASON_YOUTH_ERASED
from core.models import (
    Booking,
    BookingStatus,
    ContactRequest,
    ConversationState,
    DiagnosticResult,
    OutboxKind,
    OutboxStatus,
    Reminder,
    Slot,
    Youth,
)
from core.youths import export_youth_data
from flows.engine import DOUBLE_TAP_WINDOW
from tests.support.chat import ChatSimulator, make_chat
from tests.support.factories import make_booking, make_slot, make_youth
from tests.support.youths import make_consented_chat

LOCALES = ["fr", "en"]
MENU_PROMPT = {"fr": "Que veux-tu faire ?", "en": "What would you like to do?"}
ERASE_BUTTONS = ["priv:erase", "priv:keep"]


async def _consented(
    database: Database, clock: ManualClock, settings: Settings, locale: str = "fr"
) -> tuple[ChatSimulator, Youth]:
    chat, youth = await make_consented_chat(
        database, clock, settings, locale=locale, age_group="18-25"
    )
    async with database.transaction() as session:
        stored = await session.get(Youth, youth.id)
        assert stored is not None
        stored.origin = "maraude-2026-12"
        stored.share_diagnostic = True
    return chat, youth


async def _state(database: Database, user_id: int) -> ConversationState:
    async with database.reading() as session:
        state = await session.get(ConversationState, user_id)
    assert state is not None
    return state


async def _youth_exists(database: Database, user_id: int) -> bool:
    async with database.reading() as session:
        statement = select(Youth).where(col(Youth.telegram_user_id) == user_id)
        return await session.scalar(statement) is not None


# -- seeing --------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
async def test_someone_with_nothing_stored_is_told_so(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat = make_chat(database, clock, settings)
    await chat.send("/start")
    await chat.tap(f"lang:{locale}")
    await chat.send("/mesdonnees")
    expected = {
        "fr": "🔒 Je n'ai rien enregistré sur toi.\n\n"
        "Je retiens seulement ta langue (Français), dans notre conversation.",
        "en": "🔒 I haven't saved anything about you.\n\n"
        "I only remember your language (English), in our conversation.",
    }[locale]
    assert chat.text.startswith(expected)
    assert chat.text.endswith(MENU_PROMPT[locale])
    assert all(reply.document is None for reply in chat.replies)


@pytest.mark.parametrize("locale", LOCALES)
async def test_my_data_shows_everything_and_sends_the_json(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, youth = await _consented(database, clock, settings, locale)
    now = clock.now()
    async with database.transaction() as session:
        slot = await make_slot(session, now, title="Atelier CV <Mission Emploi>")
        await make_booking(session, now, youth, slot)
        session.add(
            ContactRequest(
                youth_id=youth.id or 0, topic="housing", message="Je cherche un foyer",
                created_at=now, updated_at=now,
            )
        )  # fmt: skip
        session.add(DiagnosticResult(youth_id=youth.id or 0, started_at=now, answers={"a": "b"}))

    await chat.send("/mesdonnees" if locale == "fr" else "/mydata")

    summary, document, menu = chat.replies
    expected = {
        "fr": ["Voici tout ce que je garde sur toi", "Langue : Français",
               "Site : Mission Locale site", "Accord donné le lundi 23 novembre (version 1",
               "Âge : 18 à 25 ans", "Venu·e par le lien : maraude-2026-12",
               "résumé de ton bilan : oui", "Tes réservations :",
               "Atelier CV <Mission Emploi>, mer. 25 nov. à 09:00 : réservé",
               "Tes demandes aux conseillers :", "lun. 23 nov., 🏠 Logement : envoyée",
               "Tes bilans :", "bilan commencé le lun. 23 nov.", "/supprimer"],
        "en": ["Here is everything I keep about you", "Language: English",
               "Site: Mission Locale site", "Agreement given on Monday 23 November (version 1",
               "Age: 18 to 25", "Came through the link: maraude-2026-12",
               "summary of your check-up: yes", "Your bookings:",
               "Atelier CV <Mission Emploi>, Wed 25 Nov at 09:00: booked",
               "Your requests to advisers:", "Mon 23 Nov, 🏠 Housing: sent",
               "Your check-ups:", "check-up started on Mon 23 Nov", "/delete"],
    }[locale]  # fmt: skip
    readable = summary.plain_text.replace("\u202f", " ").replace("’", "'")
    for words in expected:
        assert words in readable, readable
    assert "&lt;Mission Emploi&gt;" in (summary.html or ""), "slot titles are escaped"

    assert document.document is not None
    assert document.document.filename == "mes-donnees.json"
    assert document.document.mime_type == "application/json"
    exported = json.loads(document.document.content)
    async with database.reading() as session:
        assert exported == await export_youth_data(session, youth.id or 0)
    assert exported["contact_requests"][0]["message"] == "Je cherche un foyer"
    assert exported["bookings"][0]["title"] == "Atelier CV <Mission Emploi>"

    assert menu.plain_text.endswith(MENU_PROMPT[locale].replace(" ?", "\u202f?"))
    assert "menu:mydata" in chat.buttons


async def test_my_data_is_in_the_menu_and_long_lists_point_to_the_file(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth = await _consented(database, clock, settings)
    now = clock.now()
    async with database.transaction() as session:
        for day in range(12):
            slot = await make_slot(session, now, starts_in=timedelta(days=day + 1))
            await make_booking(session, now, youth, slot)
    await chat.send("/menu")
    await chat.tap("menu:mydata")
    assert "… et 2 autres, dans le fichier." in chat.text
    assert chat.text.count("Atelier CV") == 10
    document = chat.replies[1].document
    assert document is not None
    assert len(json.loads(document.content)["bookings"]) == 12


# -- erasing -------------------------------------------------------------------


async def test_keeping_my_data_changes_nothing(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await _consented(database, clock, settings)
    await chat.send("/supprimer")
    assert chat.text.startswith("⚠️ Tu veux vraiment tout effacer ?")
    assert "réservations à venir sont annulées" in chat.text
    assert chat.buttons == ERASE_BUTTONS
    await chat.tap("priv:keep")
    assert chat.text.startswith("D'accord, je ne touche à rien.")
    assert await _youth_exists(database, chat.user_id)


@pytest.mark.parametrize("locale", LOCALES)
async def test_erasure_frees_seats_skips_reminders_and_forgets_the_youth(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, youth = await _consented(database, clock, settings, locale)
    now = clock.now()
    async with database.transaction() as session:
        other = await make_youth(session, now)
        slot = await make_slot(session, now, capacity=1)
        past = await make_slot(session, now - timedelta(days=10))
        held = await make_booking(session, now, youth, slot)
        queued = await make_booking(session, now, other, slot, BookingStatus.WAITLISTED)
        attended = await make_booking(session, now, youth, past, BookingStatus.ATTENDED)
        reminder = Reminder(
            kind=OutboxKind.REMINDER, booking_id=held.id, youth_id=youth.id,
            due_at=now + timedelta(days=1), created_at=now,
        )  # fmt: skip
        session.add(reminder)
        session.add(ContactRequest(youth_id=youth.id or 0, topic="job", created_at=now,
                                   updated_at=now))  # fmt: skip
        session.add(DiagnosticResult(youth_id=youth.id or 0, started_at=now))

    await chat.send("/supprimer" if locale == "fr" else "/delete")
    await chat.tap("priv:erase")

    expected = {
        "fr": "🗑️ C'est fait : j'ai effacé tes données.\n\n"
        "J'ai annulé ta réservation à venir.\n\n"
        "Je garde seulement des chiffres anonymes, pour les statistiques.\n\n"
        "Si tu veux revenir un jour, tape /start. 👋",
        "en": "🗑️ Done: I have erased your data.\n\n"
        "I cancelled your upcoming booking.\n\n"
        "I only keep anonymous numbers, for statistics.\n\n"
        "If you want to come back one day, type /start. 👋",
    }[locale]
    assert chat.text == expected
    assert chat.locale == locale, "the goodbye is in their language"

    assert not await _youth_exists(database, chat.user_id)
    async with database.reading() as session:
        bookings = {b.id: b for b in await session.scalars(select(Booking))}
        [stored_reminder] = await session.scalars(
            select(Reminder).where(col(Reminder.id) == reminder.id)
        )
        promotions = list(
            await session.scalars(
                select(Reminder).where(col(Reminder.kind) == OutboxKind.WAITLIST_PROMOTION)
            )
        )
        assert list(await session.scalars(select(ContactRequest))) == []
        assert list(await session.scalars(select(DiagnosticResult))) == []
        slot_row = await session.get(Slot, slot.id)
    assert slot_row is not None
    assert bookings[held.id].status == BookingStatus.CANCELLED
    assert bookings[held.id].youth_id is None, "an anonymous row remains"
    assert bookings[attended.id].youth_id is None
    assert bookings[attended.id].status == BookingStatus.ATTENDED
    assert bookings[queued.id].status == BookingStatus.BOOKED, "the waitlist moved up"
    assert [promotion.youth_id for promotion in promotions] == [other.id]
    assert stored_reminder.status == OutboxStatus.SKIPPED
    assert stored_reminder.skip_reason == SKIP_REASON_YOUTH_ERASED
    assert stored_reminder.youth_id is None

    state = await _state(database, chat.user_id)
    assert (state.youth_id, state.locale, state.flow, state.step) == (None, None, "", "")
    assert (state.data, state.offered) == ({}, [])


async def test_an_erased_youth_who_comes_back_is_new(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await _consented(database, clock, settings, "en")
    await chat.send("/delete")
    await chat.tap("priv:erase")

    clock.advance(timedelta(days=3))
    await chat.send("/start")
    assert chat.locale == "fr", "their language was forgotten too"
    assert chat.button_labels == ["Français", "English"], "nothing preselected"
    await chat.tap("lang:en")
    assert "Who sees it?" in chat.text, "the notice, as for anyone new"
    assert chat.buttons[0] == "age:under-16"
    assert not await _youth_exists(database, chat.user_id)

    await chat.send("/mydata")
    assert chat.text.startswith("🔒 I haven't saved anything about you.")


async def test_erasure_buttons_tapped_again_do_nothing(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await _consented(database, clock, settings)
    await chat.send("/supprimer")
    await chat.tap("priv:erase")
    clock.advance(DOUBLE_TAP_WINDOW - timedelta(seconds=1))
    assert await chat.tap("priv:erase") == [], "a double tap"
    clock.advance(timedelta(minutes=5))
    await chat.tap("priv:erase")
    assert chat.text.startswith("Ce bouton n'est plus valide.")
    await chat.tap("priv:keep")
    assert chat.text.startswith("Ce bouton n'est plus valide.")


@pytest.mark.parametrize("locale", LOCALES)
async def test_nothing_to_erase_without_a_youth(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat = make_chat(database, clock, settings)
    await chat.send("/start")
    await chat.tap(f"lang:{locale}")
    await chat.send("/delete")
    expected = {
        "fr": "Je n'ai rien enregistré sur toi : il n'y a rien à effacer.",
        "en": "I haven't saved anything about you: there is nothing to erase.",
    }[locale]
    assert chat.text.startswith(expected)
    assert chat.text.endswith(MENU_PROMPT[locale])


async def test_the_row_is_found_even_if_the_conversation_lost_its_link(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await _consented(database, clock, settings)
    async with database.transaction() as session:
        state = await session.get(ConversationState, chat.user_id)
        assert state is not None
        state.youth_id = None
    await chat.send("/mesdonnees")
    assert "Voici tout ce que je garde sur toi" in chat.text
    await chat.send("/supprimer")
    await chat.tap("priv:erase")
    assert not await _youth_exists(database, chat.user_id)


@pytest.mark.parametrize("locale", LOCALES)
async def test_bad_input_at_the_confirmation_asks_again_and_erases_nothing(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, _ = await _consented(database, clock, settings, locale)
    await chat.send("/supprimer")
    for what in ("oui efface", "photo", "x" * 4000):
        await (chat.send_unsupported(what) if what == "photo" else chat.send(what))
        assert chat.buttons == ERASE_BUTTONS
        assert {"fr": "Tu veux vraiment tout effacer ?",
                "en": "Do you really want to erase everything?"}[locale] in chat.text  # fmt: skip
    await chat.send("/start")
    assert sorted(chat.buttons) == ["lang:en", "lang:fr"]
    clock.advance(timedelta(minutes=1))
    await chat.tap_unchecked("priv:erase")
    assert chat.text.startswith(
        {"fr": "Ce bouton n'est plus valide.", "en": "This button no longer works."}[locale]
    )
    assert await _youth_exists(database, chat.user_id)
