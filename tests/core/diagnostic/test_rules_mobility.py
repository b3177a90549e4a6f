"""Mobility and language: travel costs, the licence, French, the interpreter flag."""

from __future__ import annotations

import pytest

from core.diagnostic import Priority, Signal, Theme, assess
from core.diagnostic.domains import mobility as q
from core.diagnostic.rules import mobility as rules
from tests.core.diagnostic import steps

P2 = Priority.P2


@pytest.mark.parametrize("answer", [q.LICENCE, q.NEITHER])
def test_without_a_travel_pass_cheaper_fares_are_explained(answer: str) -> None:
    assert rules.no_travel_pass({q.TRANSPORT: answer}) == (
        Signal(Theme.MOBILITY_COSTS, P2, "no_travel_pass", q.TRANSPORT),
    )


@pytest.mark.parametrize("answer", [q.TRAVEL_CARD, q.BOTH])
def test_a_travel_pass_needs_no_fare_help(answer: str) -> None:
    assert rules.no_travel_pass({q.TRANSPORT: answer}) == ()


def test_with_neither_pass_nor_licence_licence_aids_come_too() -> None:
    answers = {q.TRANSPORT: q.NEITHER}
    assert rules.no_way_to_travel(answers) == (
        Signal(Theme.DRIVING_LICENCE, P2, "no_driving_licence", q.TRANSPORT),
    )
    assert steps(answers) == ["transport_fares", "licence_aid"]


@pytest.mark.parametrize("answer", [q.TRAVEL_CARD, q.LICENCE, q.BOTH])
def test_a_way_to_travel_needs_no_licence_aid(answer: str) -> None:
    assert rules.no_way_to_travel({q.TRANSPORT: answer}) == ()


@pytest.mark.parametrize("answer", ["a_bit", "no"])
def test_finding_french_hard_to_read_leads_to_french_classes(answer: str) -> None:
    answers = {q.FRENCH: answer}
    assert rules.ill_at_ease_reading_french(answers) == (
        Signal(Theme.FRENCH, P2, "ill_at_ease_in_french", q.FRENCH),
    )
    assert steps(answers) == ["french_classes"]
    assert rules.ill_at_ease_reading_french({q.FRENCH: "yes"}) == ()


@pytest.mark.parametrize(("answer", "wanted"), [("yes", True), ("no", False), (None, False)])
def test_the_interpreter_flag_follows_the_youth_s_choice(answer: str | None, wanted: bool) -> None:
    answers = {q.FRENCH: "no"} | ({q.INTERPRETER: answer} if answer else {})
    assessment = assess(answers)
    assert assessment.interpreter_wanted is wanted
    # A wish, not a need: it adds no step of its own.
    assert [o.key for o in assessment.orientations] == ["french_classes"]
