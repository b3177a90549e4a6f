"""The diagnostic's results: the top three steps and where each leads, and the summary sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.models import ContactRequest, ContactStatus, DiagnosticResult, Slot, SlotKind, Youth
from flows.engine import DOUBLE_TAP_WINDOW
from tests.core.diagnostic.test_results import NO_URGENT_NEED
from tests.flows.test_diagnostic import (
    LOCALES,
    MENU_PROMPT,
    STALE,
    at_menu,
    runs_of,
    take_diagnostic,
)
from tests.support.chat import ChatSimulator
from tests.support.factories import make_partner, make_slot, make_youth

TOP_LABELS = {
    "fr": [
        "📅 Un colis alimentaire gratuit",
        "📅 Téléphone, forfait : Emmaüs Connect",
        "📅 L'atelier CV et entretien",
    ],
    "en": [
        "📅 A free food parcel",
        "📅 Phone and data: Emmaüs Connect",
        "📅 The CV and interview workshop",
    ],
}
SEND_LABEL = {
    "fr": "📨 Envoyer mon résumé à mon conseiller",
    "en": "📨 Send my summary to my adviser",
}


async def finished(
    database: Database,
    clock: ManualClock,
    settings: Settings,
    answers: dict[str, str],
    *,
    locale: str = "fr",
) -> tuple[ChatSimulator, Youth, DiagnosticResult]:
    """A consented youth who just took the whole diagnostic with these answers."""
    chat, youth = await at_menu(database, clock, settings, locale=locale)
    await take_diagnostic(chat, answers)
    [run] = await runs_of(database, youth)
    return chat, youth, run


async def requests(database: Database) -> list[ContactRequest]:
    async with database.reading() as session:
        return list((await session.scalars(select(ContactRequest))).all())


async def reload(database: Database, youth: Youth) -> Youth:
    async with database.reading() as session:
        row = await session.get(Youth, youth.id)
    assert row is not None
    return row


# -- the acceptance journey ---------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_youth_with_no_urgent_need_gets_a_food_parcel_emmaus_connect_and_a_cv_workshop(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, _, run = await finished(database, clock, settings, NO_URGENT_NEED, locale=locale)

    rid = run.id
    assert chat.text.startswith({"fr": "✅ Merci, c'est fini !", "en": "✅ Thank you, "}[locale])
    assert chat.buttons == [
        f"dr:go:{rid}:linkee_parcel",
        f"dr:go:{rid}:emmaus_connect",
        f"dr:go:{rid}:cv_workshop",
        f"dr:all:{rid}",
        f"dr:send:{rid}",
    ]
    assert chat.button_labels[:3] == TOP_LABELS[locale]
    assert chat.button_labels[4] == SEND_LABEL[locale]
    assert "1. " in chat.text
    assert "3. " in chat.text
    assert "4. " not in chat.text
    assert len(chat.replies) == 1, "the thanks and the steps are one message"

    assert run.completed_at == clock.now()
    assert run.answers == NO_URGENT_NEED
    assert [o["key"] for o in run.orientations][:3] == [
        "linkee_parcel",
        "emmaus_connect",
        "cv_workshop",
    ]
    assert {s["reason"] for s in run.signals} >= {"skips_meals_sometimes", "no_data_plan"}


async def _offers(database: Database, clock: ManualClock) -> dict[str, Slot]:
    """One slot of each kind a top step leads to, and a workshop on another topic."""
    now = clock.now()
    async with database.transaction() as session:
        emmaus = await make_partner(session, code="emmaus-connect", name="Emmaüs Connect")
        other = await make_partner(session, code="la-banque-postale", name="La Banque Postale")
        return {
            "parcel": await make_slot(session, now, SlotKind.FOOD_PARCEL, title="Colis Linkee"),
            "emmaus": await make_slot(
                session, now, SlotKind.APPOINTMENT, capacity=1, partner_id=emmaus.id,
                title="Rendez-vous Emmaüs Connect", topic="digital",
            ),
            "bank": await make_slot(
                session, now, SlotKind.APPOINTMENT, capacity=1, partner_id=other.id,
                title="Rendez-vous banque", topic="money",
            ),
            "cv": await make_slot(session, now, topic="cv", title="Atelier CV"),
            "housing": await make_slot(session, now, topic="housing", title="Atelier logement"),
        }  # fmt: skip


def _slots_listed(chat: ChatSimulator) -> list[int]:
    return [int(b.split(":")[2]) for b in chat.buttons if b.startswith("bs:open:")]


@pytest.mark.parametrize("locale", LOCALES)
async def test_each_booking_step_opens_its_own_list(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    offers = await _offers(database, clock)
    chat, _, run = await finished(database, clock, settings, NO_URGENT_NEED, locale=locale)

    await chat.tap(f"dr:go:{run.id}:linkee_parcel")
    assert {"fr": "Un colis alimentaire gratuit", "en": "A free food parcel"}[locale] in chat.text
    assert _slots_listed(chat) == [offers["parcel"].id], "the food signal makes them eligible"

    await chat.tap(f"dr:go:{run.id}:emmaus_connect")
    assert _slots_listed(chat) == [offers["emmaus"].id], "only the partner recommended"

    await chat.tap(f"dr:go:{run.id}:cv_workshop")
    assert _slots_listed(chat) == [offers["cv"].id], "only the workshop's topic"
    assert "bk:t:all" in chat.buttons, "the other workshops are one tap away"
    await chat.tap("bk:t:all")
    assert set(_slots_listed(chat)) == {offers["cv"].id, offers["housing"].id}


async def test_a_booking_step_with_nothing_open_offers_the_adviser(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth, run = await finished(database, clock, settings, NO_URGENT_NEED)

    await chat.tap(f"dr:go:{run.id}:linkee_parcel")
    assert "Je n'ai pas de créneau libre dans les 14 prochains jours." in chat.text
    await chat.tap("bk:advise")
    await chat.tap("ct:skip")
    [request] = await requests(database)
    assert (request.topic, request.urgent, request.youth_id) == ("food_parcel", False, youth.id)


async def test_an_adviser_step_starts_a_contact_request_on_its_topic(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    answers = {"job.now": "nothing", "job.goal": "training"}
    chat, youth, run = await finished(database, clock, settings, answers)
    assert f"dr:go:{run.id}:cej_pacea" in chat.buttons

    await chat.tap(f"dr:go:{run.id}:cej_pacea")
    assert "Sujet : Un accompagnement : CEJ ou PACEA" in chat.text, chat.transcript
    await chat.send("Je voudrais en savoir plus.")

    [request] = await requests(database)
    assert request.topic == "cej-pacea"
    assert not request.urgent
    assert request.message == "Je voudrais en savoir plus."
    assert request.site_id == youth.site_id


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_helpline_step_shows_the_number_in_the_text(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    answers = {"health.use": "yes"}
    chat, _, run = await finished(database, clock, settings, answers, locale=locale)
    assert chat.buttons[0] == f"dr:go:{run.id}:drogues_info_service"
    assert chat.button_labels[0].startswith("📞 ")

    await chat.tap(f"dr:go:{run.id}:drogues_info_service")

    assert "0 800 23 13 13" in chat.text, chat.transcript
    assert chat.buttons == [f"dr:top:{run.id}"]


async def test_an_info_step_explains_it(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    answers = {"mobility.transport": "neither"}
    chat, _, run = await finished(database, clock, settings, answers)
    assert chat.button_labels[0] == "ℹ️ Des transports moins chers"
    await chat.tap(f"dr:go:{run.id}:transport_fares")
    assert "payer les transports moins cher" in chat.text
    assert chat.buttons == [f"dr:top:{run.id}"]


@pytest.mark.parametrize("locale", LOCALES)
async def test_see_everything_lists_every_step(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, _, run = await finished(database, clock, settings, NO_URGENT_NEED, locale=locale)
    await chat.tap(f"dr:all:{run.id}")

    keys = [o["key"] for o in run.orientations]
    assert len(keys) == 7
    assert chat.buttons == [f"dr:go:{run.id}:{key}" for key in keys] + [
        f"dr:top:{run.id}",
        f"dr:send:{run.id}",
    ]
    assert "7. " in chat.text
    await chat.tap(f"dr:go:{run.id}:cej_pacea")
    assert {"fr": "Écris ton message", "en": "Write your message"}[locale] in chat.text


async def test_nothing_to_suggest_still_offers_to_send_the_summary(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _, run = await finished(database, clock, settings, {})
    assert "je n'ai rien de particulier à te proposer" in chat.text
    assert chat.buttons == [f"dr:send:{run.id}"]


# -- sending the summary ---------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
async def test_sending_the_summary_asks_first_then_shares_it_with_the_site(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, youth, run = await finished(database, clock, settings, NO_URGENT_NEED, locale=locale)
    await chat.tap(f"dr:send:{run.id}")

    assert {"fr": "les conseillers de ton site", "en": "the advisers of your Mission Locale site"}[
        locale
    ] in chat.text
    seen = {"fr": "Saute parfois des repas", "en": "Sometimes skips meals"}[locale]
    assert seen in chat.text, "the youth sees what the advisers will read"
    assert chat.buttons == [f"ds:yes:{run.id}", f"ds:no:{run.id}"]
    assert await requests(database) == []
    assert not (await reload(database, youth)).share_diagnostic

    await chat.tap(f"ds:yes:{run.id}")

    [request] = await requests(database)
    assert request.topic == "diagnostic"
    assert request.youth_id == youth.id
    assert request.site_id == youth.site_id
    assert not request.urgent
    assert request.status == ContactStatus.OPEN
    assert (await reload(database, youth)).share_diagnostic
    assert chat.text.endswith(MENU_PROMPT[locale])

    # Sending again while the request is open adds nothing to the inbox.
    await chat.tap(f"dr:send:{run.id}")
    await chat.tap(f"ds:yes:{run.id}")
    assert {"fr": "déjà chez les conseillers", "en": "already with the advisers"}[
        locale
    ] in chat.text
    assert len(await requests(database)) == 1


async def test_not_sending_the_summary_stores_nothing(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth, run = await finished(database, clock, settings, NO_URGENT_NEED)
    await chat.tap(f"dr:send:{run.id}")
    await chat.tap(f"ds:no:{run.id}")
    assert chat.text.startswith("D'accord, je n'envoie rien.")
    assert chat.buttons[0] == f"dr:go:{run.id}:linkee_parcel"
    assert await requests(database) == []
    assert not (await reload(database, youth)).share_diagnostic


async def test_an_old_confirmation_is_stale(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _, run = await finished(database, clock, settings, NO_URGENT_NEED)
    await chat.tap(f"dr:send:{run.id}")
    await chat.send("/menu")
    await chat.tap(f"ds:yes:{run.id}")
    assert chat.text.startswith(STALE["fr"])
    assert await requests(database) == []


# -- results tapped later ---------------------------------------------------------------


async def test_a_results_button_still_works_days_later_and_after_a_new_run(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth, run = await finished(database, clock, settings, NO_URGENT_NEED)
    clock.advance(timedelta(days=3))
    await chat.tap("menu:diagnostic")
    await chat.tap(next(b for b in chat.buttons if b.startswith("dg:a:")))

    await chat.tap(f"dr:go:{run.id}:emmaus_connect")

    assert "Emmaüs Connect" in chat.text
    assert len(await runs_of(database, youth)) == 2


async def test_another_youths_results_cannot_be_opened(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _, _ = await finished(database, clock, settings, NO_URGENT_NEED)
    async with database.transaction() as session:
        other = await make_youth(session, clock.now())
        assert other.id is not None
        theirs = DiagnosticResult(
            youth_id=other.id, started_at=clock.now(), completed_at=clock.now()
        )
        session.add(theirs)
        await session.flush()
    for tapped in (f"dr:all:{theirs.id}", f"dr:send:{theirs.id}", "dr:all:x", "dr:what"):
        clock.advance(DOUBLE_TAP_WINDOW + timedelta(seconds=1))
        await chat.tap_unchecked(tapped)
        assert chat.text.startswith(STALE["fr"]), tapped


async def test_a_sticker_on_the_results_shows_them_again(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _, _ = await finished(database, clock, settings, NO_URGENT_NEED)
    shown = list(chat.buttons)
    await chat.send_unsupported("photo")
    assert "Je sais lire seulement le texte" in chat.text
    assert "Un colis alimentaire gratuit" in chat.text
    assert chat.buttons == shown
    await chat.send("merci")
    assert chat.buttons == shown
