"""Rights and papers: residence papers, health cover, turning 25 without income."""

from __future__ import annotations

from core.diagnostic.domains import rights
from core.diagnostic.model import Answers
from core.diagnostic.rules.common import NONE, P1, P2, Rule, Signals, gave
from core.diagnostic.signals import Signal
from core.diagnostic.themes import Theme


def papers_problem(answers: Answers) -> Signals:
    if gave(answers, rights.PAPERS, rights.EXPIRES_SOON):
        return (Signal(Theme.LEGAL_HELP, P1, "papers_expire_soon", rights.PAPERS),)
    if gave(answers, rights.PAPERS, rights.MISSING):
        return (Signal(Theme.LEGAL_HELP, P1, "papers_missing", rights.PAPERS),)
    return NONE


def no_topup_cover(answers: Answers) -> Signals:
    source = rights.HEALTH_COVER
    if gave(answers, source, rights.NEITHER):
        # No cover at all: any care is paid in full, so it cannot wait for the next meeting.
        return (Signal(Theme.MEDICAL_COSTS, P1, "no_health_cover", source),)
    if gave(answers, source, rights.VITALE_ONLY):
        return (Signal(Theme.MEDICAL_COSTS, P2, "no_topup_cover", source),)
    if gave(answers, source, "unsure"):
        return (Signal(Theme.MEDICAL_COSTS, P2, "health_cover_unknown", source),)
    return NONE


def turning_25_without_income(answers: Answers) -> Signals:
    if gave(answers, rights.AGE_25, "yes"):
        return (Signal(Theme.FINANCIAL_AID, P2, "turning_25_no_income", rights.AGE_25),)
    return NONE


RULES: tuple[Rule, ...] = (
    papers_problem,
    no_topup_cover,
    turning_25_without_income,
)
