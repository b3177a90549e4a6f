"""From needs to next steps: each signal leads to at most one step of `steps.STEPS`.

A signal's step is found by its theme; the few themes whose step depends on why
the need arose are listed by (theme, reason) first. Several signals may lead to
the same step (no phone and no computer both lead to Emmaüs Connect): the step
is shown once, with the priority of its most urgent signal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from core.diagnostic.questions import domain_of, domain_rank
from core.diagnostic.signals import Priority, Signal
from core.diagnostic.steps import (
    STEPS,
    Action,
    BookAction,
    ContactAdviserAction,
    HelplineAction,
    InfoAction,
)
from core.diagnostic.themes import Theme
from core.i18n import Text

__all__ = [
    "STEPS",
    "Action",
    "BookAction",
    "ContactAdviserAction",
    "HelplineAction",
    "InfoAction",
    "Orientation",
    "orient",
    "orientation",
    "step_for",
]


@dataclass(frozen=True, slots=True)
class Orientation:
    """A next step shown to the youth; `domain` is where the need came from, for ordering."""

    key: str
    priority: Priority
    theme: Theme
    title: Text
    detail: Text
    action: Action
    domain: str


# The step of each need...
BY_THEME: dict[Theme, str] = {
    Theme.HOMELESS: "call_115",
    Theme.HOUSING_SUPPORT: "housing_workshop",
    Theme.TEMPORARY_SHELTER: "sij_paj",
    Theme.FOOD_AID: "linkee_parcel",
    Theme.FOOD: "meal_cards",
    Theme.FINANCIAL_AID: "fajp",
    Theme.BANK_ACCOUNT: "bank_account",
    Theme.BUDGET: "budget_workshop",
    Theme.ADMINISTRATIVE_HELP: "domiciliation",
    Theme.LEGAL_HELP: "apaso_legal",
    Theme.KNOW_ONE_S_RIGHTS: "call_119",
    Theme.VICTIM_SUPPORT: "call_17",
    Theme.MEDICAL_COSTS: "css",
    Theme.ACCESS_TO_CARE: "care_access",
    Theme.MENTAL_HEALTH: "call_3114",
    Theme.WELLBEING: "fil_sante_jeunes",
    Theme.CONFIDENCE: "wellbeing_offer",
    Theme.ADDICTION: "drogues_info_service",
    Theme.DIGITAL_EQUIPMENT: "emmaus_connect",
    Theme.INTERNET_ACCESS: "emmaus_connect",
    Theme.ONLINE_PROCEDURES: "digital_workshop",
    Theme.SUPPORT_PATHWAY: "cej_pacea",
    Theme.CAREER_PROJECT: "cej_pacea",
    Theme.TRAINING: "cej_pacea",
    Theme.CV: "cv_workshop",
    Theme.JOB_INTERVIEW: "image_workshop",
    Theme.NO_FAMILY_SUPPORT: "dip",
    Theme.PARENTING: "caf_pmi",
    Theme.PREGNANCY_AND_BABY: "young_parents",
    Theme.MOBILITY_COSTS: "transport_fares",
    Theme.DRIVING_LICENCE: "licence_aid",
    Theme.FRENCH: "french_classes",
}

# ...except where why it arose changes what helps.
BY_THEME_AND_REASON: dict[tuple[Theme, str], str] = {
    # Nothing to eat today: a meal today, not a card that takes an appointment.
    (Theme.FOOD, "no_food_today"): "food_today",
    # Turning 25 without income: the RSA takes over from the Mission Locale's aids.
    (Theme.FINANCIAL_AID, "turning_25_no_income"): "rsa",
}


def step_for(signal: Signal) -> str | None:
    """The key of the step a signal leads to, if any."""
    return BY_THEME_AND_REASON.get((signal.theme, signal.reason)) or BY_THEME.get(signal.theme)


def orient(signals: Iterable[Signal]) -> tuple[Orientation, ...]:
    """One orientation per step the signals lead to: most urgent first, then in domain order."""
    chosen: dict[str, tuple[tuple[str, int, int], Signal]] = {}
    for index, signal in enumerate(signals):
        key = step_for(signal)
        if key is None:
            continue
        rank = (signal.priority.value, domain_rank(domain_of(signal.source_question).key), index)
        if key not in chosen or rank < chosen[key][0]:
            chosen[key] = (rank, signal)
    ordered = sorted(chosen.items(), key=lambda item: item[1][0])
    return tuple(orientation(key, signal) for key, (_, signal) in ordered)


def orientation(key: str, signal: Signal) -> Orientation:
    """The step `key`, as reached through `signal` (which gives its priority and theme)."""
    step = STEPS[key]
    action = step.action
    if isinstance(action, ContactAdviserAction) and signal.priority is Priority.P0:
        # An urgent need reaches the advisers' inbox first (e.g. the FAJP when nothing to eat).
        action = replace(action, urgent=True)
    return Orientation(
        key=key,
        priority=signal.priority,
        theme=signal.theme,
        title=step.title,
        detail=step.detail,
        action=action,
        domain=domain_of(signal.source_question).key,
    )
