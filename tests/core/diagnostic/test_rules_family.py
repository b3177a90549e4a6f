"""Background and family: child welfare, children, minors."""

from __future__ import annotations

import pytest

from core.diagnostic import Priority, Signal, Theme, assess
from core.diagnostic.domains import family as q
from core.diagnostic.rules import family as rules
from core.diagnostic.steps import HelplineAction
from tests.core.diagnostic import steps

P1, P2 = Priority.P1, Priority.P2


@pytest.mark.parametrize(
    ("answer", "priority", "reason"),
    [(q.IN_CARE_NOW, P1, "in_care_now"), (q.IN_CARE_BEFORE, P2, "left_care")],
)
def test_child_welfare_leads_to_the_dip_programme(
    answer: str, priority: Priority, reason: str
) -> None:
    answers = {q.ASE: answer}
    assert rules.child_welfare(answers) == (
        Signal(Theme.NO_FAMILY_SUPPORT, priority, reason, q.ASE),
    )
    assert steps(answers) == ["dip"]


def test_never_in_care_reveals_nothing() -> None:
    assert rules.child_welfare({q.ASE: "no"}) == ()


def test_expecting_a_child_leads_to_caf_pmi_this_week_and_young_parents_support() -> None:
    answers = {q.CHILD: q.EXPECTING}
    assert rules.parent_or_expecting(answers) == (
        Signal(Theme.PARENTING, P1, "expecting_child", q.CHILD),
        Signal(Theme.PREGNANCY_AND_BABY, P2, "expecting_child", q.CHILD),
    )
    assert steps(answers) == ["caf_pmi", "young_parents"]


def test_a_parent_is_pointed_to_caf_pmi_and_young_parents_support() -> None:
    answers = {q.CHILD: q.HAS_CHILD}
    assert rules.parent_or_expecting(answers) == (
        Signal(Theme.PARENTING, P2, "has_child", q.CHILD),
        Signal(Theme.PREGNANCY_AND_BABY, P2, "has_child", q.CHILD),
    )
    assert steps(answers) == ["caf_pmi", "young_parents"]


def test_no_child_reveals_nothing() -> None:
    assert rules.parent_or_expecting({q.CHILD: "no"}) == ()


def test_a_minor_is_shown_the_119_and_flagged_for_minor_consent_wording() -> None:
    answers = {q.MINOR: "yes"}
    assert rules.minor(answers) == (Signal(Theme.KNOW_ONE_S_RIGHTS, P2, "minor", q.MINOR),)
    assessment = assess(answers)
    assert [o.action for o in assessment.orientations] == [HelplineAction("119")]
    assert assessment.minor is True


@pytest.mark.parametrize(("answers", "minor"), [({q.MINOR: "no"}, False), ({}, None)])
def test_an_adult_or_a_skipped_age_is_not_flagged_minor(
    answers: dict[str, str], minor: bool | None
) -> None:
    assert rules.minor(answers) == ()
    assert assess(answers).minor is minor
