"""The engine's promises: kind answers to the unexpected, dedup, double taps, errors, restarts.

The engine here runs the home flow, the onboarding it hands new youths to, and
a probe flow. The chat's youth has consented already, so choosing a language
leads to the menu; a new youth's way to the notice is checked once below.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.i18n import Catalogs, t
from core.models import ConversationState
from flows.context import Context
from flows.engine import DOUBLE_TAP_WINDOW, ConversationEngine
from flows.events import Event
from flows.onboarding import onboarding_flow
from flows.routing import ButtonRoute, Command, Flow, Step
from flows.start import start_flow
from tests.support.chat import ChatSimulator, compiled_catalogs
from tests.support.youths import add_consented_youth

# The menu entries of the flows below: the home flow's (onboarding and probe add none).
MENU = ["menu:lang", "menu:help"]
NEWCOMER_MENU = ["menu:begin", "menu:lang", "menu:help"]
AGE_BUTTONS = ["age:under-16", "age:16-17", "age:18-25", "age:over-25"]
LONG_TEXT = "Bonjour, " + "j'ai besoin d'aide " * 230


async def _boom(ctx: Context) -> None:
    ctx.data["half-done"] = True
    ctx.locale = "fr"
    ctx.say(t("Ce message ne doit jamais partir."))
    raise RuntimeError("the handler failed")


async def _ask_name(ctx: Context) -> None:
    ctx.say(t("Comment tu t'appelles ?"))


async def _name_given(ctx: Context) -> None:
    ctx.data["name"] = ctx.text
    await ctx.show_menu(t("Merci {name}.", name=ctx.text))


async def _note(ctx: Context) -> None:
    # Changed in place, deep in `data`: the save must see it all the same.
    ctx.data.setdefault("notes", {}).setdefault("seen", []).append(ctx.text)
    ctx.say(t("Noté."))


async def _go_name(ctx: Context) -> None:
    await ctx.go("probe", "name")


async def _ping(ctx: Context) -> None:
    ctx.say(t("pong {args}", args=":".join(ctx.button_args)))


async def _intercept_sos(ctx: Context) -> bool:
    if "sos" not in ctx.text.lower():
        return False
    ctx.say(t("Appelle le 115."))
    return True


def probe_flow() -> Flow:
    """A second flow, as later issues will add: a text step, a standalone button, a failure."""
    return Flow(
        name="probe",
        steps={"name": Step(show=_ask_name, on_text=_name_given)},
        commands={"boom": Command(_boom), "name": Command(_go_name), "note": Command(_note)},
        buttons={"ping": ButtonRoute(_ping, standalone=True)},
        interceptors=[_intercept_sos],
    )


def _flows() -> list[Flow]:
    # The language step sends a youth without consent on to the onboarding's notice.
    return [start_flow(), onboarding_flow(), probe_flow()]


@pytest.fixture
def catalogs() -> Catalogs:
    return compiled_catalogs()


@pytest.fixture
def engine(
    database: Database, clock: ManualClock, settings: Settings, catalogs: Catalogs
) -> ConversationEngine:
    return ConversationEngine(database, clock, settings, catalogs, _flows())


@pytest.fixture
async def chat(
    engine: ConversationEngine,
    catalogs: Catalogs,
    settings: Settings,
    database: Database,
    clock: ManualClock,
) -> ChatSimulator:
    """A consented youth, French-speaking, with no flow under way."""
    await add_consented_youth(database, clock, user_id=51, locale="fr")
    return ChatSimulator(engine, catalogs, settings.tz, user_id=51)


@pytest.fixture
def new_chat(engine: ConversationEngine, catalogs: Catalogs, settings: Settings) -> ChatSimulator:
    """Someone the bot has never met."""
    return ChatSimulator(engine, catalogs, settings.tz, user_id=52)


async def _state(database: Database, user_id: int = 51) -> ConversationState:
    async with database.reading() as session:
        state = await session.get(ConversationState, user_id)
    assert state is not None
    return state


async def _at_menu(chat: ChatSimulator, locale: str = "fr") -> None:
    await chat.send("/start")
    await chat.tap(f"lang:{locale}")


async def test_a_new_youth_goes_from_the_language_to_the_notice_once(
    new_chat: ChatSimulator, database: Database, clock: ManualClock
) -> None:
    await new_chat.send("/start")
    await new_chat.tap("lang:en")
    assert "Before we start, here is what I do with your data." in new_chat.text
    assert new_chat.buttons == AGE_BUTTONS
    state = await _state(database, new_chat.user_id)
    assert (state.flow, state.step) == ("onboarding", "age")

    clock.advance(DOUBLE_TAP_WINDOW - timedelta(seconds=1))
    assert await new_chat.tap("lang:en") == [], "a double tap does not show the notice twice"
    clock.advance(timedelta(minutes=5))
    await new_chat.tap("lang:en")
    assert new_chat.text == "This button no longer works.\n\nWhat would you like to do?"
    assert new_chat.buttons == NEWCOMER_MENU


async def test_a_stale_button_gets_a_kind_answer_and_the_menu(
    chat: ChatSimulator, clock: ManualClock
) -> None:
    await _at_menu(chat)
    clock.advance(timedelta(minutes=5))
    await chat.tap("lang:en")
    assert chat.text == "Ce bouton n'est plus valide.\n\nQue veux-tu faire ?"
    assert chat.buttons == MENU
    assert chat.locale == "fr", "a stale language button changes nothing"


async def test_a_double_tap_answers_once(
    chat: ChatSimulator, database: Database, clock: ManualClock
) -> None:
    await chat.send("/start")
    await chat.tap("lang:en")
    before = await _state(database)
    clock.advance(DOUBLE_TAP_WINDOW - timedelta(seconds=1))

    replies = await chat.tap("lang:en")

    assert replies == []
    assert (await _state(database)).version == before.version


async def test_the_same_button_later_is_not_a_double_tap(
    chat: ChatSimulator, clock: ManualClock
) -> None:
    await _at_menu(chat, "en")
    await chat.tap("menu:help")
    clock.advance(DOUBLE_TAP_WINDOW + timedelta(seconds=1))
    await chat.tap("menu:help")
    assert "/help" in chat.text


@pytest.mark.parametrize(
    "button_id", ["zzz:1", "menu:nope", "lang:de", "lang:fr:extra", "nocolon", "é" * 40]
)
async def test_an_unknown_or_tampered_button_gets_the_menu(
    chat: ChatSimulator, clock: ManualClock, button_id: str
) -> None:
    await chat.send("/start")
    await chat.tap_unchecked(button_id)
    assert chat.text.startswith("Ce bouton n'est plus valide.")
    assert chat.buttons == MENU


async def test_a_standalone_button_works_without_being_on_the_keyboard(
    chat: ChatSimulator,
) -> None:
    await _at_menu(chat)
    await chat.tap_unchecked("ping:yes:42")
    assert chat.text == "pong yes:42"


async def test_free_text_at_the_menu_gets_help_and_the_menu(chat: ChatSimulator) -> None:
    await _at_menu(chat, "en")
    await chat.send("hello?")
    assert (
        chat.text
        == "I didn't understand. Please use the buttons below 👇\n\nWhat would you like to do?"
    )
    assert chat.buttons == MENU


async def test_free_text_at_a_buttons_only_step_asks_again(chat: ChatSimulator) -> None:
    await chat.send("/start")
    await chat.send("bonjour")
    assert chat.text.startswith("Je n'ai pas compris.")
    assert "Choisis ta langue" in chat.text
    assert chat.buttons == ["lang:fr", "lang:en"]
    await chat.tap("lang:fr")
    assert chat.buttons == MENU


async def test_a_text_step_takes_the_text(chat: ChatSimulator, database: Database) -> None:
    await _at_menu(chat)
    await chat.send("/name")
    await chat.send("<Léa>")
    assert chat.text.startswith("Merci <Léa>.")
    assert (await _state(database)).data["name"] == "<Léa>"


async def test_moving_to_a_step_without_keyboard_retires_the_old_buttons(
    chat: ChatSimulator,
) -> None:
    await chat.send("/start")
    await chat.send("/name")
    await chat.tap("lang:en")
    assert chat.text.startswith("Ce bouton n'est plus valide.")
    assert chat.locale == "fr"


@pytest.mark.parametrize("where", ["menu", "step"])
async def test_very_long_text_is_handled_like_any_text(chat: ChatSimulator, where: str) -> None:
    assert len(LONG_TEXT) > 4000
    await _at_menu(chat)
    if where == "step":
        await chat.send("/name")
    await chat.send(LONG_TEXT)
    assert chat.text.startswith("Je n'ai pas compris." if where == "menu" else "Merci Bonjour")
    await chat.send("/" + "x" * 4000)
    assert chat.text.startswith("Je ne connais pas cette commande.")


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "location", "edited_message"])
async def test_what_the_bot_cannot_read_gets_a_kind_answer(chat: ChatSimulator, kind: str) -> None:
    await chat.send("/start")
    await chat.send_unsupported(kind)
    assert chat.text.startswith("Je sais lire seulement le texte et les boutons.")
    assert chat.buttons == ["lang:fr", "lang:en"], "the question is asked again"


async def test_an_unknown_command_gets_the_menu(chat: ChatSimulator) -> None:
    await _at_menu(chat, "en")
    await chat.send("/bonjour")
    assert chat.text.startswith("I don't know this command. Type /help")
    assert chat.buttons == MENU


async def test_an_interceptor_answers_before_any_step(chat: ChatSimulator) -> None:
    await chat.send("/start")
    await chat.send("SOS je dors dehors")
    assert chat.text == "Appelle le 115."


async def test_a_redelivered_update_is_processed_once(
    chat: ChatSimulator,
    database: Database,
    engine: ConversationEngine,
    settings: Settings,
    clock: ManualClock,
) -> None:
    await chat.send("/start")
    version = (await _state(database)).version

    assert await chat.resend() == []
    assert (await _state(database)).version == version

    restarted = ConversationEngine(database, clock, settings, compiled_catalogs(), _flows())
    assert chat.last_event is not None
    assert (await restarted.handle(chat.last_event)).replies == []


async def test_an_event_that_changes_nothing_writes_nothing_on_sqlite_only(
    chat: ChatSimulator, database: Database, backend: str
) -> None:
    # SQLite's writers begin IMMEDIATE: the version read cannot be stale, and an unchanged
    # state has nothing to write. On PostgreSQL the versioned save is what detects another
    # worker's, so it always runs.
    await _at_menu(chat, "en")
    await chat.send("/menu")
    before = await _state(database)

    await chat.send("/menu")

    after = await _state(database)
    assert (after.flow, after.offered, after.data) == (before.flow, before.offered, before.data)
    assert after.version == before.version + (0 if backend == "sqlite" else 1)


async def test_a_change_deep_in_the_data_is_saved(chat: ChatSimulator, database: Database) -> None:
    await _at_menu(chat)
    await chat.send("/note first")
    await chat.send("/note second")
    assert (await _state(database)).data["notes"] == {"seen": ["first", "second"]}


async def test_state_survives_a_restart(
    chat: ChatSimulator,
    database: Database,
    clock: ManualClock,
    settings: Settings,
    catalogs: Catalogs,
) -> None:
    await _at_menu(chat, "en")
    await chat.send("/language")

    restarted = ConversationEngine(database, clock, settings, catalogs, _flows())
    after = ChatSimulator(restarted, catalogs, settings.tz, user_id=chat.user_id)
    await after.send("hello")
    assert after.locale == "en"
    assert after.buttons == ["lang:en", "lang:fr"], "still at the language step"
    await after.tap("lang:fr")
    assert after.text.startswith("C'est noté")


async def test_a_failing_handler_leaves_the_state_and_answers_kindly(
    chat: ChatSimulator, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await _at_menu(chat, "en")
    before = await _state(database)

    with caplog.at_level(logging.ERROR, logger="passerelle.engine"):
        await chat.send("/boom")

    assert chat.text == "Oops, something went wrong on my side. Please try again in a moment."
    assert chat.locale == "en"
    after = await _state(database)
    assert (after.version, after.data, after.locale) == (before.version, before.data, "en")
    [record] = [r for r in caplog.records if r.name == "passerelle.engine"]
    update_id = chat.last_event.update_id if chat.last_event else None
    assert f"user {chat.user_id}" in record.getMessage()
    assert f"update {update_id}" in record.getMessage()
    assert record.exc_info is not None

    await chat.send("/menu")
    assert chat.text == "What would you like to do?", "the next event works"


async def test_engine_answers_a_new_user_in_telegram_language(
    engine: ConversationEngine,
) -> None:
    outcome = await engine.handle(Event.message(77, "hi", language_code="en-US", update_id=None))
    assert outcome.locale == "en"
    assert len(outcome.replies) == 1
    assert outcome.replies[0].button_ids == NEWCOMER_MENU
