"""From answers to needs: the rules of DESIGN.md §4's table.

Each rule reads the answers (question key → answer key; a skipped question is
absent, and an absent answer never fires a rule) and returns the signals it
finds, often none. Rules know nothing of next steps: `orientations` turns each
signal into one. The rules of a domain live in the module of the same name as
its questions in `core.diagnostic.domains`; adding a rule is writing a `When`
entry there (or a small function, when it combines answers or weighs a
condition) and listing it in that module's `RULES`.
"""

from __future__ import annotations

from core.diagnostic.model import Answers
from core.diagnostic.rules import (
    digital,
    family,
    health,
    housing,
    job,
    mobility,
    money,
    rights,
    safety,
)
from core.diagnostic.rules.common import Rule, Signals
from core.diagnostic.signals import Priority
from core.safety.situations import Situation

# In the order of the questionnaire, so signals come out in that order too.
RULES: tuple[Rule, ...] = (
    *safety.RULES,
    *housing.RULES,
    *money.RULES,
    *rights.RULES,
    *health.RULES,
    *digital.RULES,
    *job.RULES,
    *family.RULES,
    *mobility.RULES,
)

# The urgent findings, as the situations `core.safety` answers with helplines or food.
URGENT_SITUATIONS = {
    "no_shelter_tonight": Situation.NO_SHELTER,
    "sleeps_rough": Situation.NO_SHELTER,
    "no_food_today": Situation.NO_FOOD,
    "in_danger": Situation.DANGER,
    "suicidal_thoughts": Situation.SUICIDAL,
}


def signals_for(answers: Answers) -> Signals:
    """Every signal the answers reveal, rule by rule in questionnaire order."""
    return tuple(signal for rule in RULES for signal in rule(answers))


def urgent_situations(answers: Answers) -> frozenset[Situation]:
    """The urgent situations the answers reveal: the flow stops and hands over to safety."""
    return frozenset(
        URGENT_SITUATIONS[signal.reason]
        for signal in signals_for(answers)
        if signal.priority is Priority.P0
    )
