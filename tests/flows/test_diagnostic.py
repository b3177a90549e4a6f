"""The self-diagnostic conversation: step 0, the choice of domains, the questions, stop and resume.

The results screens are tested in `test_diagnostic_results.py`, which uses the
helpers below to walk a diagnostic to its end.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.models import ContactRequest, ConversationState, DiagnosticResult, Youth
from flows.engine import DOUBLE_TAP_WINDOW
from tests.support.chat import ChatSimulator, make_chat
from tests.support.youths import make_consented_chat

LOCALES = ["fr", "en"]
STEP0_PROMPT = {
    "fr": "aujourd'hui, une de ces situations te concerne ?",
    "en": "is one of these true for you today?",
}
STALE = {"fr": "Ce bouton n'est plus valide.", "en": "This button no longer works."}
MENU_PROMPT = {"fr": "Que veux-tu faire ?", "en": "What would you like to do?"}


# -- helpers, shared with test_diagnostic_results --------------------------------------


async def at_menu(
    database: Database, clock: ManualClock, settings: Settings, *, locale: str = "fr"
) -> tuple[ChatSimulator, Youth]:
    """A consented youth's chat, with the menu on screen."""
    chat, youth = await make_consented_chat(database, clock, settings, locale=locale)
    await chat.send("/menu")
    return chat, youth


def question_on_screen(chat: ChatSimulator) -> str | None:
    """The key of the question whose answers are on screen, if any."""
    return next((b.split(":")[3] for b in chat.buttons if b.startswith("dg:a:")), None)


def run_on_screen(chat: ChatSimulator) -> int:
    return int(next(b for b in chat.buttons if b.startswith("dg:")).split(":")[2])


def button(chat: ChatSimulator, start: str, end: str = "") -> str:
    found = [b for b in chat.buttons if b.startswith(start) and b.endswith(end)]
    assert len(found) == 1, f"{start}…{end} in {chat.buttons}\n{chat.transcript}"
    return found[0]


async def answer(chat: ChatSimulator, key: str) -> None:
    question = question_on_screen(chat)
    assert question is not None, chat.transcript
    await chat.tap(button(chat, "dg:a:", f":{question}:{key}"))


async def skip(chat: ChatSimulator) -> None:
    await chat.tap(button(chat, "dg:s:"))


async def back(chat: ChatSimulator) -> None:
    await chat.tap(button(chat, "dg:b:"))


async def answer_questions(chat: ChatSimulator, answers: dict[str, str]) -> list[str]:
    """Answer each question on screen from `answers` (skip the others); the keys asked."""
    asked = []
    while (question := question_on_screen(chat)) is not None:
        asked.append(question)
        if question in answers:
            await answer(chat, answers[question])
        else:
            await skip(chat)
    return asked


async def take_diagnostic(chat: ChatSimulator, answers: dict[str, str]) -> list[str]:
    """From the menu: step 0 "Non, ça va", every domain, the given answers."""
    await chat.tap("menu:diagnostic")
    await answer(chat, "none")
    await chat.tap(button(chat, "dg:all:"))
    return await answer_questions(chat, answers)


async def runs_of(database: Database, youth: Youth) -> list[DiagnosticResult]:
    async with database.reading() as session:
        query = (
            select(DiagnosticResult)
            .where(col(DiagnosticResult.youth_id) == youth.id)
            .order_by(col(DiagnosticResult.id))
        )
        return list((await session.scalars(query)).all())


async def state_data(database: Database, chat: ChatSimulator) -> dict[str, object]:
    async with database.reading() as session:
        state = await session.get(ConversationState, chat.user_id)
    assert state is not None
    return dict(state.data)


# -- entry and step 0 -------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_menu_opens_the_diagnostic_on_the_safety_question(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, youth = await at_menu(database, clock, settings, locale=locale)
    assert chat.buttons[0] == "menu:diagnostic"
    assert (
        chat.button_labels[0] == {"fr": "📝 Faire le point", "en": "📝 Check my situation"}[locale]
    )

    await chat.tap("menu:diagnostic")

    assert STEP0_PROMPT[locale] in chat.text, chat.transcript
    assert "3 minutes" in chat.text, "it says how long it takes"
    [run] = await runs_of(database, youth)
    assert run.completed_at is None
    assert run.answers == {}
    assert chat.buttons == [
        f"dg:a:{run.id}:safety.today:{key}"
        for key in ("no_shelter", "no_food", "danger", "suicidal", "none")
    ] + [f"dg:x:{run.id}"]
    assert (
        chat.button_labels[-2:]
        == {
            "fr": ["Non, ça va", "⏸️ Stop, je continue plus tard"],
            "en": ["No, I'm OK", "⏸️ Stop, I'll continue later"],
        }[locale]
    )


async def test_without_consent_the_notice_comes_first_then_the_safety_question(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat = make_chat(database, clock, settings)
    await chat.send("/start")
    await chat.tap("lang:fr")
    await chat.send("/diagnostic")
    assert [b for b in chat.buttons if b.startswith("age:")] == chat.buttons, chat.transcript
    async with database.reading() as session:
        assert (await session.scalars(select(DiagnosticResult))).all() == []

    await chat.tap("age:18-25")
    await chat.tap("consent:yes")
    await chat.tap("share:no")

    assert question_on_screen(chat) == "safety.today", chat.transcript
    assert "3 minutes" in chat.text


async def test_the_command_opens_it_too(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await at_menu(database, clock, settings)
    await chat.send("/diagnostic")
    assert question_on_screen(chat) == "safety.today"


@pytest.mark.parametrize("locale", LOCALES)
async def test_no_place_to_sleep_gives_the_115_at_once_and_asks_nothing_more(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, youth = await at_menu(database, clock, settings, locale=locale)
    await chat.tap("menu:diagnostic")

    await answer(chat, "no_shelter")

    assert "115" in chat.text, chat.transcript
    assert chat.replies[0].html is not None
    assert "<b>115</b>" in chat.replies[0].html
    assert question_on_screen(chat) is None
    assert not [b for b in chat.buttons if b.startswith("dg:")]
    assert chat.buttons == ["sos:alert:no_shelter"]
    [run] = await runs_of(database, youth)
    assert run.completed_at == clock.now()
    assert run.answers == {"safety.today": "no_shelter"}
    assert [(s["reason"], s["priority"]) for s in run.signals] == [("no_shelter_tonight", "P0")]

    # The alert offer leads to an urgent request in the advisers' inbox.
    await chat.tap("sos:alert:no_shelter")
    await chat.tap("alert:send")
    async with database.reading() as session:
        [request] = (await session.scalars(select(ContactRequest))).all()
    assert request.urgent
    assert request.youth_id == youth.id
    assert request.site_id == youth.site_id
    assert request.topic == "urgent:no_shelter"

    # Taking it again later starts afresh, with step 0 first.
    await chat.tap("menu:diagnostic")
    assert question_on_screen(chat) == "safety.today"
    assert len(await runs_of(database, youth)) == 2


async def test_no_food_today_shows_the_food_route(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth = await at_menu(database, clock, settings)
    await chat.tap("menu:diagnostic")
    await answer(chat, "no_food")
    assert "restaurant solidaire" in chat.text, chat.transcript
    assert "Linkee" in chat.text
    assert question_on_screen(chat) is None
    [run] = await runs_of(database, youth)
    assert run.completed_at is not None


# -- choosing the domains ---------------------------------------------------------------


async def test_all_domains_walks_the_eight_in_order(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth = await at_menu(database, clock, settings)
    asked = await take_diagnostic(chat, {})
    domains = list(dict.fromkeys(key.split(".")[0] for key in asked))
    assert domains == [
        "housing",
        "money",
        "rights",
        "health",
        "digital",
        "job",
        "family",
        "mobility",
    ]
    assert "health.suicide" not in asked
    assert "mobility.interpreter" not in asked
    [run] = await runs_of(database, youth)
    assert run.answers == {"safety.today": "none"}, "skipped questions leave no answer"
    assert run.completed_at is not None


@pytest.mark.parametrize("locale", LOCALES)
async def test_choosing_two_domains_asks_only_theirs(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, youth = await at_menu(database, clock, settings, locale=locale)
    await chat.tap("menu:diagnostic")
    await answer(chat, "none")
    await chat.tap(button(chat, "dg:pick:"))
    rid = run_on_screen(chat)
    assert f"dg:on:{rid}:housing" in chat.buttons

    await chat.tap(f"dg:on:{rid}:job")
    await chat.tap(f"dg:on:{rid}:housing")
    assert chat.replies[0].edit, "ticking edits the same message"
    labels = dict(zip(chat.buttons, chat.button_labels, strict=True))
    housing = {"fr": "Logement", "en": "Housing"}[locale]
    assert labels[f"dg:off:{rid}:housing"] == f"✓ 🏠 {housing}"
    assert labels[f"dg:on:{rid}:money"].startswith("💶 ")

    await chat.tap(f"dg:go:{rid}")
    asked = await answer_questions(chat, {"housing.sleep": "parents", "job.now": "working"})

    assert asked == [
        "housing.sleep",
        "housing.leave",
        "housing.mail",
        "job.now",
        "job.goal",
        "job.diploma",
    ]
    [run] = await runs_of(database, youth)
    assert run.answers == {
        "safety.today": "none",
        "housing.sleep": "parents",
        "job.now": "working",
    }
    assert run.completed_at is not None


async def test_ticking_and_unticking_and_going_with_nothing_ticked(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await at_menu(database, clock, settings)
    await chat.tap("menu:diagnostic")
    await answer(chat, "none")
    await chat.tap(button(chat, "dg:pick:"))
    rid = run_on_screen(chat)

    await chat.tap(f"dg:go:{rid}")
    assert "Choisis au moins un thème." in chat.text
    assert f"dg:go:{rid}" in chat.buttons

    await chat.tap(f"dg:on:{rid}:money")
    await chat.tap(f"dg:off:{rid}:money")
    assert f"dg:on:{rid}:money" in chat.buttons
    await chat.tap(f"dg:on:{rid}:digital")
    clock.advance(DOUBLE_TAP_WINDOW + timedelta(seconds=1))
    await chat.tap(f"dg:go:{rid}")
    assert question_on_screen(chat) == "digital.phone"


# -- the questions ---------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_question_shows_its_domain_progress_and_the_ways_out(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, youth = await at_menu(database, clock, settings, locale=locale)
    await chat.tap("menu:diagnostic")
    await answer(chat, "none")
    await chat.tap(button(chat, "dg:all:"))

    housing = {"fr": "Logement", "en": "Housing"}[locale]
    assert chat.text.startswith(f"🏠 {housing} · 1/3"), chat.transcript
    assert {"fr": "Où est-ce que tu dors", "en": "Where do you sleep"}[locale] in chat.text
    rid = run_on_screen(chat)
    assert chat.buttons[-3:] == [
        f"dg:s:{rid}:housing.sleep",
        f"dg:b:{rid}:housing.sleep",
        f"dg:x:{rid}",
    ]
    assert (
        chat.button_labels[-3:]
        == {
            "fr": ["⏭️ Passer", "⬅️ Retour", "⏸️ Stop, je continue plus tard"],
            "en": ["⏭️ Skip", "⬅️ Back", "⏸️ Stop, I'll continue later"],
        }[locale]
    )

    await answer(chat, "hotel_115")
    assert chat.text.startswith(f"🏠 {housing} · 2/3")
    [run] = await runs_of(database, youth)
    assert run.answers["housing.sleep"] == "hotel_115", "saved at once"


async def test_skip_and_back_on_every_kind_of_question(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth = await at_menu(database, clock, settings)
    await chat.tap("menu:diagnostic")
    # Step 0 has no skip and no back: "Non, ça va" is the way on, and nothing comes before.
    assert not [b for b in chat.buttons if b.startswith(("dg:s:", "dg:b:"))]
    await answer(chat, "none")
    await chat.tap(button(chat, "dg:all:"))

    # The first question: back returns to the choice of domains.
    await back(chat)
    assert button(chat, "dg:all:")
    await chat.tap(button(chat, "dg:all:"))
    assert question_on_screen(chat) == "housing.sleep"

    # An ordinary question: answer, then back shows the answer ticked; skip keeps it.
    await answer(chat, "parents")
    assert question_on_screen(chat) == "housing.leave"
    await back(chat)
    assert question_on_screen(chat) == "housing.sleep"
    assert "✓ Chez mes parents" in chat.button_labels
    await skip(chat)
    assert question_on_screen(chat) == "housing.leave"
    await skip(chat)
    await skip(chat)

    # The first question of a later domain: back goes to the last of the one before.
    assert question_on_screen(chat) == "money.income"
    await back(chat)
    assert question_on_screen(chat) == "housing.mail"
    for _ in range(7):
        await skip(chat)

    # The faces, then the follow-up question only they open.
    assert question_on_screen(chat) == "health.mood"
    assert len(chat.replies[0].keyboard[0]) == 5, "the five faces share a row"
    await skip(chat)
    assert question_on_screen(chat) == "health.care", "no follow-up without a low face"
    await back(chat)
    await answer(chat, "low")
    assert question_on_screen(chat) == "health.suicide"
    await skip(chat)
    assert question_on_screen(chat) == "health.care"
    await back(chat)
    assert question_on_screen(chat) == "health.suicide", "back returns to the follow-up"
    await back(chat)
    assert question_on_screen(chat) == "health.mood"
    assert "✓ 😟" in chat.button_labels

    [run] = await runs_of(database, youth)
    assert run.answers == {"safety.today": "none", "housing.sleep": "parents", "health.mood": "low"}
    assert run.completed_at is None


async def test_the_suicide_question_follows_a_bottom_face_and_yes_stops_everything(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth = await at_menu(database, clock, settings)
    await chat.tap("menu:diagnostic")
    await answer(chat, "none")
    await chat.tap(button(chat, "dg:pick:"))
    rid = run_on_screen(chat)
    await chat.tap(f"dg:on:{rid}:health")
    await chat.tap(f"dg:go:{rid}")
    await answer(chat, "very_low")
    assert "est-ce que tu penses au suicide" in chat.text

    await answer(chat, "yes")

    assert "3114" in chat.text, chat.transcript
    assert question_on_screen(chat) is None
    assert chat.buttons == ["sos:alert:suicidal"]
    [run] = await runs_of(database, youth)
    assert run.completed_at is not None
    assert {"reason": "suicidal_thoughts", "priority": "P0"}.items() <= run.signals[0].items()


async def test_a_no_to_the_suicide_question_goes_on(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth = await at_menu(database, clock, settings)
    asked = await take_diagnostic(chat, {"health.mood": "low", "health.suicide": "no"})
    assert asked[asked.index("health.mood") + 1 : asked.index("health.mood") + 3] == [
        "health.suicide",
        "health.care",
    ]
    [run] = await runs_of(database, youth)
    assert run.answers["health.suicide"] == "no"
    assert run.completed_at is not None
    assert chat.buttons[0].startswith("dr:go:"), "the results come at the end"


async def test_sleeping_rough_inside_housing_stops_the_questionnaire(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth = await at_menu(database, clock, settings)
    await chat.tap("menu:diagnostic")
    await answer(chat, "none")
    await chat.tap(button(chat, "dg:all:"))
    await answer(chat, "street")
    assert "115" in chat.text
    assert question_on_screen(chat) is None
    [run] = await runs_of(database, youth)
    assert run.completed_at is not None
    assert "diagnostic.run" not in await state_data(database, chat)


# -- stop, resume, start over -----------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
async def test_stop_halfway_and_resume_the_next_day(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, youth = await at_menu(database, clock, settings, locale=locale)
    await chat.tap("menu:diagnostic")
    await answer(chat, "none")
    await chat.tap(button(chat, "dg:all:"))
    await answer(chat, "family_friends")
    await answer(chat, "unsure")
    await skip(chat)
    await answer(chat, "little")
    assert question_on_screen(chat) == "money.meals"

    await chat.tap(button(chat, "dg:x:"))
    assert {"fr": "je garde tes réponses", "en": "I'm keeping your answers"}[locale] in chat.text
    assert chat.text.endswith(MENU_PROMPT[locale])

    clock.advance(timedelta(days=1))
    await chat.tap("menu:diagnostic")
    started = {"fr": "lundi 23 novembre", "en": "Monday 23 November"}[locale]
    assert started in chat.text, chat.transcript
    assert (
        chat.button_labels
        == {
            "fr": ["▶️ Continuer où je me suis arrêté·e", "🔄 Recommencer"],
            "en": ["▶️ Continue where I stopped", "🔄 Start over"],
        }[locale]
    )
    await chat.tap(button(chat, "dg:cont:"))

    assert question_on_screen(chat) == "money.meals"
    money = {"fr": "Argent et repas", "en": "Money and meals"}[locale]
    assert chat.text.startswith(f"💶 {money} · 2/3"), chat.transcript
    await back(chat)
    assert {"fr": "✓ Un peu", "en": "✓ A little"}[locale] in chat.button_labels
    [run] = await runs_of(database, youth)
    assert run.answers == {
        "safety.today": "none",
        "housing.sleep": "family_friends",
        "housing.leave": "unsure",
        "money.income": "little",
    }
    assert run.completed_at is None


async def test_start_again_in_the_middle_then_resume(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth = await at_menu(database, clock, settings)
    await chat.tap("menu:diagnostic")
    await answer(chat, "none")
    await chat.tap(button(chat, "dg:pick:"))
    rid = run_on_screen(chat)
    await chat.tap(f"dg:on:{rid}:rights")
    await chat.tap(f"dg:go:{rid}")
    await answer(chat, "expires_soon")

    await chat.send("/start")
    await chat.tap("lang:fr")
    assert chat.text.endswith(MENU_PROMPT["fr"])
    await chat.tap("menu:diagnostic")
    await chat.tap(button(chat, "dg:cont:"))

    assert question_on_screen(chat) == "rights.health_cover"
    await answer_questions(chat, {})
    assert "dr:send:" + str(rid) in chat.buttons, "only the rights domain was asked"
    [run] = await runs_of(database, youth)
    assert run.answers == {"safety.today": "none", "rights.papers": "expires_soon"}


async def test_resuming_before_choosing_domains_returns_to_the_choice(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await at_menu(database, clock, settings)
    await chat.tap("menu:diagnostic")
    await answer(chat, "none")
    await chat.tap(button(chat, "dg:x:"))
    await chat.send("/diagnostic")
    await chat.tap(button(chat, "dg:cont:"))
    assert button(chat, "dg:all:")
    assert button(chat, "dg:pick:")


async def test_a_run_with_no_answer_yet_is_simply_continued(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth = await at_menu(database, clock, settings)
    await chat.tap("menu:diagnostic")
    await chat.tap(button(chat, "dg:x:"))
    await chat.tap("menu:diagnostic")
    assert question_on_screen(chat) == "safety.today", "nothing to resume: no question"
    assert len(await runs_of(database, youth)) == 1


async def test_starting_over_starts_a_new_run_and_keeps_the_others_as_history(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth = await at_menu(database, clock, settings)
    await take_diagnostic(chat, {"housing.sleep": "parents"})

    await chat.tap("menu:diagnostic")
    await answer(chat, "none")
    await chat.tap(button(chat, "dg:all:"))
    await answer(chat, "foyer")
    await chat.send("/menu")
    await chat.tap("menu:diagnostic")
    await chat.tap(button(chat, "dg:new:"))

    assert question_on_screen(chat) == "safety.today"
    finished, halfway, new = await runs_of(database, youth)
    assert finished.answers == {"safety.today": "none", "housing.sleep": "parents"}
    assert finished.completed_at is not None
    assert halfway.answers == {"safety.today": "none", "housing.sleep": "foyer"}
    assert halfway.completed_at is None
    assert new.answers == {}
    assert new.completed_at is None

    # The run left halfway is never offered again.
    await chat.tap(button(chat, "dg:x:"))
    await chat.tap("menu:diagnostic")
    assert question_on_screen(chat) == "safety.today"
    assert len(await runs_of(database, youth)) == 3


# -- bad input -----------------------------------------------------------------------


async def test_a_button_of_an_old_run_is_stale_after_a_new_one_started(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth = await at_menu(database, clock, settings)
    await chat.tap("menu:diagnostic")
    await answer(chat, "none")
    await chat.tap(button(chat, "dg:all:"))
    old = button(chat, "dg:a:", ":housing.sleep:parents")
    await chat.tap(button(chat, "dg:x:"))
    await chat.tap("menu:diagnostic")
    await chat.tap(button(chat, "dg:new:"))
    await answer(chat, "none")
    await chat.tap(button(chat, "dg:all:"))
    assert old not in chat.buttons, "the new run's buttons are its own"

    await chat.tap(old)

    assert chat.text.startswith(STALE["fr"]), chat.transcript
    assert chat.text.endswith(MENU_PROMPT["fr"])
    _, run = await runs_of(database, youth)
    assert run.answers == {"safety.today": "none"}
    await chat.tap("menu:diagnostic")
    await chat.tap(button(chat, "dg:cont:"))
    assert question_on_screen(chat) == "housing.sleep", "the new run is where it was"


async def test_a_double_tap_answers_once(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth = await at_menu(database, clock, settings)
    await chat.tap("menu:diagnostic")
    await answer(chat, "none")
    await chat.tap(button(chat, "dg:all:"))
    tapped = button(chat, "dg:a:", ":housing.sleep:own")
    await chat.tap(tapped)
    assert question_on_screen(chat) == "housing.leave"

    assert await chat.tap(tapped) == [], "the second tap of a double tap is ignored"
    clock.advance(DOUBLE_TAP_WINDOW + timedelta(seconds=1))
    await chat.tap(tapped)
    assert chat.text.startswith(STALE["fr"])

    await chat.tap("menu:diagnostic")
    await chat.tap(button(chat, "dg:cont:"))
    assert question_on_screen(chat) == "housing.leave", "moved on by one question only"
    [run] = await runs_of(database, youth)
    assert run.answers == {"safety.today": "none", "housing.sleep": "own"}


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_sticker_or_free_text_asks_the_same_question_again(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, youth = await at_menu(database, clock, settings, locale=locale)
    await chat.tap("menu:diagnostic")
    await answer(chat, "none")
    await chat.tap(button(chat, "dg:all:"))
    await answer(chat, "parents")
    shown = list(chat.buttons)

    await chat.send_unsupported("sticker")
    assert {"fr": "seulement le texte", "en": "only read text"}[locale] in chat.text
    assert question_on_screen(chat) == "housing.leave"
    assert chat.buttons == shown

    for typed in ("oui je crois", "x" * 4000):
        await chat.send(typed)
        assert {"fr": "Je n'ai pas compris", "en": "I didn't understand"}[locale] in chat.text
        assert chat.buttons == shown

    await answer(chat, "no")
    assert question_on_screen(chat) == "housing.mail"
    [run] = await runs_of(database, youth)
    assert run.answers == {
        "safety.today": "none",
        "housing.sleep": "parents",
        "housing.leave": "no",
    }


async def test_words_of_danger_typed_during_a_question_leave_it_answerable(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await at_menu(database, clock, settings)
    await chat.tap("menu:diagnostic")
    await answer(chat, "none")
    await chat.tap(button(chat, "dg:all:"))
    answer_button = button(chat, "dg:a:", ":housing.sleep:foyer")

    await chat.send("ce soir je vais dormir dehors")
    assert "115" in chat.text

    await chat.tap(answer_button)
    assert question_on_screen(chat) == "housing.leave"


async def test_a_forged_answer_is_refused_and_nothing_is_stored(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth = await at_menu(database, clock, settings)
    await chat.tap("menu:diagnostic")
    rid = run_on_screen(chat)
    await chat.tap_unchecked(f"dg:a:{rid}:safety.today:castle")
    assert chat.text.startswith(STALE["fr"])
    [run] = await runs_of(database, youth)
    assert run.answers == {}


async def test_button_ids_fit_telegram_for_every_question_and_a_large_run_id() -> None:
    from core.diagnostic import DOMAINS, SAFETY
    from flows.replies import MAX_BUTTON_ID_BYTES

    longest = max(
        len(f"dg:a:{2**31 - 1}:{q.key}:{a.key}".encode())
        for domain in (SAFETY, *DOMAINS)
        for q in domain.questions
        for a in q.answers
    )
    assert longest <= MAX_BUTTON_ID_BYTES
