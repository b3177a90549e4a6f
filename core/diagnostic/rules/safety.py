"""Step 0: the urgent situations, each P0."""

from __future__ import annotations

from core.diagnostic.domains import safety as step0
from core.diagnostic.model import Answers
from core.diagnostic.rules.common import NONE, P0, Rule, Signals, gave
from core.diagnostic.signals import Signal
from core.diagnostic.themes import Theme
from core.safety.situations import Situation


def no_shelter_tonight(answers: Answers) -> Signals:
    if gave(answers, step0.TODAY, Situation.NO_SHELTER):
        return (Signal(Theme.HOMELESS, P0, "no_shelter_tonight", step0.TODAY),)
    return NONE


def no_food_today(answers: Answers) -> Signals:
    # Urgent, but its route is food: eat today, the next Linkee pickup, the FAJP.
    if gave(answers, step0.TODAY, Situation.NO_FOOD):
        return tuple(
            Signal(theme, P0, "no_food_today", step0.TODAY)
            for theme in (Theme.FOOD, Theme.FOOD_AID, Theme.FINANCIAL_AID)
        )
    return NONE


def in_danger(answers: Answers) -> Signals:
    if gave(answers, step0.TODAY, Situation.DANGER):
        return (Signal(Theme.VICTIM_SUPPORT, P0, "in_danger", step0.TODAY),)
    return NONE


def wants_to_die(answers: Answers) -> Signals:
    if gave(answers, step0.TODAY, Situation.SUICIDAL):
        return (Signal(Theme.MENTAL_HEALTH, P0, "suicidal_thoughts", step0.TODAY),)
    return NONE


RULES: tuple[Rule, ...] = (
    no_shelter_tonight,
    no_food_today,
    in_danger,
    wants_to_die,
)
