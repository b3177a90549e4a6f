"""Whole journeys of a youth the bot has never met, from /start through consent, in fr and en.

The other flow tests start from a consented youth; these go through the real
onboarding first, so the pieces are checked joined up as a youth lives them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.models import ContactRequest, ConversationState, DiagnosticResult, Site, Youth
from tests.core.diagnostic.test_results import NO_URGENT_NEED
from tests.flows.test_diagnostic import (
    LOCALES,
    MENU_PROMPT,
    answer,
    answer_questions,
    button,
    question_on_screen,
    skip,
    take_diagnostic,
)
from tests.support.chat import ChatSimulator, make_chat
from tests.support.factories import make_site

TOP_STEPS = ["linkee_parcel", "emmaus_connect", "cv_workshop"]


@pytest.fixture
def chat(database: Database, clock: ManualClock, settings: Settings) -> ChatSimulator:
    return make_chat(database, clock, settings)


async def _site(database: Database) -> Site:
    async with database.transaction() as session:
        return await make_site(session, code="paris-est", name="Site Est", arrondissement=20)


async def _onboard(chat: ChatSimulator, database: Database, locale: str) -> Youth:
    """/start from a street-outreach link, the notice, 18-25, consent, sharing, the site."""
    site = await _site(database)
    await chat.send("/start maraude-2026-12")
    await chat.tap(f"lang:{locale}")
    await chat.tap("age:18-25")
    await chat.tap("consent:yes")
    await chat.tap("share:yes")
    await chat.tap(f"site:{site.id}")
    assert chat.text.endswith(MENU_PROMPT[locale]), chat.transcript
    youth = await _youth(database, chat.user_id)
    assert youth is not None
    assert (youth.locale, youth.site_id, youth.origin) == (locale, site.id, "maraude-2026-12")
    return youth


async def _youth(database: Database, user_id: int) -> Youth | None:
    async with database.reading() as session:
        return await session.scalar(select(Youth).where(col(Youth.telegram_user_id) == user_id))


async def _count(database: Database, model: type[object]) -> int:
    async with database.reading() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _runs(database: Database, youth: Youth) -> list[DiagnosticResult]:
    async with database.reading() as session:
        query = select(DiagnosticResult).where(col(DiagnosticResult.youth_id) == youth.id)
        return list(await session.scalars(query.order_by(col(DiagnosticResult.id))))


@pytest.mark.parametrize("locale", LOCALES)
async def test_no_urgent_need_leads_to_a_parcel_emmaus_connect_and_a_cv_workshop(
    chat: ChatSimulator, database: Database, clock: ManualClock, locale: str
) -> None:
    youth = await _onboard(chat, database, locale)
    await take_diagnostic(chat, NO_URGENT_NEED)

    [run] = await _runs(database, youth)
    assert chat.buttons[:3] == [f"dr:go:{run.id}:{key}" for key in TOP_STEPS]
    assert "4. " not in chat.text, "at most three steps"
    assert run.completed_at == clock.now()
    assert [o["key"] for o in run.orientations][:3] == TOP_STEPS

    await chat.tap(f"dr:go:{run.id}:emmaus_connect")
    assert "Emmaüs Connect" in chat.text, chat.transcript


@pytest.mark.parametrize("locale", LOCALES)
async def test_no_place_to_sleep_gives_the_115_at_once_and_alerts_the_adviser(
    chat: ChatSimulator, database: Database, locale: str
) -> None:
    youth = await _onboard(chat, database, locale)
    await chat.tap("menu:diagnostic")
    await answer(chat, "no_shelter")

    assert chat.replies[0].html is not None
    assert "<b>115</b>" in chat.replies[0].html
    assert question_on_screen(chat) is None, "nothing more is asked"
    assert chat.buttons == ["sos:alert:no_shelter"]
    await chat.tap("sos:alert:no_shelter")
    await chat.tap("alert:send")

    async with database.reading() as session:
        [request] = await session.scalars(select(ContactRequest))
    assert (request.youth_id, request.site_id, request.urgent) == (youth.id, youth.site_id, True)
    assert request.topic == "urgent:no_shelter"


@pytest.mark.parametrize("locale", LOCALES)
async def test_stopping_halfway_and_resuming_the_next_day(
    chat: ChatSimulator, database: Database, clock: ManualClock, locale: str
) -> None:
    youth = await _onboard(chat, database, locale)
    await chat.tap("menu:diagnostic")
    await answer(chat, "none")
    await chat.tap(button(chat, "dg:all:"))
    await answer(chat, "parents")
    await skip(chat)
    await chat.tap(button(chat, "dg:x:"))
    assert chat.text.endswith(MENU_PROMPT[locale])

    clock.advance(timedelta(days=1, hours=3))
    await chat.send("/start")
    await chat.tap(f"lang:{locale}")
    assert chat.text.endswith(MENU_PROMPT[locale]), "consent is not asked again"
    await chat.tap("menu:diagnostic")
    await chat.tap(button(chat, "dg:cont:"))
    asked = await answer_questions(chat, NO_URGENT_NEED)

    assert asked[0] == "housing.mail", "it goes on after the skipped question"
    [run] = await _runs(database, youth)
    assert run.completed_at == clock.now()
    assert run.answers["housing.sleep"] == "parents"
    assert "housing.leave" not in run.answers


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_minor_under_16_gets_helplines_and_nothing_is_stored(
    chat: ChatSimulator, database: Database, locale: str
) -> None:
    await _site(database)
    await chat.send("/start site-paris-est")
    await chat.tap(f"lang:{locale}")
    await chat.tap("age:under-16")

    assert "119" in chat.text, chat.transcript
    assert "0 800 235 236" in chat.text
    assert {"fr": "Je n'ai rien enregistré", "en": "I haven't saved anything"}[locale] in (
        chat.text
    )
    assert await _count(database, Youth) == 0
    async with database.reading() as session:
        state = await session.get(ConversationState, chat.user_id)
    assert state is not None
    assert (state.data, state.youth_id, state.flow, state.step) == ({}, None, "", "")

    await chat.send("/menu")
    assert "menu:diagnostic" not in chat.buttons, "nothing that stores data is offered"


@pytest.mark.parametrize("locale", LOCALES)
async def test_erasure_leaves_nothing_of_the_youth(
    chat: ChatSimulator, database: Database, locale: str
) -> None:
    youth = await _onboard(chat, database, locale)
    await take_diagnostic(chat, NO_URGENT_NEED)
    await chat.tap(button(chat, "dr:send:"))
    await chat.tap(button(chat, "ds:yes:"))
    assert await _count(database, ContactRequest) == 1

    await chat.send("/supprimer" if locale == "fr" else "/delete")
    await chat.tap("priv:erase")

    assert {"fr": "j'ai effacé tes données", "en": "I have erased your data"}[locale] in (chat.text)
    assert await _youth(database, chat.user_id) is None
    assert await _runs(database, youth) == []
    assert await _count(database, ContactRequest) == 0
    await chat.send("/start")
    await chat.tap(f"lang:{locale}")
    assert chat.buttons[0] == "age:under-16", "they start again as someone new"
