"""/start, the choice of language, the main menu and the home commands, in French and English.

A new youth goes from the language on to the privacy notice (`flows.onboarding`
covers what follows); a youth who already consented gets the main menu.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.models import ConversationState, Youth
from tests.support.chat import ChatSimulator, make_chat
from tests.support.youths import make_consented_chat

# The whole main menu, in order, as the product's flows contribute it.
MENU = [
    "menu:diagnostic",
    "menu:book",
    "menu:mybookings",
    "menu:contact",
    "menu:mydata",
    "menu:lang",
    "menu:help",
]
MENU_LABELS = {
    "fr": [
        "📝 Faire le point",
        "📅 Réserver",
        "🗓️ Mes rendez-vous",
        "💬 Parler à un conseiller",
        "🔒 Mes données",
        "🌍 Langue / Language",
        "❓ Aide",
    ],
    "en": [
        "📝 Check my situation",
        "📅 Book",
        "🗓️ My bookings",
        "💬 Talk to an adviser",
        "🔒 My data",
        "🌍 Language / Langue",
        "❓ Help",
    ],
}
MENU_PROMPT = {"fr": "Que veux-tu faire ?", "en": "What would you like to do?"}
# Before consent: how to begin, the language and help; nothing that stores data.
NEWCOMER_MENU = ["menu:begin", "menu:lang", "menu:help"]
NEWCOMER_LABELS = {
    "fr": ["👋 Commencer", "🌍 Langue / Language", "❓ Aide"],
    "en": ["👋 Get started", "🌍 Language / Langue", "❓ Help"],
}
LANGUAGE_LABEL = {"fr": "Français", "en": "English"}
GREETING = {"fr": "Salut Sam ! 👋", "en": "Hi Sam! 👋"}
NOTICE_INTRO = {
    "fr": "📋 Avant de commencer, voici ce que je fais de tes données.",
    "en": "📋 Before we start, here is what I do with your data.",
}
AGE_QUESTION = {"fr": "Quel âge as-tu ?", "en": "How old are you?"}
AGE_BUTTONS = ["age:under-16", "age:16-17", "age:18-25", "age:over-25"]


@pytest.fixture
def chat(database: Database, clock: ManualClock, settings: Settings) -> ChatSimulator:
    return make_chat(database, clock, settings)


async def _state(database: Database, user_id: int) -> ConversationState:
    async with database.reading() as session:
        state = await session.get(ConversationState, user_id)
    assert state is not None
    return state


async def _at_menu(chat: ChatSimulator) -> None:
    """Show the menu to a consented youth's fresh chat, so its buttons can be tapped."""
    await chat.send("/menu")
    assert chat.buttons == MENU


def _first_message(chat: ChatSimulator) -> str:
    return chat.replies[0].plain_text.replace("\u202f", " ")


@pytest.mark.parametrize("locale", ["fr", "en"])
async def test_start_asks_the_language_then_welcomes_and_shows_the_notice(
    chat: ChatSimulator, database: Database, locale: str
) -> None:
    await chat.send("/start")
    assert "Choisis ta langue" in chat.text
    assert "Choose your language" in chat.text
    assert chat.buttons == ["lang:fr", "lang:en"]
    assert chat.button_labels == ["Français", "English"]

    await chat.tap(f"lang:{locale}")

    assert chat.locale == locale
    assert chat.text.startswith(GREETING[locale]), chat.transcript
    assert "Passerelle" in chat.text
    assert NOTICE_INTRO[locale] in chat.text, "a new youth reads the notice before anything"
    assert MENU_PROMPT[locale] not in chat.text
    first = _first_message(chat)
    assert first.startswith(GREETING[locale]), "the greeting opens the notice's first message"
    assert NOTICE_INTRO[locale] in first, "not a message of its own: Telegram paces per chat"
    assert AGE_QUESTION[locale] in chat.text
    assert chat.buttons == AGE_BUTTONS
    state = await _state(database, chat.user_id)
    assert (state.flow, state.step, state.youth_id) == ("onboarding", "age", None)


@pytest.mark.parametrize("locale", ["fr", "en"])
async def test_start_welcomes_a_consented_youth_back_to_the_menu(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings, locale=locale)
    await chat.send("/start")
    assert chat.buttons == [f"lang:{locale}", *(f"lang:{o}" for o in ("fr", "en") if o != locale)]

    await chat.tap(f"lang:{locale}")

    assert chat.locale == locale
    assert chat.text.startswith(GREETING[locale]), chat.transcript
    assert "Passerelle" in chat.text
    assert NOTICE_INTRO[locale] not in chat.text, "consent was given already"
    assert chat.text.endswith(MENU_PROMPT[locale])
    assert chat.buttons == MENU
    assert chat.button_labels == MENU_LABELS[locale]
    assert len(chat.replies) == 1, "one message for greeting and menu: Telegram paces per chat"


async def test_telegram_language_is_offered_first_and_marked(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat = make_chat(database, clock, settings, language_code="en-GB")
    await chat.send("/start")
    assert chat.locale == "en"
    assert chat.buttons == ["lang:en", "lang:fr"]
    assert chat.button_labels == ["✓ English", "Français"]


async def test_an_unsupported_telegram_language_falls_back_to_the_default(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat = make_chat(database, clock, settings, language_code="uk")
    await chat.send("/start")
    assert chat.locale == settings.default_locale == "fr"
    assert chat.button_labels == ["Français", "English"]


async def test_greeting_escapes_the_telegram_name(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat = make_chat(database, clock, settings, display_name="<b>Zoé</b> & co")
    await chat.send("/start")
    await chat.tap("lang:fr")
    assert chat.replies[0].html is not None
    assert chat.replies[0].html.startswith("Salut &lt;b&gt;Zoé&lt;/b&gt; &amp; co\u202f!")
    assert chat.text.startswith("Salut <b>Zoé</b> & co !")


async def test_deep_link_payload_is_kept_as_origin(chat: ChatSimulator, database: Database) -> None:
    await chat.send("/start site-paris-centre")
    await chat.tap("lang:fr")
    assert (await _state(database, chat.user_id)).data["origin"] == "site-paris-centre"


async def test_an_invalid_payload_is_ignored(chat: ChatSimulator, database: Database) -> None:
    for payload in ("site paris", "x" * 65, "<script>", "maraude-2026-12!", "été"):
        await chat.send(f"/start {payload}")
        assert chat.buttons == ["lang:fr", "lang:en"]
        assert "origin" not in (await _state(database, chat.user_id)).data, payload


async def test_start_through_the_bot_name_with_a_payload(
    chat: ChatSimulator, database: Database
) -> None:
    await chat.send("/start@PasserelleBot maraude-2026-12")
    assert chat.buttons == ["lang:fr", "lang:en"]
    assert (await _state(database, chat.user_id)).data["origin"] == "maraude-2026-12"


async def test_start_again_in_the_middle_of_a_flow_starts_over(
    chat: ChatSimulator, database: Database
) -> None:
    await chat.send("/start")
    await chat.tap("lang:en")
    assert chat.buttons == AGE_BUTTONS, "in the middle of the onboarding"
    await chat.send("/language")
    assert chat.buttons == ["lang:en", "lang:fr"]

    await chat.send("/start")
    assert chat.buttons == ["lang:en", "lang:fr"]
    state = await _state(database, chat.user_id)
    assert (state.flow, state.step) == ("start", "choose_language")
    await chat.tap("lang:fr")
    assert chat.text.startswith("Salut Sam !"), "a fresh start greets again"
    assert NOTICE_INTRO["fr"] in chat.text, "and shows the notice again"
    assert chat.buttons == AGE_BUTTONS


@pytest.mark.parametrize(("before", "after"), [("fr", "en"), ("en", "fr")])
async def test_language_from_the_menu_changes_the_locale(
    database: Database, clock: ManualClock, settings: Settings, before: str, after: str
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings, locale=before)
    await _at_menu(chat)
    await chat.tap("menu:lang")
    assert chat.buttons == [f"lang:{before}", f"lang:{after}"]
    assert chat.button_labels[0] == f"✓ {LANGUAGE_LABEL[before]}"

    await chat.tap(f"lang:{after}")

    assert chat.locale == after
    saved = {
        "fr": "C'est noté, je te parle en français.",
        "en": "Got it, I'll talk to you in English.",
    }
    assert chat.text.startswith(saved[after])
    assert chat.text.endswith(MENU_PROMPT[after])
    assert chat.buttons == MENU
    assert chat.button_labels == MENU_LABELS[after]
    await chat.send("/menu")
    assert chat.locale == after, "the choice is kept"


async def test_language_command_updates_the_linked_youth(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth = await make_consented_chat(database, clock, settings, locale="fr")

    await chat.send("/langue")
    await chat.tap("lang:en")

    async with database.reading() as session:
        saved = await session.get(Youth, youth.id)
    assert saved is not None
    assert saved.locale == "en"


@pytest.mark.parametrize(
    ("locale", "command", "expected"),
    [
        (
            "fr",
            "/aide",
            ["/start", "/menu", "/aide — voir ce que je sais faire", "/langue", "/annuler"],
        ),
        ("en", "/help", ["/start", "/menu", "/help — see what I can do", "/language", "/cancel"]),
    ],
)
async def test_help_lists_the_commands_in_the_youth_language(
    database: Database,
    clock: ManualClock,
    settings: Settings,
    locale: str,
    command: str,
    expected: list[str],
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings, locale=locale)
    await chat.send(command)
    for line in expected:
        assert line in chat.text, chat.transcript
    hidden = {"fr": "/help", "en": "/aide"}[locale]
    assert hidden not in chat.text
    assert chat.buttons == MENU


async def test_help_from_the_menu(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings, locale="en")
    await _at_menu(chat)
    await chat.tap("menu:help")
    assert "/help — see what I can do" in chat.text
    assert chat.buttons == MENU


@pytest.mark.parametrize("command", ["/annuler", "/cancel"])
async def test_cancel_leaves_the_flow_and_shows_the_menu(
    chat: ChatSimulator, database: Database, command: str
) -> None:
    await chat.send("/start")
    await chat.send(command)
    assert chat.text.startswith("C'est annulé.")
    assert chat.buttons == NEWCOMER_MENU
    state = await _state(database, chat.user_id)
    assert (state.flow, state.step) == ("", "")
    await chat.send(command)
    assert chat.text.startswith("Il n'y a rien à annuler.")


async def test_menu_command_shows_the_menu_from_a_step(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings, locale="en")
    await chat.send("/language")
    await chat.send("/menu")
    assert chat.text == "What would you like to do?"
    assert chat.buttons == MENU
    assert chat.button_labels == MENU_LABELS["en"]


@pytest.mark.parametrize("locale", ["fr", "en"])
async def test_before_consent_the_menu_only_offers_to_begin(
    chat: ChatSimulator, database: Database, locale: str
) -> None:
    await chat.send("/start")
    await chat.tap(f"lang:{locale}")
    await chat.send("/menu")
    assert chat.text == MENU_PROMPT[locale]
    assert chat.button_labels == NEWCOMER_LABELS[locale]
    await chat.tap("menu:begin")
    assert NOTICE_INTRO[locale] in chat.text
    state = await _state(database, chat.user_id)
    assert (state.flow, state.step) == ("onboarding", "age")
    async with database.reading() as session:
        assert await session.scalar(select(func.count()).select_from(Youth)) == 0


async def test_a_begin_button_kept_from_before_consent_leads_to_the_menu(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings)
    # The newcomer menu was shown in this chat before they consented.
    await chat.tap_unchecked("menu:begin")
    assert chat.text == MENU_PROMPT["fr"]
    assert chat.buttons == MENU
