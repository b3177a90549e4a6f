"""Step 0: each urgent situation is P0 and leads to its helpline, or to food for no food."""

from __future__ import annotations

import pytest

from core.diagnostic import Priority, Signal, Theme, assess, urgent_situations
from core.diagnostic.domains.safety import ALL_GOOD, TODAY
from core.diagnostic.rules import safety as rules
from core.diagnostic.rules.common import Rule
from core.diagnostic.steps import ContactAdviserAction
from core.safety.situations import Situation
from tests.core.diagnostic import other_answers, steps

P0 = Priority.P0


def test_no_shelter_tonight_leads_to_the_115() -> None:
    answers = {TODAY: Situation.NO_SHELTER.value}
    assert rules.no_shelter_tonight(answers) == (
        Signal(Theme.HOMELESS, P0, "no_shelter_tonight", TODAY),
    )
    assert steps(answers) == ["call_115"]


def test_no_food_today_leads_to_food_today_the_next_parcel_and_urgent_emergency_aid() -> None:
    answers = {TODAY: Situation.NO_FOOD.value}
    assert rules.no_food_today(answers) == (
        Signal(Theme.FOOD, P0, "no_food_today", TODAY),
        Signal(Theme.FOOD_AID, P0, "no_food_today", TODAY),
        Signal(Theme.FINANCIAL_AID, P0, "no_food_today", TODAY),
    )
    assessment = assess(answers)
    assert [o.key for o in assessment.orientations] == ["food_today", "linkee_parcel", "fajp"]
    assert assessment.orientations[2].action == ContactAdviserAction("fajp", urgent=True)


def test_danger_leads_to_the_17() -> None:
    answers = {TODAY: Situation.DANGER.value}
    assert rules.in_danger(answers) == (Signal(Theme.VICTIM_SUPPORT, P0, "in_danger", TODAY),)
    assert steps(answers) == ["call_17"]


def test_wanting_to_die_leads_to_the_3114() -> None:
    answers = {TODAY: Situation.SUICIDAL.value}
    assert rules.wants_to_die(answers) == (
        Signal(Theme.MENTAL_HEALTH, P0, "suicidal_thoughts", TODAY),
    )
    assert steps(answers) == ["call_3114"]


@pytest.mark.parametrize(
    ("rule", "situation"),
    [
        (rules.no_shelter_tonight, Situation.NO_SHELTER),
        (rules.no_food_today, Situation.NO_FOOD),
        (rules.in_danger, Situation.DANGER),
        (rules.wants_to_die, Situation.SUICIDAL),
    ],
)
def test_each_rule_fires_on_its_own_situation_only(rule: Rule, situation: Situation) -> None:
    for other in other_answers(TODAY, situation.value):
        assert rule({TODAY: other}) == ()


def test_all_good_reveals_nothing() -> None:
    assert assess({TODAY: ALL_GOOD}).signals == ()


@pytest.mark.parametrize("situation", list(Situation))
def test_each_urgent_answer_names_its_situation(situation: Situation) -> None:
    assert urgent_situations({TODAY: situation.value}) == {situation}


def test_urgent_situations_gather_every_urgent_answer() -> None:
    answers = {
        TODAY: Situation.NO_FOOD.value,
        "housing.sleep": "street",
        "health.mood": "very_low",
        "health.suicide": "yes",
    }
    assert urgent_situations(answers) == {
        Situation.NO_FOOD,
        Situation.NO_SHELTER,
        Situation.SUICIDAL,
    }
    assert urgent_situations({TODAY: ALL_GOOD, "money.meals": "often"}) == frozenset()
