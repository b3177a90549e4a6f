"""Food and money: skipped meals, no income, no bank account, a tight budget."""

from __future__ import annotations

from core.diagnostic.domains import job, money
from core.diagnostic.model import Answers
from core.diagnostic.rules.common import NONE, P1, P2, Rule, Signals, When, gave
from core.diagnostic.signals import Signal
from core.diagnostic.themes import Theme

skips_meals_often = When(
    money.MEALS,
    money.OFTEN,
    "skips_meals_often",
    ((Theme.FOOD_AID, P1), (Theme.FINANCIAL_AID, P1), (Theme.FOOD, P1)),
)
skips_meals_sometimes = When(
    money.MEALS,
    money.SOMETIMES,
    "skips_meals_sometimes",
    ((Theme.FOOD_AID, P1), (Theme.FINANCIAL_AID, P2), (Theme.FOOD, P2)),
)


def no_income_no_activity(answers: Answers) -> Signals:
    # Both answers are needed: a skipped one says nothing about the other.
    if gave(answers, money.INCOME, money.NO_INCOME) and gave(answers, job.NOW, job.NOTHING_YET):
        return (Signal(Theme.SUPPORT_PATHWAY, P2, "no_income_no_activity", money.INCOME),)
    return NONE


def no_bank_account(answers: Answers) -> Signals:
    if not gave(answers, money.BANK, "no"):
        return NONE
    # Money already coming in needs somewhere to land this week; otherwise it can wait a little.
    paid = gave(answers, money.INCOME, money.LITTLE_INCOME, money.REGULAR_INCOME)
    return (Signal(Theme.BANK_ACCOUNT, P1 if paid else P2, "no_bank_account", money.BANK),)


little_income = When(money.INCOME, money.LITTLE_INCOME, "little_income", ((Theme.BUDGET, P2),))

RULES: tuple[Rule, ...] = (
    skips_meals_often,
    skips_meals_sometimes,
    no_income_no_activity,
    no_bank_account,
    little_income,
)
