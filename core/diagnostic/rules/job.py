"""Job and training: the goal decides between workshops and CEJ/PACEA."""

from __future__ import annotations

from core.diagnostic.domains import job
from core.diagnostic.model import Answers
from core.diagnostic.rules.common import NONE, P1, P2, Rule, Signals, gave
from core.diagnostic.signals import Signal
from core.diagnostic.themes import Theme


def wants_work_fast(answers: Answers) -> Signals:
    if gave(answers, job.GOAL, job.WORK_FAST):
        reason = "wants_work_fast"
        return (
            Signal(Theme.CV, P1, reason, job.GOAL),
            Signal(Theme.JOB_INTERVIEW, P2, reason, job.GOAL),
            Signal(Theme.SUPPORT_PATHWAY, P2, reason, job.GOAL),
        )
    return NONE


def wants_training(answers: Answers) -> Signals:
    if gave(answers, job.GOAL, job.GET_TRAINING):
        return (Signal(Theme.TRAINING, P2, "wants_training", job.GOAL),)
    return NONE


def wants_apprenticeship(answers: Answers) -> Signals:
    if gave(answers, job.GOAL, job.APPRENTICESHIP):
        return (
            Signal(Theme.SUPPORT_PATHWAY, P2, "wants_apprenticeship", job.GOAL),
            Signal(Theme.CV, P2, "wants_apprenticeship", job.GOAL),
        )
    return NONE


def looking_for_project(answers: Answers) -> Signals:
    if gave(answers, job.GOAL, job.FIND_PROJECT):
        return (Signal(Theme.CAREER_PROJECT, P2, "looking_for_project", job.GOAL),)
    return NONE


RULES: tuple[Rule, ...] = (
    wants_work_fast,
    wants_training,
    wants_apprenticeship,
    looking_for_project,
)
