"""Urgent words typed anywhere, the food route and the adviser alert, in French and English."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.models import ContactRequest, ConversationState, SlotKind, Youth
from flows.engine import DOUBLE_TAP_WINDOW
from tests.conftest import PARIS
from tests.support.chat import ChatSimulator, make_chat
from tests.support.factories import make_site, make_slot
from tests.support.youths import make_consented_chat

LOCALES = ["fr", "en"]
MENU_PROMPT = {"fr": "Que veux-tu faire ?", "en": "What would you like to do?"}
STALE = {"fr": "Ce bouton n'est plus valide.", "en": "This button no longer works."}
NOT_UNDERSTOOD = {"fr": "Je n'ai pas compris.", "en": "I didn't understand."}
ALERT_LABEL = {"fr": "🔔 Prévenir mon conseiller", "en": "🔔 Tell my adviser"}
IN_CASE = {"fr": "au cas où", "en": "just in case"}
CONFIRM = {
    "fr": "Je préviens les conseillers de ton site ?",
    "en": "Shall I tell the advisers of your site?",
}
SENT = {
    "fr": "✅ C'est fait. Les conseillers de ton site sont prévenus.",
    "en": "✅ Done. The advisers of your site have been told.",
}
URGENT_FIRST = {
    "fr": "ils voient les demandes urgentes en premier",
    "en": "they see urgent requests first",
}
AT_NIGHT = {
    "fr": "La nuit et le week-end, la Mission Locale est fermée. À ces moments-là, appelle :",
    "en": "At night and at weekends, the Mission Locale is closed. At those times, call:",
}
ALREADY_SENT = {
    "fr": "Tes conseillers sont déjà prévenus aujourd'hui.",
    "en": "Your advisers have already been told today.",
}
ALERT_BUTTONS = ["alert:send", "alert:cancel"]
# A Linkee pickup on the Thursday after the tests' Monday morning.
THURSDAY_PICKUP = datetime(2026, 11, 26, 14, 0, tzinfo=PARIS)
PICKUP_NAMED = {
    "fr": "prochaine distribution le jeudi 26 novembre à 14:00",
    "en": "next distribution on Thursday 26 November at 14:00",
}

# What a youth types, the buttons it offers, and the numbers it shows at once.
KEYWORDS = [
    ("je dors dehors ce soir", ["sos:alert:no_shelter"], ["115"]),
    ("I want to die", ["sos:alert:suicidal"], ["3114", "15", "112"]),
    ("on me frappe", ["sos:alert:danger"], ["17", "112", "114", "3919", "116 006"]),
    # Food is the route, not a helpline: no number, the adviser for a parcel.
    ("rien à manger", ["sos:parcel", "sos:alert:no_food"], []),
    ("I'm sleeping rough", ["sos:alert:no_shelter"], ["115"]),
    ("they hit me", ["sos:alert:danger"], ["17", "112", "114"]),
    ("I have nothing to eat", ["sos:parcel", "sos:alert:no_food"], []),
]
ORDINARY = [
    "Bonjour, je cherche un atelier logement",
    "j'habite rue de la Roquette",
    "je vais mourir de rire",
    "I need help with my CV",
    "my phone is dead",
]


async def _requests(database: Database) -> list[ContactRequest]:
    async with database.reading() as session:
        return list((await session.scalars(select(ContactRequest))).all())


async def _youth_count(database: Database) -> int:
    async with database.reading() as session:
        return len((await session.scalars(select(Youth))).all())


async def _state(database: Database, user_id: int) -> ConversationState:
    async with database.reading() as session:
        state = await session.get(ConversationState, user_id)
    assert state is not None
    return state


def _bold_numbers(chat: ChatSimulator) -> str:
    return "".join(reply.html or "" for reply in chat.replies)


async def _at_confirmation(
    database: Database, clock: ManualClock, settings: Settings, locale: str, **youth: str
) -> tuple[ChatSimulator, Youth]:
    chat, row = await make_consented_chat(database, clock, settings, locale=locale, **youth)
    await chat.send("je dors dehors ce soir")
    await chat.tap("sos:alert:no_shelter")
    return chat, row


# -- urgent words, anywhere --------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("typed", "buttons", "numbers"), KEYWORDS)
async def test_urgent_words_at_the_menu_show_the_numbers_at_once(
    database: Database,
    clock: ManualClock,
    settings: Settings,
    locale: str,
    typed: str,
    buttons: list[str],
    numbers: list[str],
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings, locale=locale)
    await chat.send(typed)

    html = _bold_numbers(chat)
    for number in numbers:
        assert f"<b>{number}</b>" in html, chat.transcript
    if not numbers:
        assert "<b>" not in html
        assert "CASVP" in chat.text, "today's food options"
    assert IN_CASE[locale] in chat.text
    assert chat.buttons == buttons
    assert chat.button_labels[-1] == ALERT_LABEL[locale]
    assert MENU_PROMPT[locale] not in chat.text, "the urgent response asks nothing more"
    assert await _requests(database) == []
    state = await _state(database, chat.user_id)
    assert (state.flow, state.step) == ("", "")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("typed", "buttons", "numbers"), KEYWORDS)
async def test_urgent_words_before_consent_show_the_numbers_and_store_nothing(
    database: Database,
    clock: ManualClock,
    settings: Settings,
    locale: str,
    typed: str,
    buttons: list[str],
    numbers: list[str],
) -> None:
    chat = make_chat(database, clock, settings, language_code=locale)
    await chat.send(typed)

    assert chat.locale == locale
    for number in numbers:
        assert f"<b>{number}</b>" in _bold_numbers(chat), chat.transcript
    assert chat.buttons == buttons
    assert await _youth_count(database) == 0
    assert await _requests(database) == []
    state = await _state(database, chat.user_id)
    assert state.youth_id is None
    assert state.data == {}


@pytest.mark.parametrize("locale", LOCALES)
async def test_urgent_words_during_the_language_choice_leave_the_youth_on_it(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat = make_chat(database, clock, settings, language_code=locale)
    await chat.send("/start maraude-2026-12")
    await chat.send("j'ai envie de mourir")

    assert "<b>3114</b>" in _bold_numbers(chat)
    state = await _state(database, chat.user_id)
    assert (state.flow, state.step) == ("start", "choose_language")
    assert state.data == {"origin": "maraude-2026-12"}, "only what the start flow kept"

    # The language buttons above the urgent messages still work.
    await chat.tap(f"lang:{locale}")
    assert STALE[locale] not in chat.text, chat.transcript
    assert chat.locale == locale
    assert (await _state(database, chat.user_id)).locale == locale


async def test_several_situations_in_one_message_show_all_their_routes(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings)
    await chat.send("je dors dehors et j'ai rien à manger")
    assert "<b>115</b>" in _bold_numbers(chat)
    assert "restaurant solidaire" in chat.text
    assert chat.buttons == ["sos:parcel", "sos:alert:no_shelter+no_food"]


@pytest.mark.parametrize("typed", ORDINARY)
async def test_ordinary_sentences_do_not_trigger(
    database: Database, clock: ManualClock, settings: Settings, typed: str
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings)
    await chat.send(typed)
    assert NOT_UNDERSTOOD["fr"] in chat.text
    assert not any(button.startswith("sos:") for button in chat.buttons)


async def test_a_long_ordinary_message_does_not_trigger(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings, locale="en")
    await chat.send("I would like to find a training course. " * 100)
    assert NOT_UNDERSTOOD["en"] in chat.text


async def test_commands_and_buttons_are_not_scanned(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat = make_chat(database, clock, settings)
    await chat.send("/start je dors dehors")
    assert chat.buttons == ["lang:fr", "lang:en"]
    assert "115" not in chat.text
    await chat.send("/aide je veux mourir")
    assert "3114" not in chat.text


@pytest.mark.parametrize(("age_group", "shows_119"), [("16-17", True), ("18-25", False)])
async def test_the_119_comes_with_the_115_for_a_minor_only(
    database: Database, clock: ManualClock, settings: Settings, age_group: str, shows_119: bool
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings, age_group=age_group)
    await chat.send("je dors dehors")
    assert "<b>115</b>" in _bold_numbers(chat)
    assert ("<b>119</b>" in _bold_numbers(chat)) is shows_119


async def test_a_sticker_after_the_urgent_response_reshows_where_the_youth_was(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat = make_chat(database, clock, settings)
    await chat.send("/start")
    await chat.send("on me frappe")
    await chat.send_unsupported("sticker")
    assert "Choisis ta langue" in chat.text
    assert chat.buttons == ["lang:fr", "lang:en"]


# -- nothing to eat ------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
async def test_nothing_to_eat_names_the_next_linkee_pickup(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        await make_slot(session, now, SlotKind.FOOD_PARCEL, starts_at=THURSDAY_PICKUP)
        await make_slot(
            session, now, SlotKind.FOOD_PARCEL, starts_at=THURSDAY_PICKUP + timedelta(days=7)
        )
        await make_slot(session, now, SlotKind.WORKSHOP, starts_in=timedelta(days=1))
    chat, _ = await make_consented_chat(database, clock, settings, locale=locale)

    await chat.send("rien à manger")

    assert PICKUP_NAMED[locale] in chat.text, chat.transcript
    assert {"fr": "CASVP", "en": "CASVP"}[locale] in chat.text
    assert "FAJP" in chat.text
    assert "<b>" not in _bold_numbers(chat), "food is the route, not a helpline"
    assert chat.buttons == ["sos:book", "sos:parcel", "sos:alert:no_food"]
    parcel_reply = next(reply for reply in chat.replies if "sos:parcel" in reply.button_ids)
    assert PICKUP_NAMED[locale] in parcel_reply.plain_text.replace("\u202f", " ")
    assert (
        chat.button_labels[:2]
        == {
            "fr": ["🥕 Réserver mon colis", "🥕 Demander un colis à mon conseiller"],
            "en": ["🥕 Book my parcel", "🥕 Ask my adviser for a parcel"],
        }[locale]
    )


async def test_booking_from_the_food_route_needs_a_reason_for_a_parcel(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        pickup = await make_slot(session, now, SlotKind.FOOD_PARCEL, starts_at=THURSDAY_PICKUP)
    chat, youth = await make_consented_chat(database, clock, settings)
    await chat.send("rien à manger")
    await chat.tap("sos:book")
    assert "Les colis Linkee sont réservés aux jeunes qui en ont besoin" in chat.text
    assert chat.buttons[:2] == ["bk:ask", "menu:diagnostic"], "the two ways to get one"

    # Once an adviser marked them eligible, the same button lists the pickups.
    async with database.transaction() as session:
        row = await session.get(Youth, youth.id)
        assert row is not None
        row.food_parcel_eligible = True
    clock.advance(timedelta(minutes=10))
    await chat.tap("sos:book")
    assert f"bs:open:{pickup.id}" in chat.buttons


async def test_nothing_to_eat_without_a_pickup_open_still_offers_to_ask_the_adviser(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings)
    await chat.send("j'ai faim, rien mangé depuis hier")
    assert "Linkee donne des colis alimentaires gratuits le jeudi" in chat.text
    assert "prochaine distribution" not in chat.text
    assert chat.buttons == ["sos:parcel", "sos:alert:no_food"]


@pytest.mark.parametrize("locale", LOCALES)
async def test_asking_the_adviser_for_a_parcel_creates_a_normal_request(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    async with database.transaction() as session:
        await make_slot(session, clock.now(), SlotKind.FOOD_PARCEL, starts_at=THURSDAY_PICKUP)
    chat, youth = await make_consented_chat(database, clock, settings, locale=locale)
    await chat.send("I have nothing to eat")
    await chat.tap("sos:parcel")
    assert {"fr": "Sujet : 🥕 Un colis alimentaire", "en": "Topic: 🥕 A food parcel"}[
        locale
    ] in chat.text
    await chat.tap("ct:skip")

    [request] = await _requests(database)
    assert (request.topic, request.urgent, request.message) == ("food_parcel", False, "")
    assert (request.youth_id, request.site_id) == (youth.id, youth.site_id)
    assert chat.text.endswith(MENU_PROMPT[locale])


# -- the adviser alert ----------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_consented_youth_alerts_the_advisers_of_their_site(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, youth = await _at_confirmation(database, clock, settings, locale)
    assert chat.text.startswith(CONFIRM[locale])
    assert chat.buttons == ALERT_BUTTONS
    assert await _requests(database) == [], "nothing is sent before the youth confirms"

    await chat.tap("alert:send")

    [request] = await _requests(database)
    assert request.urgent is True
    assert request.topic == "urgent:no_shelter"
    assert (request.youth_id, request.site_id) == (youth.id, youth.site_id)
    assert request.message == ""
    assert chat.text.startswith(SENT[locale]), chat.transcript
    assert URGENT_FIRST[locale] in chat.text
    assert AT_NIGHT[locale] in chat.text
    assert "<b>115</b>" in _bold_numbers(chat), "the numbers again, for the night"
    assert chat.text.endswith(MENU_PROMPT[locale])
    assert "safety.alert" not in (await _state(database, chat.user_id)).data


async def test_the_alert_from_the_food_route_says_how_to_eat_at_night(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings)
    await chat.send("rien à manger")
    await chat.tap("sos:alert:no_food")
    await chat.tap("alert:send")
    [request] = await _requests(database)
    assert (request.topic, request.urgent) == ("urgent:no_food", True)
    assert "restaurants solidaires" in chat.text
    assert "appelle :" not in chat.text


async def test_the_acknowledgement_gives_the_sites_opening_hours(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth = await make_consented_chat(database, clock, settings)
    async with database.transaction() as session:
        site = await make_site(session, opening_hours="Lun–ven 9h30–17h30")
        row = await session.get(Youth, youth.id)
        assert row is not None
        row.site_id = site.id
    await chat.send("je dors dehors")
    await chat.tap("sos:alert:no_shelter")
    await chat.tap("alert:send")
    assert "Horaires de ton site : Lun–ven 9h30–17h30" in chat.text


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_youth_without_a_site_still_alerts_the_mission_locale(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, youth = await make_consented_chat(database, clock, settings, locale=locale)
    async with database.transaction() as session:
        row = await session.get(Youth, youth.id)
        assert row is not None
        row.site_id = None
    await chat.send("on me frappe")
    await chat.tap("sos:alert:danger")
    assert chat.text.startswith(
        {
            "fr": "Je préviens les conseillers de la Mission Locale ?",
            "en": "Shall I tell the Mission Locale advisers?",
        }[locale]
    )
    await chat.tap("alert:send")

    [request] = await _requests(database)
    assert (request.site_id, request.topic, request.urgent) == (None, "urgent:danger", True)
    assert {"fr": "verront quand même ta demande", "en": "will still see your request"}[
        locale
    ] in chat.text


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_second_alert_the_same_day_is_not_sent_again(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, _ = await _at_confirmation(database, clock, settings, locale)
    await chat.tap("alert:send")
    clock.advance(timedelta(hours=3))

    await chat.send("I want to die")
    await chat.tap("sos:alert:suicidal")

    assert chat.text.startswith(ALREADY_SENT[locale]), chat.transcript
    assert "<b>3114</b>" in _bold_numbers(chat), "the night route for what was just typed"
    assert len(await _requests(database)) == 1
    state = await _state(database, chat.user_id)
    assert (state.flow, state.step) == ("", ""), "no question asked: the youth stays put"
    assert "safety.alert" not in state.data


async def test_the_next_day_a_new_alert_goes_through(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await _at_confirmation(database, clock, settings, "fr")
    await chat.tap("alert:send")
    clock.advance(timedelta(days=1))

    # The old message's button still works: it is standalone and re-checked.
    await chat.tap("sos:alert:no_shelter")
    assert chat.buttons == ALERT_BUTTONS
    await chat.tap("alert:send")

    requests = await _requests(database)
    assert [request.topic for request in requests] == ["urgent:no_shelter"] * 2
    assert requests[1].created_at - requests[0].created_at == timedelta(days=1)


async def test_an_alert_confirmed_twice_from_two_screens_is_sent_once(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await _at_confirmation(database, clock, settings, "fr")
    # The youth tapped the alert button twice, a minute apart: two confirmations on screen.
    clock.advance(timedelta(minutes=1))
    await chat.tap("sos:alert:no_shelter")
    await chat.tap("alert:send")
    clock.advance(timedelta(minutes=1))
    await chat.tap("alert:send")
    assert STALE["fr"] in chat.text
    assert len(await _requests(database)) == 1


async def test_a_double_tap_on_send_creates_one_request(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await _at_confirmation(database, clock, settings, "fr")
    await chat.tap("alert:send")
    replies = await chat.tap("alert:send")
    assert replies == [], "the second tap of a double tap is ignored"
    assert len(await _requests(database)) == 1


@pytest.mark.parametrize("locale", LOCALES)
async def test_declining_the_alert_sends_nothing(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    chat, _ = await _at_confirmation(database, clock, settings, locale)
    await chat.tap("alert:cancel")
    assert chat.text.startswith(
        {"fr": "D'accord, je ne préviens personne.", "en": "OK, I won't tell anyone."}[locale]
    )
    assert chat.text.endswith(MENU_PROMPT[locale])
    assert await _requests(database) == []
    assert "safety.alert" not in (await _state(database, chat.user_id)).data


async def test_text_and_stickers_at_the_confirmation_ask_it_again(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await _at_confirmation(database, clock, settings, "fr")
    await chat.send("hein ?")
    assert NOT_UNDERSTOOD["fr"] in chat.text
    assert CONFIRM["fr"] in chat.text
    await chat.send_unsupported("sticker")
    assert CONFIRM["fr"] in chat.text
    assert chat.buttons == ALERT_BUTTONS
    await chat.tap("alert:send")
    assert len(await _requests(database)) == 1


@pytest.mark.parametrize("button", ["alert:send", "alert:cancel"])
async def test_a_confirmation_button_from_an_old_message_is_stale(
    database: Database, clock: ManualClock, settings: Settings, button: str
) -> None:
    chat, _ = await _at_confirmation(database, clock, settings, "fr")
    await chat.send("/menu")
    clock.advance(DOUBLE_TAP_WINDOW * 2)
    await chat.tap(button)
    assert STALE["fr"] in chat.text
    assert await _requests(database) == []


@pytest.mark.parametrize(
    "button",
    [
        "sos:alert:",
        "sos:alert:hungry",
        "sos:alert:no_food+no_shelter",
        "sos:alert:no_shelter:x",
        "sos:parcel:x",
        "sos:book:x",
        "alert:maybe",
    ],
)
async def test_a_tampered_urgent_button_is_refused(
    database: Database, clock: ManualClock, settings: Settings, button: str
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings)
    await chat.tap_unchecked(button)
    assert STALE["fr"] in chat.text
    assert await _requests(database) == []
    assert "safety.alert" not in (await _state(database, chat.user_id)).data


# -- the alert before consent ---------------------------------------------------------------


async def _consent_through_the_notice(chat: ChatSimulator, site_id: int | None) -> None:
    """Answer the onboarding's questions: an adult who accepts and picks the site."""
    await chat.tap("age:18-25")
    await chat.tap("consent:yes")
    await chat.tap("share:no")
    await chat.tap(f"site:{site_id}")


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_alert_before_consent_goes_through_the_notice_and_comes_back(
    database: Database, clock: ManualClock, settings: Settings, locale: str
) -> None:
    async with database.transaction() as session:
        site = await make_site(session, name="Mission Locale Paris Est")
    chat = make_chat(database, clock, settings, language_code=locale)
    await chat.send("je dors dehors ce soir")
    await chat.tap("sos:alert:no_shelter")

    # Not consented: the notice first, and still nothing stored.
    assert "age:18-25" in chat.buttons, chat.transcript
    assert await _youth_count(database) == 0
    assert await _requests(database) == []

    await _consent_through_the_notice(chat, site.id)

    assert CONFIRM[locale] in chat.text, chat.transcript
    assert chat.buttons == ALERT_BUTTONS
    assert await _requests(database) == [], "consenting is not yet alerting"

    await chat.tap("alert:send")

    [request] = await _requests(database)
    async with database.reading() as session:
        [youth] = (await session.scalars(select(Youth))).all()
    assert (request.youth_id, request.site_id) == (youth.id, site.id)
    assert (request.topic, request.urgent) == ("urgent:no_shelter", True)
    assert chat.text.startswith(SENT[locale]), chat.transcript
    assert "safety.alert" not in (await _state(database, chat.user_id)).data


async def test_refusing_consent_after_the_alert_sends_nothing(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat = make_chat(database, clock, settings, language_code="fr")
    await chat.send("on me frappe")
    await chat.tap("sos:alert:danger")
    await chat.tap("age:18-25")
    await chat.tap("consent:no")
    assert await _youth_count(database) == 0
    assert await _requests(database) == []
    # The numbers still come for whoever writes again.
    await chat.send("on me frappe")
    assert "<b>17</b>" in _bold_numbers(chat)
