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
from core.diagnostic.rules.common import Rule, gave
from core.diagnostic.signals import Priority

MODULES = (safety, housing, money, rights, health, digital, job, family, mobility)


def test_there_is_a_rule_module_per_domain_in_questionnaire_order() -> None:
    assert [m.__name__.rsplit(".", 1)[1] for m in MODULES] == [d.key for d in (SAFETY, *DOMAINS)]
    assert [rule for module in MODULES for rule in module.RULES] == list(RULES)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_every_rule_written_in_a_module_is_listed(module: ModuleType) -> None:
    written = [
        function
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    ]
    assert set(written) == set(module.RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
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
