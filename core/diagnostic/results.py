"""The outcome of a diagnostic: what to show the youth, tell the adviser, and store.

`assess` runs the rules and the orientations over the answers. The youth sees
at most `TOP_COUNT` steps (by priority, then domain order) and may ask for the
rest; the adviser reads `summary_for_adviser`; `to_record` gives the JSON kept
in `DiagnosticResult`, and `from_record` reads it back, so a past diagnostic
shows what was recommended then even after the rules change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.diagnostic.domains import family, mobility
from core.diagnostic.model import Answers
from core.diagnostic.orientations import (
    STEPS,
    Action,
    BookAction,
    ContactAdviserAction,
    HelplineAction,
    InfoAction,
    Orientation,
    orient,
    step_for,
)
from core.diagnostic.rules import signals_for
from core.diagnostic.signals import Priority, Signal
from core.diagnostic.themes import Theme
from core.i18n import Text, t
from core.models.enums import SlotKind

TOP_COUNT = 3


@dataclass(frozen=True, slots=True)
class Assessment:
    signals: tuple[Signal, ...]
    orientations: tuple[Orientation, ...]  # all of them, one per step, in the order to show
    top: tuple[Orientation, ...]  # the first `TOP_COUNT`
    urgent: bool  # some need is P0
    interpreter_wanted: bool
    minor: bool | None  # None when the youth did not say


def assess(answers: Answers) -> Assessment:
    signals = signals_for(answers)
    return _assessment(answers, signals, orient(signals))


def _assessment(
    answers: Mapping[str, Any], signals: tuple[Signal, ...], orientations: tuple[Orientation, ...]
) -> Assessment:
    under_18 = answers.get(family.MINOR)
    return Assessment(
        signals=signals,
        orientations=orientations,
        top=orientations[:TOP_COUNT],
        urgent=any(signal.priority is Priority.P0 for signal in signals),
        interpreter_wanted=answers.get(mobility.INTERPRETER) == "yes",
        minor={"yes": True, "no": False}.get(under_18) if isinstance(under_18, str) else None,
    )


# -- the adviser's summary ---------------------------------------------------------

_LEVELS = {
    Priority.P0: t("🔴 Urgent"),
    Priority.P1: t("🟠 Cette semaine"),
    Priority.P2: t("🔵 À voir en entretien"),
}

# What each finding means, in the words an adviser reads at a glance.
FINDINGS: dict[str, Text] = {
    "no_shelter_tonight": t("Pas d’endroit où dormir ce soir"),
    "no_food_today": t("Rien à manger aujourd’hui"),
    "in_danger": t("Se dit en danger"),
    "suicidal_thoughts": t("Idées suicidaires ou envie de se faire du mal"),
    "sleeps_rough": t("Dort à la rue, en squat ou en voiture"),
    "precarious_housing": t("Hébergé·e chez des proches, à l’hôtel ou par le 115"),
    "may_have_to_leave": t("Risque de devoir partir d’ici un mois"),
    "unsure_of_staying": t("Ne sait pas si son hébergement va durer"),
    "no_mail_address": t("Pas d’adresse pour le courrier"),
    "skips_meals_often": t("Saute souvent des repas faute d’argent"),
    "skips_meals_sometimes": t("Saute parfois des repas faute d’argent"),
    "no_income_no_activity": t("Sans revenus et sans activité"),
    "no_bank_account": t("Pas de compte bancaire"),
    "little_income": t("Peu de revenus ce mois-ci"),
    "papers_expire_soon": t("Pièce d’identité ou titre de séjour bientôt expiré"),
    "papers_missing": t("Pas de pièce d’identité ou de titre de séjour valide"),
    "no_health_cover": t("Ni carte Vitale ni complémentaire santé"),
    "no_topup_cover": t("Pas de complémentaire santé"),
    "health_cover_unknown": t("Ne sait pas quelle couverture santé il ou elle a"),
    "turning_25_no_income": t("25 ans ou presque, sans revenus"),
    "low_mood": t("Moral bas ces deux dernières semaines"),
    "untreated_health_problem": t("Problème de santé non soigné"),
    "worried_about_use": t("Inquiet·e de sa consommation d’alcool ou de drogues"),
    "a_bit_worried_about_use": t("Un peu inquiet·e de sa consommation"),
    "no_phone": t("Pas de téléphone"),
    "no_data_plan": t("Téléphone sans forfait"),
    "no_computer": t("Pas d’accès à un ordinateur"),
    "ill_at_ease_online": t("Peu à l’aise avec les démarches en ligne"),
    "wants_work_fast": t("Veut travailler vite"),
    "wants_training": t("Veut se former"),
    "wants_apprenticeship": t("Cherche une alternance"),
    "looking_for_project": t("Cherche son projet professionnel"),
    "in_care_now": t("Suivi·e par l’ASE en ce moment"),
    "left_care": t("Ancien·ne de l’ASE"),
    "expecting_child": t("Attend un enfant"),
    "has_child": t("A un enfant"),
    "minor": t("Moins de 18 ans"),
    "no_travel_pass": t("Pas de pass de transport"),
    "no_driving_licence": t("Ni pass de transport ni permis"),
    "ill_at_ease_in_french": t("Difficultés à lire le français"),
}


def summary_for_adviser(assessment: Assessment) -> list[Text]:
    """Short lines: flags first, then each step with the findings that led to it."""
    lines: list[Text] = []
    if assessment.urgent:
        lines.append(t("⚠️ Situation urgente signalée."))
    if assessment.minor:
        lines.append(t("👤 Moins de 18 ans."))
    if assessment.interpreter_wanted:
        lines.append(t("🗣️ Souhaite un·e interprète aux rendez-vous."))
    for item in assessment.orientations:
        findings = _findings_for(item.key, assessment.signals)
        lines.append(
            t(
                "{level} — {step}\n{findings}",
                level=_LEVELS[item.priority],
                step=item.title,
                findings=tuple(t("↳ {finding}", finding=finding) for finding in findings),
            )
        )
    return lines


def _findings_for(step_key: str, signals: Iterable[Signal]) -> list[Text]:
    reasons = dict.fromkeys(s.reason for s in signals if step_for(s) == step_key)
    return [FINDINGS[reason] for reason in reasons if reason in FINDINGS]


# -- what DiagnosticResult stores ---------------------------------------------------


def to_record(assessment: Assessment) -> dict[str, list[dict[str, Any]]]:
    """JSON-able `signals` and `orientations`, as `DiagnosticResult` keeps them."""
    return {
        "signals": [signal_to_record(signal) for signal in assessment.signals],
        "orientations": [orientation_to_record(item) for item in assessment.orientations],
    }


def from_record(
    answers: Mapping[str, Any],
    signals: Sequence[Mapping[str, Any]],
    orientations: Sequence[Mapping[str, Any]],
) -> Assessment:
    """A stored diagnostic as assessed then; entries this version no longer knows are left out."""
    read_signals = tuple(s for s in map(signal_from_record, signals) if s is not None)
    read_orientations = tuple(
        o for o in map(orientation_from_record, orientations) if o is not None
    )
    return _assessment(answers, read_signals, read_orientations)


def signal_to_record(signal: Signal) -> dict[str, Any]:
    return {
        "theme": signal.theme.value,
        "priority": signal.priority.value,
        "reason": signal.reason,
        "source_question": signal.source_question,
    }


def signal_from_record(record: Mapping[str, Any]) -> Signal | None:
    try:
        return Signal(
            theme=Theme(record["theme"]),
            priority=Priority(record["priority"]),
            reason=str(record["reason"]),
            source_question=str(record["source_question"]),
        )
    except (KeyError, ValueError, TypeError):
        return None


def orientation_to_record(item: Orientation) -> dict[str, Any]:
    return {
        "key": item.key,
        "priority": item.priority.value,
        "theme": item.theme.value,
        "domain": item.domain,
        "action": _action_to_record(item.action),
    }


def orientation_from_record(record: Mapping[str, Any]) -> Orientation | None:
    try:
        step = STEPS[record["key"]]
        return Orientation(
            key=record["key"],
            priority=Priority(record["priority"]),
            theme=Theme(record["theme"]),
            title=step.title,
            detail=step.detail,
            action=_action_from_record(record["action"]),
            domain=str(record["domain"]),
        )
    except (KeyError, ValueError, TypeError):
        return None


def _action_to_record(action: Action) -> dict[str, Any]:
    if isinstance(action, BookAction):
        return {
            "type": "book",
            "kind": action.kind.value,
            "topic": action.topic,
            "partner_code": action.partner_code,
        }
    if isinstance(action, ContactAdviserAction):
        return {"type": "contact_adviser", "topic": action.topic, "urgent": action.urgent}
    if isinstance(action, HelplineAction):
        return {"type": "helpline", "helpline_id": action.helpline_id}
    return {"type": "info", "topic": action.topic}


def _action_from_record(record: Mapping[str, Any]) -> Action:
    kind = record["type"]
    if kind == "book":
        return BookAction(SlotKind(record["kind"]), record["topic"], record["partner_code"])
    if kind == "contact_adviser":
        return ContactAdviserAction(str(record["topic"]), bool(record["urgent"]))
    if kind == "helpline":
        return HelplineAction(str(record["helpline_id"]))
    if kind == "info":
        return InfoAction(str(record["topic"]))
    raise ValueError(f"unknown action type {kind!r}")
