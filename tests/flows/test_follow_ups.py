"""After a slot, through the chat, fr and en: the word after a no-show, and the survey.

The dispatcher sends these messages outside any conversation; here they are
rendered as it would render them, and the youth taps their buttons in their chat.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.models import (
    Booking,
    BookingStatus,
    ContactRequest,
    SatisfactionAnswer,
    Slot,
    SlotKind,
)
from core.satisfaction import CHANGE_WINDOW
from flows.engine import DOUBLE_TAP_WINDOW
from flows.follow_ups import no_show_replies, survey_replies
from flows.render import RenderedReply, render
from flows.replies import Reply
from tests.conftest import PARIS
from tests.flows.test_booking import LOCALES, MENU_PROMPT, STALE
from tests.support.chat import ChatSimulator, compiled_catalogs
from tests.support.factories import make_booking, make_partner, make_slot, make_youth
from tests.support.youths import make_consented_chat

THURSDAY_2PM = datetime(2026, 11, 19, 14, 0, tzinfo=PARIS)
LATER = DOUBLE_TAP_WINDOW + timedelta(seconds=1)


async def _visited(
    database: Database,
    clock: ManualClock,
    settings: Settings,
    locale: str,
    status: BookingStatus = BookingStatus.ATTENDED,
    **slot: Any,
) -> tuple[ChatSimulator, Booking, Slot]:
    """A consented youth's booking on a slot last Thursday, marked `status`."""
    chat, youth = await make_consented_chat(database, clock, settings, locale=locale)
    async with database.transaction() as session:
        past = await make_slot(
            session, clock.now(), starts_at=THURSDAY_2PM, title="Atelier CV",
            title_translations={"en": "CV workshop"}, **slot,
        )  # fmt: skip
        booking = await make_booking(session, clock.now(), youth, past, status)
    return chat, booking, past


def _rendered(replies: list[Reply], locale: str) -> RenderedReply:
    [reply] = [render(r, locale, compiled_catalogs(), PARIS) for r in replies]
    return reply


async def _answers(database: Database) -> list[SatisfactionAnswer]:
    async with database.reading() as session:
        return list(await session.scalars(select(SatisfactionAnswer)))


# -- after a no-show -------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_no_show_message_is_kind_and_offers_two_ways_back(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    _, booking, slot = await _visited(database, clock, settings, locale, BookingStatus.NO_SHOW)

    reply = _rendered(no_show_replies(booking, slot, locale), locale)

    text = reply.plain_text.replace("\u202f", " ")
    assert {
        "fr": "On ne t’a pas vu·e à Atelier CV, le jeudi 19 novembre à 14:00.",
        "en": "We didn't see you at CV workshop on Thursday 19 November at 14:00.",
    }[locale] in text
    assert {"fr": "Ce n’est pas grave", "en": "It doesn't matter"}[locale] in text
    assert reply.keyboard == [
        [
            (
                f"ns:book:{booking.id}",
                {"fr": "📅 Reprendre un rendez-vous", "en": "📅 Book again"}[locale],
            )
        ],
        [("ns:talk", {"fr": "💬 Parler à mon conseiller", "en": "💬 Talk to my adviser"}[locale])],
    ]


@pytest.mark.parametrize("locale", LOCALES)
async def test_book_again_opens_the_list_of_the_same_kind_of_workshop(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, booking, _ = await _visited(
        database, clock, settings, locale, BookingStatus.NO_SHOW, topic="cv"
    )
    async with database.transaction() as session:
        same = await make_slot(session, clock.now(), topic="cv", title="Atelier CV")
        await make_slot(session, clock.now(), topic="housing", title="Atelier logement")

    await chat.tap_unchecked(f"ns:book:{booking.id}")

    assert {"fr": "CV et entretien", "en": "CV and interview"}[locale] in chat.text
    assert f"bs:open:{same.id}" in chat.buttons
    assert "Atelier logement" not in chat.text
    assert "bk:t:all" in chat.buttons, "and every workshop one tap away"


async def test_book_again_after_an_appointment_lists_the_same_partner(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    async with database.transaction() as session:
        partner, other = await make_partner(session), await make_partner(session)
    chat, booking, _ = await _visited(
        database, clock, settings, "fr", BookingStatus.NO_SHOW,
        kind=SlotKind.APPOINTMENT, partner_id=partner.id,
    )  # fmt: skip
    async with database.transaction() as session:
        theirs = await make_slot(session, clock.now(), SlotKind.APPOINTMENT, partner_id=partner.id)
        elsewhere = await make_slot(session, clock.now(), SlotKind.APPOINTMENT, partner_id=other.id)

    await chat.tap_unchecked(f"ns:book:{booking.id}")

    assert f"bs:open:{theirs.id}" in chat.buttons
    assert f"bs:open:{elsewhere.id}" not in chat.buttons


@pytest.mark.parametrize("locale", LOCALES)
async def test_talk_to_my_adviser_asks_for_a_message_about_the_missed_slot(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, _, _ = await _visited(database, clock, settings, locale, BookingStatus.NO_SHOW)

    await chat.tap_unchecked("ns:talk")
    assert {"fr": "Un rendez-vous manqué", "en": "A missed appointment"}[locale] in chat.text
    assert chat.buttons == ["ct:skip"]
    await chat.send("J'étais malade")

    async with database.reading() as session:
        [request] = list(await session.scalars(select(ContactRequest)))
    assert (request.topic, request.message) == ("missed_slot", "J'étais malade")


async def test_book_again_from_someone_elses_message_is_a_stale_button(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _, slot = await _visited(database, clock, settings, "fr", BookingStatus.NO_SHOW)
    async with database.transaction() as session:
        theirs = await make_booking(
            session,
            clock.now(),
            await make_youth(session, clock.now()),
            slot,
            BookingStatus.NO_SHOW,
        )

    await chat.tap_unchecked(f"ns:book:{theirs.id}")
    assert STALE["fr"] in chat.text
    clock.advance(LATER)
    await chat.tap_unchecked("ns:book:nope")
    assert STALE["fr"] in chat.text


# -- the survey ----------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_survey_asks_one_question_with_five_faces_on_one_row(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    _, booking, slot = await _visited(database, clock, settings, locale)

    reply = _rendered(survey_replies(booking, slot, locale), locale)

    assert {
        "fr": "Comment s’est passé l’atelier « Atelier CV » ?",
        "en": "How was the workshop “CV workshop”?",
    }[locale] in reply.plain_text.replace("\u202f", " ")
    [row] = reply.keyboard
    assert row == [
        (f"sv:{n}:{booking.id}", f"{face} {n}") for n, face in enumerate("😞🙁😐🙂😄", 1)
    ]


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_score_is_stored_then_a_comment_is_asked_and_stored(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, booking, _ = await _visited(database, clock, settings, locale)

    await chat.tap_unchecked(f"sv:4:{booking.id}")
    assert {"fr": "Merci pour ta note !", "en": "Thank you for your score!"}[locale] in chat.text
    assert {"fr": "500 caractères au maximum", "en": "500 characters at most"}[locale] in chat.text
    assert chat.buttons == ["sc:skip"]
    [answer] = await _answers(database)
    assert (answer.booking_id, answer.score, answer.comment) == (booking.id, 4, None)

    await chat.send("  Très utile, merci  ")
    assert {"fr": "Merci pour ton commentaire", "en": "Thank you for your comment"}[
        locale
    ] in chat.text
    assert MENU_PROMPT[locale] in chat.text
    assert [a.comment for a in await _answers(database)] == ["Très utile, merci"]


@pytest.mark.parametrize("locale", LOCALES)
async def test_skip_leaves_the_score_without_a_comment(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, booking, _ = await _visited(database, clock, settings, locale)
    await chat.tap_unchecked(f"sv:2:{booking.id}")
    await chat.tap("sc:skip")

    assert {"fr": "Merci pour ta réponse", "en": "Thank you for your answer"}[locale] in chat.text
    assert [(a.score, a.comment) for a in await _answers(database)] == [(2, None)]
    clock.advance(LATER)
    await chat.tap("sc:skip")
    assert STALE[locale] in chat.text, "the question is no longer on screen"


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_comment_too_long_gets_a_kind_answer_and_the_question_stays(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, booking, _ = await _visited(database, clock, settings, locale)
    await chat.tap_unchecked(f"sv:5:{booking.id}")

    await chat.send("a" * 501)
    assert {
        "fr": "Ton commentaire est trop long : 501 caractères. Le maximum est 500.",
        "en": "Your comment is too long: 501 characters. The limit is 500.",
    }[locale] in chat.text
    assert chat.buttons == ["sc:skip"]
    await chat.send_unsupported("sticker")
    assert {"fr": "seulement le texte", "en": "only read text"}[locale] in chat.text
    assert chat.buttons == ["sc:skip"]
    await chat.send("a" * 500)
    assert [len(a.comment or "") for a in await _answers(database)] == [500]


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_second_tap_changes_the_score_within_the_week(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, booking, _ = await _visited(database, clock, settings, locale)
    await chat.tap_unchecked(f"sv:1:{booking.id}")
    assert await chat.tap_unchecked(f"sv:1:{booking.id}") == [], "a double tap is one tap"

    clock.advance(LATER)
    await chat.tap_unchecked(f"sv:3:{booking.id}")
    assert {"fr": "ta note est maintenant 3 sur 5", "en": "your score is now 3 out of 5"}[
        locale
    ] in chat.text
    assert [a.score for a in await _answers(database)] == [3]

    clock.advance(CHANGE_WINDOW)
    await chat.tap_unchecked(f"sv:5:{booking.id}")
    assert {"fr": "Tu as déjà donné ton avis", "en": "You already gave your opinion"}[
        locale
    ] in chat.text
    assert [a.score for a in await _answers(database)] == [3]


async def test_stale_and_foreign_score_buttons(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, booking, slot = await _visited(database, clock, settings, "fr")
    async with database.transaction() as session:
        theirs = await make_booking(
            session, clock.now(), await make_youth(session, clock.now()), slot,
            BookingStatus.ATTENDED,
        )  # fmt: skip
        mine = await session.get(Booking, booking.id)
        assert mine is not None
        mine.status = BookingStatus.NO_SHOW  # corrected after the survey went out

    await chat.tap_unchecked(f"sv:4:{theirs.id}")
    assert STALE["fr"] in chat.text
    for tampered in ("sv:9:1", "sv:4:x", "sv:4", "ns:nope"):
        clock.advance(LATER)
        await chat.tap_unchecked(tampered)
        assert STALE["fr"] in chat.text, tampered
    clock.advance(LATER)
    await chat.tap_unchecked(f"sv:4:{booking.id}")
    assert "n'est pas noté comme suivi" in chat.text
    assert await _answers(database) == []
