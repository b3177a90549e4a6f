"""/start, the choice of language, the main menu and the home commands, in French and English."""

from __future__ import annotations

import pytest

from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.models import ConversationState, Youth
from tests.support.chat import ChatSimulator, make_chat
from tests.support.factories import make_youth

MENU = ["menu:lang", "menu:help"]
MENU_PROMPT = {"fr": "Que veux-tu faire ?", "en": "What would you like to do?"}
LANGUAGE_LABEL = {"fr": "Français", "en": "English"}


@pytest.fixture
def chat(database: Database, clock: ManualClock, settings: Settings) -> ChatSimulator:
    return make_chat(database, clock, settings)


async def _state(database: Database, user_id: int) -> ConversationState:
    async with database.reading() as session:
        state = await session.get(ConversationState, user_id)
    assert state is not None
    return state


@pytest.mark.parametrize("locale", ["fr", "en"])
async def test_start_asks_the_language_then_welcomes_and_shows_the_menu(
    chat: ChatSimulator, locale: str
) -> None:
    await chat.send("/start")
    assert "Choisis ta langue" in chat.text
    assert "Choose your language" in chat.text
    assert chat.buttons == ["lang:fr", "lang:en"]
    assert chat.button_labels == ["Français", "English"]

    await chat.tap(f"lang:{locale}")

    assert chat.locale == locale
    greeting = {"fr": "Salut Sam ! 👋", "en": "Hi Sam! 👋"}[locale]
    assert chat.text.startswith(greeting), chat.transcript
    assert "Passerelle" in chat.text
    assert chat.text.endswith(MENU_PROMPT[locale])
    assert chat.buttons == MENU
    assert (
        chat.button_labels
        == {
            "fr": ["🌍 Langue / Language", "❓ Aide"],
            "en": ["🌍 Language / Langue", "❓ Help"],
        }[locale]
    )
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


async def test_start_again_in_the_middle_of_a_flow_starts_over(chat: ChatSimulator) -> None:
    await chat.send("/start")
    await chat.tap("lang:en")
    await chat.send("/language")
    assert chat.buttons == ["lang:en", "lang:fr"]

    await chat.send("/start")
    assert chat.buttons == ["lang:en", "lang:fr"]
    await chat.tap("lang:fr")
    assert chat.text.startswith("Salut Sam !"), "a fresh start greets again"
    assert chat.buttons == MENU


@pytest.mark.parametrize(("before", "after"), [("fr", "en"), ("en", "fr")])
async def test_language_from_the_menu_changes_the_locale(
    chat: ChatSimulator, before: str, after: str
) -> None:
    await chat.send("/start")
    await chat.tap(f"lang:{before}")
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
    await chat.send("/menu")
    assert chat.locale == after, "the choice is kept"


async def test_language_command_updates_the_linked_youth(
    chat: ChatSimulator, database: Database, clock: ManualClock
) -> None:
    await chat.send("/start")
    await chat.tap("lang:fr")
    async with database.transaction() as session:
        youth = await make_youth(session, clock.now(), telegram_user_id=chat.user_id, locale="fr")
        state = await session.get(ConversationState, chat.user_id)
        assert state is not None
        state.youth_id = youth.id

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
    chat: ChatSimulator, locale: str, command: str, expected: list[str]
) -> None:
    await chat.send("/start")
    await chat.tap(f"lang:{locale}")
    await chat.send(command)
    for line in expected:
        assert line in chat.text, chat.transcript
    hidden = {"fr": "/help", "en": "/aide"}[locale]
    assert hidden not in chat.text
    assert chat.buttons == MENU


async def test_help_from_the_menu(chat: ChatSimulator) -> None:
    await chat.send("/start")
    await chat.tap("lang:en")
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
    assert chat.buttons == MENU
    state = await _state(database, chat.user_id)
    assert (state.flow, state.step) == ("", "")
    await chat.send(command)
    assert chat.text.startswith("Il n'y a rien à annuler.")


async def test_menu_command_shows_the_menu_from_a_step(chat: ChatSimulator) -> None:
    await chat.send("/start")
    await chat.tap("lang:en")
    await chat.send("/language")
    await chat.send("/menu")
    assert chat.text == "What would you like to do?"
    assert chat.buttons == MENU
