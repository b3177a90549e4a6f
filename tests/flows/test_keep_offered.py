"""`Context.keep_offered()`: a reply in passing leaves the step's buttons live, and its own too."""

from __future__ import annotations

import pytest

from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.i18n import t
from core.models import ConversationState
from flows.context import Context
from flows.engine import ConversationEngine
from flows.events import EventKind
from flows.replies import Button
from flows.routing import ButtonRoute, Command, Flow, Step
from flows.start import start_flow
from tests.support.chat import ChatSimulator, compiled_catalogs
from tests.support.youths import add_consented_youth, make_consented_chat

STEP_BUTTONS = ["pb:yes", "pb:no"]
STALE = "Ce bouton n'est plus valide."


async def _ask(ctx: Context) -> None:
    ctx.reply(t("Oui ou non ?"), buttons=[[Button("pb:yes", t("Oui")), Button("pb:no", t("Non"))]])


async def _open(ctx: Context) -> None:
    await ctx.go("probe", "ask")


async def _answered(ctx: Context) -> None:
    ctx.say(t("Réponse {answer}", answer=ctx.button_args[0]))


async def _more(ctx: Context) -> None:
    ctx.say(t("Plus d'infos"))


async def _aside(ctx: Context) -> bool:
    """A reply in passing, with a button of its own: kept before or after it, or not at all."""
    words = ctx.text.split() if ctx.event.kind is EventKind.TEXT else []
    if not words or words[0] not in ("before", "after", "drop"):
        return False
    if words[0] == "before":
        ctx.keep_offered()
    more = [Button("nb:more", t("En savoir plus"))] if "button" in words else []
    ctx.reply(t("Une remarque en passant."), buttons=more)
    if words[0] == "after":
        ctx.keep_offered()
    return True


def _probe_flow() -> Flow:
    return Flow(
        name="probe",
        steps={"ask": Step(show=_ask)},
        commands={"ask": Command(_open)},
        buttons={"pb": ButtonRoute(_answered), "nb": ButtonRoute(_more)},
        interceptors=[_aside],
    )


@pytest.fixture
async def chat(database: Database, clock: ManualClock, settings: Settings) -> ChatSimulator:
    """A consented youth's chat, with the probe's question on screen."""
    catalogs = compiled_catalogs()
    engine = ConversationEngine(database, clock, settings, catalogs, [start_flow(), _probe_flow()])
    await add_consented_youth(database, clock, user_id=61, locale="fr")
    chat = ChatSimulator(engine, catalogs, settings.tz, user_id=61)
    await chat.send("/ask")
    assert chat.buttons == STEP_BUTTONS
    return chat


async def _offered(database: Database, user_id: int) -> list[str]:
    async with database.reading() as session:
        state = await session.get(ConversationState, user_id)
    assert state is not None
    return list(state.offered)


@pytest.mark.parametrize("when", ["before", "after"])
async def test_the_steps_buttons_and_the_replys_own_stay_live(
    chat: ChatSimulator, database: Database, when: str
) -> None:
    await chat.send(f"{when} button")
    assert chat.buttons == ["nb:more"]
    assert await _offered(database, chat.user_id) == [*STEP_BUTTONS, "nb:more"]

    await chat.tap("nb:more")
    assert chat.text == "Plus d'infos"
    await chat.tap("pb:yes")
    assert chat.text == "Réponse yes"


async def test_a_reply_without_buttons_changes_nothing_live(
    chat: ChatSimulator, database: Database
) -> None:
    await chat.send("after")
    assert await _offered(database, chat.user_id) == STEP_BUTTONS
    await chat.tap("pb:no")
    assert chat.text == "Réponse no"


async def test_a_button_shown_again_is_live_once(chat: ChatSimulator, database: Database) -> None:
    await chat.send("after button")
    await chat.send("after button")
    assert await _offered(database, chat.user_id) == [*STEP_BUTTONS, "nb:more"]


async def test_without_it_the_replys_keyboard_replaces_the_steps(
    chat: ChatSimulator, database: Database
) -> None:
    await chat.send("drop button")
    assert await _offered(database, chat.user_id) == ["nb:more"]
    await chat.tap("pb:yes")
    assert chat.text.startswith(STALE)


async def test_urgent_words_mid_diagnostic_keep_its_question_and_the_alert_live(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings)
    await chat.send("/diagnostic")
    step0 = [b for b in chat.buttons if b.startswith("dg:")]
    assert step0, chat.transcript

    await chat.send("je dors dehors ce soir")

    assert "115" in chat.text
    offered = await _offered(database, chat.user_id)
    assert offered == [*step0, "sos:alert:no_shelter"]
    await chat.tap(next(b for b in step0 if b.endswith(":none")))
    assert "Tu veux répondre à tout" in chat.text
