"""Food and money: skipped meals, no income and no activity, no account, a tight budget."""

from __future__ import annotations

import pytest

from core.diagnostic import Priority, Signal, Theme
from core.diagnostic.domains import job
from core.diagnostic.domains import money as q
from core.diagnostic.rules import money as rules
from core.diagnostic.rules.common import Rule
from tests.core.diagnostic import other_answers, steps

P1, P2 = Priority.P1, Priority.P2


def test_often_skipping_meals_leads_to_food_parcel_emergency_aid_and_meal_cards() -> None:
    answers = {q.MEALS: q.OFTEN}
    assert rules.skips_meals_often(answers) == (
        Signal(Theme.FOOD_AID, P1, "skips_meals_often", q.MEALS),
        Signal(Theme.FINANCIAL_AID, P1, "skips_meals_often", q.MEALS),
        Signal(Theme.FOOD, P1, "skips_meals_often", q.MEALS),
    )
    assert steps(answers) == ["linkee_parcel", "fajp", "meal_cards"]


def test_sometimes_skipping_meals_puts_the_food_parcel_first() -> None:
    answers = {q.MEALS: q.SOMETIMES}
    assert rules.skips_meals_sometimes(answers) == (
        Signal(Theme.FOOD_AID, P1, "skips_meals_sometimes", q.MEALS),
        Signal(Theme.FINANCIAL_AID, P2, "skips_meals_sometimes", q.MEALS),
        Signal(Theme.FOOD, P2, "skips_meals_sometimes", q.MEALS),
    )
    assert steps(answers) == ["linkee_parcel", "fajp", "meal_cards"]


@pytest.mark.parametrize(
    ("rule", "answer"),
    [(rules.skips_meals_often, q.OFTEN), (rules.skips_meals_sometimes, q.SOMETIMES)],
)
def test_each_skipped_meals_rule_fires_on_its_own_answer_only(rule: Rule, answer: str) -> None:
    for other in other_answers(q.MEALS, answer):
        assert rule({q.MEALS: other}) == ()


def test_no_income_and_no_activity_leads_to_cej_or_pacea() -> None:
    answers = {q.INCOME: q.NO_INCOME, job.NOW: job.NOTHING_YET}
    assert rules.no_income_no_activity(answers) == (
        Signal(Theme.SUPPORT_PATHWAY, P2, "no_income_no_activity", q.INCOME),
    )
    assert steps(answers) == ["cej_pacea"]


@pytest.mark.parametrize(
    "answers",
    [
        {q.INCOME: q.NO_INCOME},
        {job.NOW: job.NOTHING_YET},
        {q.INCOME: q.LITTLE_INCOME, job.NOW: job.NOTHING_YET},
        {q.INCOME: q.NO_INCOME, job.NOW: job.STUDYING},
        {q.INCOME: q.NO_INCOME, job.NOW: job.IN_TRAINING},
    ],
)
def test_cej_for_no_income_needs_both_no_income_and_no_activity(answers: dict[str, str]) -> None:
    assert rules.no_income_no_activity(answers) == ()


@pytest.mark.parametrize(
    ("income", "priority"),
    [(q.LITTLE_INCOME, P1), (q.REGULAR_INCOME, P1), (q.NO_INCOME, P2), (None, P2)],
)
def test_no_bank_account_is_for_this_week_when_money_comes_in(
    income: str | None, priority: Priority
) -> None:
    answers = {q.BANK: "no"} | ({q.INCOME: income} if income else {})
    assert rules.no_bank_account(answers) == (
        Signal(Theme.BANK_ACCOUNT, priority, "no_bank_account", q.BANK),
    )
    assert "bank_account" in steps(answers)


def test_having_a_bank_account_reveals_nothing() -> None:
    assert rules.no_bank_account({q.BANK: "yes", q.INCOME: q.NO_INCOME}) == ()


def test_a_little_income_leads_to_the_budget_workshop() -> None:
    answers = {q.INCOME: q.LITTLE_INCOME}
    assert rules.little_income(answers) == (Signal(Theme.BUDGET, P2, "little_income", q.INCOME),)
    assert steps(answers) == ["budget_workshop"]
    for other in other_answers(q.INCOME, q.LITTLE_INCOME):
        assert rules.little_income({q.INCOME: other}) == ()
