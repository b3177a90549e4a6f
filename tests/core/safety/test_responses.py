"""What each urgent situation shows, alone and together, and the messages that carry it."""

from __future__ import annotations

from datetime import datetime
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.i18n import Text, render_text
from core.safety.helplines import helpline_line, load_helplines
from core.safety.responses import (
    ACTION_LABELS,
    ADVISER_ALERT_OFFER,
    CLOSED_HOURS,
    FOOD_EMERGENCY_AID,
    FOOD_PARCEL_SOMEDAY,
    FOOD_TODAY,
    INTROS,
    KEYWORD_NOTICE,
    SITUATION_ORDER,
    UrgentAction,
    UrgentResponse,
    food_parcel_line,
    urgent_messages,
    urgent_response,
)
from core.safety.situations import HELPLINE_SITUATIONS, Situation
from tests.support.chat import compiled_catalogs

PARIS = ZoneInfo("Europe/Paris")
SHELTER, FOOD, DANGER, SUICIDAL = (
    Situation.NO_SHELTER,
    Situation.NO_FOOD,
    Situation.DANGER,
    Situation.SUICIDAL,
)
DANGER_ADULT = ("17", "112", "114", "3919", "116006")
DANGER_MINOR = (*DANGER_ADULT[:3], "119", *DANGER_ADULT[3:])
THURSDAY_PICKUP = datetime(2026, 11, 26, 14, 0, tzinfo=PARIS)


def respond(*situations: Situation, minor: bool | None = None) -> UrgentResponse:
    return urgent_response(frozenset(situations), minor=minor)


# -- one situation ------------------------------------------------------------------


@pytest.mark.parametrize("minor", [True, False, None])
def test_no_shelter_shows_the_115(minor: bool | None) -> None:
    response = respond(SHELTER, minor=minor)
    assert response.helplines[0] == "115"
    assert not response.food_route


def test_a_minor_without_shelter_also_gets_the_119() -> None:
    assert respond(SHELTER, minor=True).helplines == ("115", "119")
    assert respond(SHELTER, minor=False).helplines == ("115",)
    assert respond(SHELTER).helplines == ("115",), "unknown age: the 115 is the route"


@pytest.mark.parametrize("minor", [True, False, None])
def test_suicidal_thoughts_show_the_3114_then_the_emergency_numbers(minor: bool | None) -> None:
    assert respond(SUICIDAL, minor=minor).helplines == ("3114", "15", "112")


def test_danger_shows_the_police_the_sms_line_and_the_victim_lines() -> None:
    assert respond(DANGER, minor=False).helplines == DANGER_ADULT


@pytest.mark.parametrize("minor", [True, None], ids=["minor", "age unknown"])
def test_danger_shows_the_119_unless_the_youth_is_known_to_be_an_adult(
    minor: bool | None,
) -> None:
    assert respond(DANGER, minor=minor).helplines == DANGER_MINOR


def test_no_food_shows_the_food_route_and_no_helpline() -> None:
    response = respond(FOOD)
    assert response.helplines == ()
    assert response.food_route
    assert response.closed_hours is None
    assert response.food_lines() == (FOOD_TODAY, FOOD_PARCEL_SOMEDAY, FOOD_EMERGENCY_AID)


@pytest.mark.parametrize("situation", list(Situation))
def test_every_urgent_answer_offers_to_alert_the_adviser(situation: Situation) -> None:
    assert respond(situation).offer_adviser_alert


@pytest.mark.parametrize("situation", sorted(HELPLINE_SITUATIONS))
def test_helplines_come_with_the_closed_at_night_line(situation: Situation) -> None:
    response = respond(situation)
    assert response.closed_hours == CLOSED_HOURS
    assert response.food_lines() == ()


def test_nothing_urgent_is_not_an_urgent_response() -> None:
    with pytest.raises(ValueError, match="at least one situation"):
        urgent_response(frozenset())


# -- several situations -------------------------------------------------------------


def test_suicidal_and_in_danger_lists_each_number_once_most_serious_first() -> None:
    response = respond(DANGER, SUICIDAL, minor=False)
    assert response.situations == (SUICIDAL, DANGER)
    assert response.helplines == (
        "3114",
        "15",
        "112",
        "17",
        "114",
        "3919",
        "116006",
    )


def test_a_minor_without_shelter_and_in_danger_gets_the_119_once() -> None:
    response = respond(SHELTER, DANGER, minor=True)
    assert response.helplines == (*DANGER_MINOR, "115")


def test_every_situation_at_once() -> None:
    response = respond(*Situation, minor=None)
    assert response.situations == SITUATION_ORDER
    assert response.intros == tuple(INTROS[situation] for situation in SITUATION_ORDER)
    assert response.food_route
    assert response.helplines[:3] == ("3114", "15", "112")
    assert response.helplines[-1] == "115"


@given(
    situations=st.frozensets(st.sampled_from(list(Situation)), min_size=1),
    minor=st.sampled_from([True, False, None]),
)
def test_any_combination_shows_each_helpline_once_in_situation_order(
    situations: frozenset[Situation], minor: bool | None
) -> None:
    response = urgent_response(situations, minor=minor)
    assert len(set(response.helplines)) == len(response.helplines)
    assert set(response.helplines) <= set(load_helplines())
    assert set(response.situations) == situations
    assert list(response.situations) == sorted(situations, key=SITUATION_ORDER.index)
    assert bool(response.helplines) == bool(situations & HELPLINE_SITUATIONS)
    assert response.food_route == (FOOD in situations)
    # Adding a situation never hides a number another one shows.
    for situation in situations:
        alone = urgent_response(frozenset({situation}), minor=minor).helplines
        assert set(alone) <= set(response.helplines)


# -- the messages -------------------------------------------------------------------


def test_the_numbers_come_in_the_first_message_under_the_intros() -> None:
    helplines = load_helplines()
    response = respond(SUICIDAL, DANGER, minor=False)
    first, closed, offer = urgent_messages(response, helplines)
    assert first.action is None
    assert first.text.args["intro"] == (INTROS[SUICIDAL], INTROS[DANGER])
    assert first.text.args["details"] == tuple(
        helpline_line(helplines[helpline]) for helpline in response.helplines
    )
    assert closed.text == CLOSED_HOURS
    assert offer.text == ADVISER_ALERT_OFFER
    assert offer.action is UrgentAction.ALERT_ADVISER


def test_no_food_sends_today_options_the_next_pickup_and_the_emergency_aid() -> None:
    messages = urgent_messages(respond(FOOD), load_helplines(), next_food_pickup=THURSDAY_PICKUP)
    today, pickup, aid, offer = messages
    assert today.text.args == {"intro": INTROS[FOOD], "details": FOOD_TODAY}
    assert pickup.text == food_parcel_line(THURSDAY_PICKUP)
    assert pickup.action is UrgentAction.BOOK_FOOD_PARCEL
    assert aid.text == FOOD_EMERGENCY_AID
    assert offer.action is UrgentAction.ALERT_ADVISER


def test_without_an_open_pickup_there_is_nothing_to_book() -> None:
    _, pickup, _, _ = urgent_messages(respond(FOOD), load_helplines())
    assert pickup.text == FOOD_PARCEL_SOMEDAY
    assert pickup.action is None


def test_helplines_come_before_the_food_route() -> None:
    messages = urgent_messages(respond(FOOD, SHELTER), load_helplines())
    texts = [message.text for message in messages]
    assert texts[0].args["intro"] == (INTROS[SHELTER],), "the food intro heads its own part"
    assert texts[1] == CLOSED_HOURS
    assert texts[2].args == {"intro": INTROS[FOOD], "details": FOOD_TODAY}
    assert texts[3:] == [FOOD_PARCEL_SOMEDAY, FOOD_EMERGENCY_AID, ADVISER_ALERT_OFFER]


def test_keywords_add_a_notice_before_the_offer_to_alert_the_adviser() -> None:
    messages = urgent_messages(respond(SHELTER), load_helplines(), from_keywords=True)
    assert [message.text for message in messages[-2:]] == [KEYWORD_NOTICE, ADVISER_ALERT_OFFER]
    asked = urgent_messages(respond(SHELTER), load_helplines())
    assert KEYWORD_NOTICE not in [message.text for message in asked]


def test_only_the_last_message_and_a_bookable_pickup_carry_buttons() -> None:
    messages = urgent_messages(
        respond(*Situation), load_helplines(), next_food_pickup=THURSDAY_PICKUP, from_keywords=True
    )
    actions = [message.action for message in messages]
    assert actions[-1] is UrgentAction.ALERT_ADVISER
    assert [action for action in actions[:-1] if action] == [UrgentAction.BOOK_FOOD_PARCEL]


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize(
    "situations", [frozenset(c) for n in (1, 2) for c in combinations(Situation, n)], ids=str
)
def test_every_message_renders_with_its_numbers_in_each_language(
    locale: str, situations: frozenset[Situation]
) -> None:
    helplines = load_helplines()
    response = urgent_response(situations)
    messages = urgent_messages(
        response, helplines, next_food_pickup=THURSDAY_PICKUP, from_keywords=True
    )
    rendered = "\n".join(_render(message.text, locale) for message in messages)
    for helpline in response.helplines:
        assert f"<b>{helplines[helpline].number}</b>" in rendered
    assert "{" not in rendered


def test_the_next_pickup_is_dated_in_the_youths_language() -> None:
    line = food_parcel_line(THURSDAY_PICKUP)
    assert "jeudi 26 novembre à 14:00" in _render(line, "fr")
    assert "Thursday 26 November at 14:00" in _render(line, "en")


def test_the_button_labels_are_translated() -> None:
    assert set(ACTION_LABELS) == set(UrgentAction)
    for label in ACTION_LABELS.values():
        assert _render(label, "fr") == label.msgid
        assert _render(label, "en") != label.msgid


def _render(text: Text, locale: str) -> str:
    return render_text(text, locale, compiled_catalogs(), PARIS)
