"""Contacting an adviser: topic, message, the request in the inbox, and the acknowledgement."""

from __future__ import annotations

import pytest
from sqlmodel import select

from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.models import ContactRequest, ConversationState, Youth
from flows.contact import contact_flow, start_contact
from flows.context import Context
from flows.engine import DOUBLE_TAP_WINDOW, ConversationEngine
from flows.routing import Command, Flow
from flows.safety import safety_flow
from tests.support.chat import ChatSimulator, compiled_catalogs, make_chat
from tests.support.factories import make_site
from tests.support.youths import make_consented_chat

LOCALES = ["fr", "en"]
TOPICS = [
    "ct:topic:job",
    "ct:topic:housing",
    "ct:topic:money",
    "ct:topic:rights",
    "ct:topic:health",
    "ct:topic:other",
]
TOPIC_PROMPT = {
    "fr": "De quoi veux-tu parler avec ton conseiller ?",
    "en": "What would you like to talk about with your adviser?",
}
MESSAGE_PROMPT = {
    "fr": "Écris ton message en quelques mots (1 000 caractères au maximum)",
    "en": "Write your message in a few words (1,000 characters at most)",
}
SENT = {
    "fr": "✅ C'est envoyé ! Un conseiller de ton site va te recontacter.",
    "en": "✅ Sent! An adviser from your site will get back to you.",
}
USUAL_DELAY = {"fr": "sous 2 jours ouvrés", "en": "within 2 working days"}
MENU_PROMPT = {"fr": "Que veux-tu faire ?", "en": "What would you like to do?"}
STALE = {"fr": "Ce bouton n'est plus valide.", "en": "This button no longer works."}
TOO_LONG = {
    "fr": "Ton message est trop long : 1 001 caractères. Le maximum est 1 000.",
    "en": "Your message is too long: 1,001 characters. The limit is 1,000.",
}


async def _requests(database: Database) -> list[ContactRequest]:
    async with database.reading() as session:
        return list((await session.scalars(select(ContactRequest))).all())


async def _state(database: Database, user_id: int) -> ConversationState:
    async with database.reading() as session:
        state = await session.get(ConversationState, user_id)
    assert state is not None
    return state


async def _at_message(
    database: Database, clock: ManualClock, settings: Settings, locale: str = "fr"
) -> tuple[ChatSimulator, Youth]:
    chat, youth = await make_consented_chat(database, clock, settings, locale=locale)
    await chat.send("/conseiller")
    await chat.tap("ct:topic:housing")
    return chat, youth


# -- the whole journey -------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
async def test_contact_from_the_menu_with_a_message(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, youth = await make_consented_chat(database, clock, settings, locale=locale)
    await chat.send("/menu")
    assert "menu:contact" in chat.buttons
    assert {"fr": "💬 Parler à un conseiller", "en": "💬 Talk to an adviser"}[
        locale
    ] in chat.button_labels

    await chat.tap("menu:contact")
    assert chat.text == TOPIC_PROMPT[locale]
    assert chat.buttons == TOPICS

    await chat.tap("ct:topic:housing")
    assert {"fr": "Sujet : 🏠 Logement", "en": "Topic: 🏠 Housing"}[locale] in chat.text
    assert MESSAGE_PROMPT[locale] in chat.text
    assert chat.buttons == ["ct:skip"]
    assert await _requests(database) == []

    await chat.send("  Je dois quitter mon foyer à la fin du mois.  ")

    [request] = await _requests(database)
    assert (request.youth_id, request.site_id) == (youth.id, youth.site_id)
    assert request.site_id is not None
    assert (request.topic, request.urgent) == ("housing", False)
    assert request.message == "Je dois quitter mon foyer à la fin du mois."
    assert request.created_at == clock.now()
    assert chat.text.startswith(SENT[locale]), chat.transcript
    assert USUAL_DELAY[locale] in chat.text
    assert chat.text.endswith(MENU_PROMPT[locale])
    state = await _state(database, chat.user_id)
    assert (state.flow, state.step) == ("", "")
    assert not any(key.startswith("contact.") for key in state.data)


@pytest.mark.parametrize(("command", "locale"), [("/conseiller", "fr"), ("/adviser", "en")])
async def test_the_commands_open_the_topics(
    database: Database, clock: ManualClock, settings: Settings, command: str, locale: str
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings, locale=locale)
    await chat.send(command)
    assert chat.text == TOPIC_PROMPT[locale]
    assert chat.buttons == TOPICS


async def test_the_commands_are_listed_in_their_language(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat = make_chat(database, clock, settings)
    assert ("conseiller", "parler à un conseiller") in [
        (name, description.msgid) for name, description in chat.engine.commands("fr")
    ]
    assert "adviser" in [name for name, _ in chat.engine.commands("en")]
    assert "adviser" not in [name for name, _ in chat.engine.commands("fr")]


@pytest.mark.parametrize("locale", LOCALES)
async def test_skip_creates_the_request_without_a_message(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, youth = await _at_message(database, clock, settings, locale)
    assert chat.button_labels == [{"fr": "Passer ⏭️", "en": "Skip ⏭️"}[locale]]
    await chat.tap("ct:skip")
    [request] = await _requests(database)
    assert (request.topic, request.message, request.urgent) == ("housing", "", False)
    assert request.site_id == youth.site_id
    assert chat.text.startswith(SENT[locale])


async def test_the_acknowledgement_gives_the_sites_opening_hours(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth = await make_consented_chat(database, clock, settings, locale="en")
    async with database.transaction() as session:
        site = await make_site(session, opening_hours="Lun–ven 9h30–12h30, 13h30–17h30")
        row = await session.get(Youth, youth.id)
        assert row is not None
        row.site_id = site.id
    await chat.send("/adviser")
    await chat.tap("ct:topic:job")
    await chat.tap("ct:skip")
    assert "Your site's opening hours: Lun–ven 9h30–12h30, 13h30–17h30" in chat.text
    [request] = await _requests(database)
    assert request.site_id == site.id


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_youth_without_a_site_still_gets_the_request_sent(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, youth = await make_consented_chat(database, clock, settings, locale=locale)
    async with database.transaction() as session:
        row = await session.get(Youth, youth.id)
        assert row is not None
        row.site_id = None
    await chat.send("/conseiller")
    await chat.tap("ct:topic:rights")
    await chat.send("Mon titre de séjour expire bientôt.")

    [request] = await _requests(database)
    assert (request.site_id, request.topic) == (None, "rights")
    assert {
        "fr": "Tu n'as pas encore choisi de site : les conseillers de la Mission Locale "
        "verront quand même ta demande.",
        "en": "You haven't chosen a site yet: the Mission Locale advisers will still see "
        "your request.",
    }[locale] in chat.text


# -- the message's limit -------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_message_over_1000_characters_is_refused_kindly_and_the_next_accepted(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, _ = await _at_message(database, clock, settings, locale)

    await chat.send("a" * 1001)

    assert chat.text.startswith(TOO_LONG[locale]), chat.transcript
    assert MESSAGE_PROMPT[locale] in chat.text, "asked again"
    assert chat.buttons == ["ct:skip"]
    assert await _requests(database) == []
    state = await _state(database, chat.user_id)
    assert (state.flow, state.step) == ("contact", "message")
    assert state.data["contact.topic"] == "housing"

    await chat.send("b" * 1000)
    [request] = await _requests(database)
    assert request.message == "b" * 1000
    assert chat.text.startswith(SENT[locale])


async def test_a_4000_character_message_is_refused_too(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await _at_message(database, clock, settings)
    await chat.send("Bonjour. " * 444 + "abcd")
    assert "Ton message est trop long : 4 000 caractères." in chat.text
    assert await _requests(database) == []


# -- from another flow: start_contact ---------------------------------------------------------


def _with_a_caller(
    database: Database, clock: ManualClock, settings: Settings, topic: str, *, urgent: bool
) -> ChatSimulator:
    """The youth's chat with one more flow, whose "/calltest" starts the contact on `topic`,
    as a diagnostic result does."""

    async def call(ctx: Context) -> None:
        await start_contact(ctx, topic, urgent=urgent)

    caller = Flow(name="caller", commands={"calltest": Command(call)})
    catalogs = compiled_catalogs()
    engine = ConversationEngine(
        database, clock, settings, catalogs, flows=[safety_flow(), contact_flow(), caller]
    )
    return ChatSimulator(engine, catalogs, settings.tz)


@pytest.mark.parametrize("locale", LOCALES)
async def test_start_contact_with_a_topic_asks_only_the_message(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    _, youth = await make_consented_chat(database, clock, settings, locale=locale)
    chat = _with_a_caller(database, clock, settings, "fajp", urgent=True)

    await chat.send("/calltest")

    assert MESSAGE_PROMPT[locale] in chat.text
    assert {"fr": "Sujet", "en": "Topic"}[locale] not in chat.text, "a result's topic has no name"
    await chat.send("Je n'ai plus rien pour le loyer.")

    [request] = await _requests(database)
    assert (request.topic, request.urgent) == ("fajp", True)
    assert request.site_id == youth.site_id
    assert {
        "fr": "les conseillers voient les demandes urgentes en premier",
        "en": "advisers see urgent requests first",
    }[locale] in chat.text
    assert USUAL_DELAY[locale] not in chat.text


async def test_a_topic_picked_after_an_urgent_start_is_not_urgent(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    await make_consented_chat(database, clock, settings)
    chat = _with_a_caller(database, clock, settings, "fajp", urgent=True)
    await chat.send("/calltest")
    await chat.send("/conseiller")
    await chat.tap("ct:topic:other")
    await chat.tap("ct:skip")
    [request] = await _requests(database)
    assert (request.topic, request.urgent) == ("other", False)


# -- bad input -------------------------------------------------------------------------------


async def test_stickers_and_text_during_the_topic_question_ask_it_again(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings)
    await chat.send("/conseiller")
    await chat.send_unsupported("sticker")
    assert "Je sais lire seulement le texte et les boutons." in chat.text
    assert TOPIC_PROMPT["fr"] in chat.text
    await chat.send("logement")
    assert "Je n'ai pas compris." in chat.text
    assert chat.buttons == TOPICS
    assert await _requests(database) == []


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "location"])
async def test_what_the_bot_cannot_read_during_the_message_asks_it_again(
    database: Database, clock: ManualClock, settings: Settings, kind: str
) -> None:
    chat, _ = await _at_message(database, clock, settings, "en")
    await chat.send_unsupported(kind)
    assert "I can only read text and buttons." in chat.text
    assert MESSAGE_PROMPT["en"] in chat.text
    assert await _requests(database) == []
    await chat.send("Now in words.")
    [request] = await _requests(database)
    assert request.message == "Now in words."


async def test_urgent_words_in_the_message_show_the_numbers_and_keep_the_question(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await _at_message(database, clock, settings)
    await chat.send("on m'a mis à la porte, je dors dehors")
    assert "<b>115</b>" in "".join(reply.html or "" for reply in chat.replies)
    assert await _requests(database) == []
    state = await _state(database, chat.user_id)
    assert (state.flow, state.step) == ("contact", "message")

    # "Passer" above the urgent messages still works, and the request goes.
    await chat.tap("ct:skip")
    [request] = await _requests(database)
    assert request.topic == "housing"


async def test_a_topic_button_from_an_old_message_is_stale(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await _at_message(database, clock, settings)
    await chat.tap("ct:topic:job")
    assert STALE["fr"] in chat.text
    await chat.send("/conseiller")
    await chat.tap("ct:topic:job")
    await chat.tap("ct:skip")
    clock.advance(DOUBLE_TAP_WINDOW * 2)
    await chat.tap("ct:topic:health")
    assert STALE["fr"] in chat.text
    await chat.tap("ct:skip")
    assert STALE["fr"] in chat.text
    [request] = await _requests(database)
    assert request.topic == "job"


async def test_a_double_tap_on_skip_sends_one_request(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await _at_message(database, clock, settings)
    await chat.tap("ct:skip")
    assert await chat.tap("ct:skip") == [], "the second tap of a double tap is ignored"
    clock.advance(DOUBLE_TAP_WINDOW * 2)
    await chat.tap("ct:skip")
    assert STALE["fr"] in chat.text, "later, the question is gone"
    assert len(await _requests(database)) == 1


@pytest.mark.parametrize("button", ["ct:topic:love", "ct:topic", "ct:skip:now", "ct:send"])
async def test_a_tampered_button_is_refused(
    database: Database, clock: ManualClock, settings: Settings, button: str
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings)
    await chat.send("/conseiller")
    await chat.tap_unchecked(button)
    assert STALE["fr"] in chat.text
    assert await _requests(database) == []


async def test_leaving_for_the_menu_drops_the_message_question(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await _at_message(database, clock, settings)
    await chat.send("/menu")
    await chat.send("Je voulais dire autre chose")
    assert "Je n'ai pas compris." in chat.text
    assert await _requests(database) == []


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_youth_who_has_not_consented_reads_the_notice_first_then_comes_back(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    async with database.transaction() as session:
        site = await make_site(session)
    chat = make_chat(database, clock, settings, language_code=locale)
    await chat.send("/conseiller" if locale == "fr" else "/adviser")
    assert "age:18-25" in chat.buttons, chat.transcript
    await chat.tap("age:16-17")
    await chat.tap("consent:yes")
    await chat.tap("share:no")
    await chat.tap(f"site:{site.id}")

    assert TOPIC_PROMPT[locale] in chat.text, chat.transcript
    await chat.tap("ct:topic:health")
    await chat.tap("ct:skip")
    [request] = await _requests(database)
    assert (request.topic, request.site_id) == ("health", site.id)
