"""Rights and papers: papers to renew, health cover, turning 25 without income."""

from __future__ import annotations

import pytest

from core.diagnostic import Priority, Signal, Theme
from core.diagnostic.domains import rights as q
from core.diagnostic.rules import rights as rules
from tests.core.diagnostic import steps

P1, P2 = Priority.P1, Priority.P2


@pytest.mark.parametrize(
    ("answer", "reason"),
    [(q.EXPIRES_SOON, "papers_expire_soon"), (q.MISSING, "papers_missing")],
)
def test_papers_expiring_or_missing_lead_to_the_apaso_lawyer(answer: str, reason: str) -> None:
    answers = {q.PAPERS: answer}
    assert rules.papers_problem(answers) == (Signal(Theme.LEGAL_HELP, P1, reason, q.PAPERS),)
    assert steps(answers) == ["apaso_legal"]


def test_valid_papers_reveal_nothing() -> None:
    assert rules.papers_problem({q.PAPERS: q.VALID}) == ()


@pytest.mark.parametrize(
    ("answer", "priority", "reason"),
    [
        (q.NEITHER, P1, "no_health_cover"),
        (q.VITALE_ONLY, P2, "no_topup_cover"),
        ("unsure", P2, "health_cover_unknown"),
    ],
)
def test_without_top_up_cover_the_css_is_asked_through_social_services(
    answer: str, priority: Priority, reason: str
) -> None:
    answers = {q.HEALTH_COVER: answer}
    assert rules.no_topup_cover(answers) == (
        Signal(Theme.MEDICAL_COSTS, priority, reason, q.HEALTH_COVER),
    )
    assert steps(answers) == ["css"]


def test_full_health_cover_reveals_nothing() -> None:
    assert rules.no_topup_cover({q.HEALTH_COVER: q.BOTH}) == ()


def test_turning_25_without_income_leads_to_the_rsa() -> None:
    answers = {q.AGE_25: "yes"}
    assert rules.turning_25_without_income(answers) == (
        Signal(Theme.FINANCIAL_AID, P2, "turning_25_no_income", q.AGE_25),
    )
    assert steps(answers) == ["rsa"]
    assert rules.turning_25_without_income({q.AGE_25: "no"}) == ()
