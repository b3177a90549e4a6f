"""Health and mood: suicidal thoughts, low mood, care out of reach, worrying use."""

from __future__ import annotations

from core.diagnostic.domains import health
from core.diagnostic.model import Answers
from core.diagnostic.rules.common import NONE, P0, P1, P2, Rule, Signals, gave
from core.diagnostic.signals import Signal
from core.diagnostic.themes import Theme


def suicidal_thoughts(answers: Answers) -> Signals:
    # A "yes" always counts, even if the face was changed afterwards: never unsay it.
    if gave(answers, health.SUICIDE, "yes"):
        return (Signal(Theme.MENTAL_HEALTH, P0, "suicidal_thoughts", health.SUICIDE),)
    return NONE


def low_mood(answers: Answers) -> Signals:
    if not gave(answers, health.MOOD, *health.BOTTOM_FACES) or gave(answers, health.SUICIDE, "yes"):
        return NONE
    return (
        Signal(Theme.WELLBEING, P1, "low_mood", health.MOOD),
        Signal(Theme.CONFIDENCE, P2, "low_mood", health.MOOD),
    )


def untreated_health_problem(answers: Answers) -> Signals:
    if gave(answers, health.CARE, "yes"):
        reason = "untreated_health_problem"
        return (
            Signal(Theme.ACCESS_TO_CARE, P1, reason, health.CARE),
            Signal(Theme.MEDICAL_COSTS, P1, reason, health.CARE),
        )
    return NONE


def worried_about_use(answers: Answers) -> Signals:
    if gave(answers, health.USE, "yes"):
        return (Signal(Theme.ADDICTION, P1, "worried_about_use", health.USE),)
    if gave(answers, health.USE, health.A_LITTLE):
        return (Signal(Theme.ADDICTION, P2, "a_bit_worried_about_use", health.USE),)
    return NONE


RULES: tuple[Rule, ...] = (
    suicidal_thoughts,
    low_mood,
    untreated_health_problem,
    worried_about_use,
)
