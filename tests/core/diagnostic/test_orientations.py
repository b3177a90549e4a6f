"""Next steps: every need has one, each points somewhere real, and they come out in order."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from core.demo_data import PARTNERS, WEEKLY_OFFERS
from core.diagnostic import (
    BookAction,
    ContactAdviserAction,
    HelplineAction,
    Priority,
    Signal,
    Theme,
)
from core.diagnostic.orientations import BY_THEME, BY_THEME_AND_REASON, orient, step_for
from core.diagnostic.steps import STEPS
from core.i18n import render_text
from core.models.enums import SlotKind
from core.safety.helplines import load_helplines
from tests.support.chat import compiled_catalogs

PARIS = ZoneInfo("Europe/Paris")
P0, P1, P2 = Priority.P0, Priority.P1, Priority.P2
# The ids agreed with the helplines data file of `core.safety`.
HELPLINE_IDS = {"115", "17", "3114", "fil-sante-jeunes", "drogues-info-service", "119"}
# A step's title may become a full-width button.
MAX_TITLE = 40


def test_every_theme_has_a_step() -> None:
    assert set(BY_THEME) == set(Theme)


def test_every_route_leads_to_a_known_step_and_every_step_is_reachable() -> None:
    routed = set(BY_THEME.values()) | set(BY_THEME_AND_REASON.values())
    assert routed == set(STEPS)


def test_a_reason_specific_route_wins_over_the_theme() -> None:
    assert step_for(Signal(Theme.FOOD, P0, "no_food_today", "safety.today")) == "food_today"
    assert step_for(Signal(Theme.FOOD, P1, "skips_meals_often", "money.meals")) == "meal_cards"
    assert step_for(Signal(Theme.FINANCIAL_AID, P2, "turning_25_no_income", "rights.age_25")) == (
        "rsa"
    )


def test_bookings_point_to_partners_and_topics_the_sites_offer() -> None:
    partners = {partner.code for partner in PARTNERS}
    offered = {(offer.kind, offer.topic, offer.partner) for offer in WEEKLY_OFFERS}
    for key, step in STEPS.items():
        action = step.action
        if not isinstance(action, BookAction):
            continue
        assert action.partner_code is None or action.partner_code in partners, key
        matching = [
            offer
            for offer in offered
            if offer[0] is action.kind
            and action.topic in (None, offer[1])
            and action.partner_code in (None, offer[2])
        ]
        assert matching, f"{key}: no weekly offer matches {action}"


def test_the_food_parcel_is_linkee_s() -> None:
    assert STEPS["linkee_parcel"].action == BookAction(SlotKind.FOOD_PARCEL, None, "linkee")


def test_helplines_use_the_agreed_ids() -> None:
    used = {s.action.helpline_id for s in STEPS.values() if isinstance(s.action, HelplineAction)}
    assert used == HELPLINE_IDS


def test_every_helpline_step_exists_in_the_reviewed_helplines_file() -> None:
    assert set(load_helplines()) >= HELPLINE_IDS


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_every_step_renders_with_a_short_title(locale: str) -> None:
    catalogs = compiled_catalogs()
    for key, step in STEPS.items():
        title = render_text(step.title, locale, catalogs, PARIS)
        assert 0 < len(title) <= MAX_TITLE, (key, title)
        assert render_text(step.detail, locale, catalogs, PARIS), key


@pytest.mark.parametrize(
    ("locale", "explanations"),
    [
        (
            "fr",
            {
                "CEJ": "contrat d’engagement jeune",
                "PACEA": "un parcours",
                "CSS": "complémentaire santé solidaire",
            },
        ),
        (
            "en",
            {
                "CEJ": "youth commitment contract",
                "PACEA": "support pathway",
                "CSS": "top-up health cover",
            },
        ),
    ],
)
def test_cej_pacea_and_css_are_explained_where_they_are_named(
    locale: str, explanations: dict[str, str]
) -> None:
    catalogs = compiled_catalogs()
    named = set()
    for step in STEPS.values():
        title = render_text(step.title, locale, catalogs, PARIS)
        detail = render_text(step.detail, locale, catalogs, PARIS)
        for acronym, explanation in explanations.items():
            if acronym in title or acronym in detail:
                named.add(acronym)
                assert explanation in detail, (acronym, detail)
    assert named == set(explanations)


# -- ordering and de-duplication ----------------------------------------------------


def test_steps_come_most_urgent_first_then_in_domain_order() -> None:
    signals = [
        Signal(Theme.FRENCH, P2, "ill_at_ease_in_french", "mobility.french"),
        Signal(Theme.CV, P1, "wants_work_fast", "job.goal"),
        Signal(Theme.BUDGET, P2, "little_income", "money.income"),
        Signal(Theme.INTERNET_ACCESS, P1, "no_data_plan", "digital.phone"),
        Signal(Theme.HOMELESS, P0, "sleeps_rough", "housing.sleep"),
    ]
    assert [(o.key, o.priority, o.domain) for o in orient(signals)] == [
        ("call_115", P0, "housing"),
        ("emmaus_connect", P1, "digital"),
        ("cv_workshop", P1, "job"),
        ("budget_workshop", P2, "money"),
        ("french_classes", P2, "mobility"),
    ]


def test_two_signals_leading_to_the_same_step_give_one_at_the_more_urgent_priority() -> None:
    signals = [
        Signal(Theme.DIGITAL_EQUIPMENT, P2, "no_computer", "digital.computer"),
        Signal(Theme.INTERNET_ACCESS, P1, "no_data_plan", "digital.phone"),
    ]
    (only,) = orient(signals)
    assert (only.key, only.priority, only.theme) == ("emmaus_connect", P1, Theme.INTERNET_ACCESS)


def test_a_step_takes_the_earliest_domain_among_equally_urgent_signals() -> None:
    signals = [
        Signal(Theme.SUPPORT_PATHWAY, P2, "wants_work_fast", "job.goal"),
        Signal(Theme.SUPPORT_PATHWAY, P2, "no_income_no_activity", "money.income"),
        Signal(Theme.BANK_ACCOUNT, P2, "no_bank_account", "money.bank"),
    ]
    assert [(o.key, o.domain) for o in orient(signals)] == [
        ("cej_pacea", "money"),
        ("bank_account", "money"),
    ]


def test_an_adviser_contact_for_an_urgent_need_is_urgent() -> None:
    urgent = orient([Signal(Theme.FINANCIAL_AID, P0, "no_food_today", "safety.today")])
    usual = orient([Signal(Theme.FINANCIAL_AID, P1, "skips_meals_often", "money.meals")])
    assert urgent[0].action == ContactAdviserAction("fajp", urgent=True)
    assert usual[0].action == ContactAdviserAction("fajp", urgent=False)


def test_no_signal_no_step() -> None:
    assert orient([]) == ()
