"""The rule table as a whole: every rule listed, silent on skipped questions, keys checked."""

from __future__ import annotations

import inspect
from types import ModuleType

import pytest

from core.diagnostic.domains import DOMAINS, SAFETY
from core.diagnostic.rules import (
    RULES,
    URGENT_SITUATIONS,
    digital,
    family,
    health,
    housing,
    job,
    mobility,
    money,
    rights,
    safety,
    signals_for,
)
from core.diagnostic.rules.common import P1, OneOf, Rule, When, gave
from core.diagnostic.signals import Priority
from core.diagnostic.themes import Theme

MODULES = (safety, housing, money, rights, health, digital, job, family, mobility)


def written_rules(module: ModuleType) -> dict[str, Rule]:
    """The public rules a module defines, by name: its functions and its entries."""
    return {
        name: value
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (
            isinstance(value, When | OneOf)
            or (inspect.isfunction(value) and value.__module__ == module.__name__)
        )
    }


RULE_NAMES = {
    rule: f"{module.__name__.rsplit('.', 1)[1]}.{name}"
    for module in MODULES
    for name, rule in written_rules(module).items()
}


def test_there_is_a_rule_module_per_domain_in_questionnaire_order() -> None:
    assert [m.__name__.rsplit(".", 1)[1] for m in MODULES] == [d.key for d in (SAFETY, *DOMAINS)]
    assert [rule for module in MODULES for rule in module.RULES] == list(RULES)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_every_rule_written_in_a_module_is_listed(module: ModuleType) -> None:
    written = list(written_rules(module).values())
    assert set(written) == set(module.RULES)


@pytest.mark.parametrize("rule", RULES, ids=RULE_NAMES.get)
def test_a_skipped_question_fires_no_rule(rule: Rule) -> None:
    assert rule({}) == ()


def test_every_urgent_finding_names_its_situation() -> None:
    # Answer every question with every answer, one at a time, and collect the P0 reasons.
    urgent = {
        signal.reason
        for item in (SAFETY, *DOMAINS)
        for q in item.questions
        for a in q.answers
        for signal in signals_for({q.key: a.key})
        if signal.priority is Priority.P0
    }
    assert urgent == set(URGENT_SITUATIONS)


def test_a_rule_reading_an_answer_the_question_does_not_offer_fails_loudly() -> None:
    with pytest.raises(ValueError, match="no answer"):
        gave({"housing.sleep": "street"}, "housing.sleep", "stret")
    with pytest.raises(KeyError):
        gave({}, "housing.slep", "street")


def test_signals_come_out_in_questionnaire_order() -> None:
    answers = {"mobility.french": "no", "housing.mail": "no", "money.bank": "no"}
    assert [s.source_question for s in signals_for(answers)] == [
        "housing.mail",
        "money.bank",
        "mobility.french",
    ]


def test_an_entry_naming_an_answer_the_question_does_not_offer_fails_when_built() -> None:
    with pytest.raises(ValueError, match="no answer"):
        When("housing.sleep", "stret", "sleeps_rough", ((Theme.HOMELESS, P1),))
    with pytest.raises(KeyError):
        When("housing.slep", "street", "sleeps_rough", ((Theme.HOMELESS, P1),))
    with pytest.raises(ValueError, match="at least one need"):
        When("housing.sleep", "street", "sleeps_rough", ())


def test_an_entry_fires_on_any_of_its_answers_with_its_needs_in_order() -> None:
    entry = When(
        "housing.sleep",
        ("street", "hotel_115"),
        "example",
        ((Theme.HOMELESS, P1), (Theme.TEMPORARY_SHELTER, P1)),
    )
    assert [(s.theme, s.reason, s.source_question) for s in entry({"housing.sleep": "street"})] == [
        (Theme.HOMELESS, "example", "housing.sleep"),
        (Theme.TEMPORARY_SHELTER, "example", "housing.sleep"),
    ]
    assert entry({"housing.sleep": "hotel_115"}) == entry({"housing.sleep": "street"})
    assert entry({"housing.sleep": "parents"}) == ()


def test_one_of_refuses_entries_that_could_fire_together() -> None:
    homeless = ((Theme.HOMELESS, P1),)
    with pytest.raises(ValueError, match="one question"):
        OneOf(
            When("housing.sleep", "street", "a", homeless),
            When("housing.leave", "yes", "b", homeless),
        )
    with pytest.raises(ValueError, match="one question"):
        OneOf(
            When("housing.sleep", ("street", "hotel_115"), "a", homeless),
            When("housing.sleep", "hotel_115", "b", homeless),
        )
