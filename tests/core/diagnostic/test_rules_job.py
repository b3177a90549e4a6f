"""Job and training: the goal leads to workshops and to CEJ or PACEA with the adviser."""

from __future__ import annotations

from core.diagnostic import Priority, Signal, Theme, assess
from core.diagnostic.domains import job as q
from core.diagnostic.rules import job as rules
from tests.core.diagnostic import other_answers, steps

P1, P2 = Priority.P1, Priority.P2


def test_working_fast_leads_to_the_cv_workshop_then_image_advice_and_cej_pacea() -> None:
    answers = {q.GOAL: q.WORK_FAST}
    assert rules.wants_work_fast(answers) == (
        Signal(Theme.CV, P1, "wants_work_fast", q.GOAL),
        Signal(Theme.JOB_INTERVIEW, P2, "wants_work_fast", q.GOAL),
        Signal(Theme.SUPPORT_PATHWAY, P2, "wants_work_fast", q.GOAL),
    )
    assert steps(answers) == ["cv_workshop", "image_workshop", "cej_pacea"]


def test_training_leads_to_cej_pacea() -> None:
    answers = {q.GOAL: q.GET_TRAINING}
    assert rules.wants_training(answers) == (Signal(Theme.TRAINING, P2, "wants_training", q.GOAL),)
    assert steps(answers) == ["cej_pacea"]


def test_an_apprenticeship_leads_to_cej_pacea_and_the_cv_workshop() -> None:
    answers = {q.GOAL: q.APPRENTICESHIP}
    assert rules.wants_apprenticeship(answers) == (
        Signal(Theme.SUPPORT_PATHWAY, P2, "wants_apprenticeship", q.GOAL),
        Signal(Theme.CV, P2, "wants_apprenticeship", q.GOAL),
    )
    assert steps(answers) == ["cej_pacea", "cv_workshop"]


def test_finding_a_project_leads_to_cej_pacea() -> None:
    answers = {q.GOAL: q.FIND_PROJECT}
    assert rules.looking_for_project(answers) == (
        Signal(Theme.CAREER_PROJECT, P2, "looking_for_project", q.GOAL),
    )
    assert steps(answers) == ["cej_pacea"]


def test_each_goal_rule_fires_on_its_own_goal_only() -> None:
    own = {
        rules.wants_work_fast: q.WORK_FAST,
        rules.wants_training: q.GET_TRAINING,
        rules.wants_apprenticeship: q.APPRENTICESHIP,
        rules.looking_for_project: q.FIND_PROJECT,
    }
    for rule, goal in own.items():
        for other in other_answers(q.GOAL, goal):
            assert rule({q.GOAL: other}) == (), (rule, other)


def test_the_current_activity_and_diploma_alone_reveal_nothing() -> None:
    for now in other_answers(q.NOW):
        assert assess({q.NOW: now}).signals == ()
    for diploma in other_answers(q.DIPLOMA):
        assert assess({q.DIPLOMA: diploma}).signals == ()
