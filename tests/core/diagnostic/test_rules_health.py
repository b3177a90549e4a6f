"""Health and mood: the direct suicide question, low mood, care out of reach, worrying use."""

from __future__ import annotations

import pytest

from core.diagnostic import Priority, Signal, Theme, assess
from core.diagnostic.domains import health as q
from core.diagnostic.rules import health as rules
from core.diagnostic.steps import HelplineAction
from tests.core.diagnostic import steps

P0, P1, P2 = Priority.P0, Priority.P1, Priority.P2


@pytest.mark.parametrize("face", q.BOTTOM_FACES)
def test_a_low_face_and_yes_to_the_direct_question_is_urgent_with_the_3114(face: str) -> None:
    answers = {q.MOOD: face, q.SUICIDE: "yes"}
    assert rules.suicidal_thoughts(answers) == (
        Signal(Theme.MENTAL_HEALTH, P0, "suicidal_thoughts", q.SUICIDE),
    )
    assert rules.low_mood(answers) == ()
    assessment = assess(answers)
    assert assessment.urgent
    assert [o.key for o in assessment.orientations] == ["call_3114"]
    assert assessment.orientations[0].action == HelplineAction("3114")


def test_a_yes_to_the_direct_question_counts_even_if_the_face_changed_afterwards() -> None:
    assert rules.suicidal_thoughts({q.MOOD: q.GOOD, q.SUICIDE: "yes"}) != ()


@pytest.mark.parametrize("suicide", ["no", None])
@pytest.mark.parametrize("face", q.BOTTOM_FACES)
def test_a_low_face_otherwise_leads_to_fil_sante_jeunes_and_the_wellbeing_offer(
    face: str, suicide: str | None
) -> None:
    answers = {q.MOOD: face} | ({q.SUICIDE: suicide} if suicide else {})
    assert rules.suicidal_thoughts(answers) == ()
    assert rules.low_mood(answers) == (
        Signal(Theme.WELLBEING, P1, "low_mood", q.MOOD),
        Signal(Theme.CONFIDENCE, P2, "low_mood", q.MOOD),
    )
    assert steps(answers) == ["fil_sante_jeunes", "wellbeing_offer"]


@pytest.mark.parametrize("face", [q.GREAT, q.GOOD, q.SO_SO])
def test_other_faces_reveal_nothing(face: str) -> None:
    assert rules.low_mood({q.MOOD: face}) == ()
    assert assess({q.MOOD: face}).signals == ()


def test_an_untreated_health_problem_leads_to_care_and_the_css() -> None:
    answers = {q.CARE: "yes"}
    assert rules.untreated_health_problem(answers) == (
        Signal(Theme.ACCESS_TO_CARE, P1, "untreated_health_problem", q.CARE),
        Signal(Theme.MEDICAL_COSTS, P1, "untreated_health_problem", q.CARE),
    )
    assert steps(answers) == ["care_access", "css"]
    assert rules.untreated_health_problem({q.CARE: "no"}) == ()


@pytest.mark.parametrize(
    ("answer", "priority", "reason"),
    [("yes", P1, "worried_about_use"), (q.A_LITTLE, P2, "a_bit_worried_about_use")],
)
def test_worrying_use_leads_to_drogues_info_service(
    answer: str, priority: Priority, reason: str
) -> None:
    answers = {q.USE: answer}
    assert rules.worried_about_use(answers) == (Signal(Theme.ADDICTION, priority, reason, q.USE),)
    assert steps(answers) == ["drogues_info_service"]
    assert rules.worried_about_use({q.USE: "no"}) == ()
