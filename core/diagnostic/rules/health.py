"""Health and mood: suicidal thoughts, low mood, care out of reach, worrying use."""

from __future__ import annotations

from core.diagnostic.domains import health
from core.diagnostic.model import Answers
from core.diagnostic.rules.common import NONE, P0, P1, P2, OneOf, Rule, Signals, When, gave
from core.diagnostic.signals import Signal
from core.diagnostic.themes import Theme

# A "yes" always counts, even if the face was changed afterwards: never unsay it.
suicidal_thoughts = When(health.SUICIDE, "yes", "suicidal_thoughts", ((Theme.MENTAL_HEALTH, P0),))


def low_mood(answers: Answers) -> Signals:
    if not gave(answers, health.MOOD, *health.BOTTOM_FACES) or gave(answers, health.SUICIDE, "yes"):
        return NONE
    return (
        Signal(Theme.WELLBEING, P1, "low_mood", health.MOOD),
        Signal(Theme.CONFIDENCE, P2, "low_mood", health.MOOD),
    )


untreated_health_problem = When(
    health.CARE,
    "yes",
    "untreated_health_problem",
    ((Theme.ACCESS_TO_CARE, P1), (Theme.MEDICAL_COSTS, P1)),
)
worried_about_use = OneOf(
    When(health.USE, "yes", "worried_about_use", ((Theme.ADDICTION, P1),)),
    When(health.USE, health.A_LITTLE, "a_bit_worried_about_use", ((Theme.ADDICTION, P2),)),
)

RULES: tuple[Rule, ...] = (
    suicidal_thoughts,
    low_mood,
    untreated_health_problem,
    worried_about_use,
)
