"""Housing: the street is urgent, precarious or ending housing is for this week."""

from __future__ import annotations

import pytest

from core.diagnostic import Priority, Signal, Theme, urgent_situations
from core.diagnostic.domains import housing as q
from core.diagnostic.rules import housing as rules
from core.safety.situations import Situation
from tests.core.diagnostic import other_answers, steps

P0, P1, P2 = Priority.P0, Priority.P1, Priority.P2


def test_sleeping_in_the_street_a_squat_or_a_car_is_urgent_and_leads_to_the_115() -> None:
    answers = {q.SLEEP: q.STREET}
    assert rules.sleeps_rough(answers) == (Signal(Theme.HOMELESS, P0, "sleeps_rough", q.SLEEP),)
    assert steps(answers) == ["call_115"]
    assert urgent_situations(answers) == {Situation.NO_SHELTER}


@pytest.mark.parametrize("answer", other_answers(q.SLEEP, q.STREET))
def test_sleeping_anywhere_else_is_not_sleeping_rough(answer: str) -> None:
    assert rules.sleeps_rough({q.SLEEP: answer}) == ()


@pytest.mark.parametrize("answer", [q.FAMILY_FRIENDS, q.HOTEL_115])
def test_precarious_housing_leads_to_the_housing_workshop_and_sij_paj(answer: str) -> None:
    answers = {q.SLEEP: answer}
    assert rules.precarious_housing(answers) == (
        Signal(Theme.HOUSING_SUPPORT, P1, "precarious_housing", q.SLEEP),
        Signal(Theme.TEMPORARY_SHELTER, P1, "precarious_housing", q.SLEEP),
    )
    assert steps(answers) == ["housing_workshop", "sij_paj"]


@pytest.mark.parametrize("answer", other_answers(q.SLEEP, q.FAMILY_FRIENDS, q.HOTEL_115))
def test_parents_foyer_own_place_or_street_are_not_precarious_housing(answer: str) -> None:
    assert rules.precarious_housing({q.SLEEP: answer}) == ()


def test_having_to_leave_within_a_month_is_for_this_week() -> None:
    answers = {q.LEAVE: "yes"}
    assert rules.may_have_to_leave(answers) == (
        Signal(Theme.HOUSING_SUPPORT, P1, "may_have_to_leave", q.LEAVE),
        Signal(Theme.TEMPORARY_SHELTER, P1, "may_have_to_leave", q.LEAVE),
    )
    assert steps(answers) == ["housing_workshop", "sij_paj"]


def test_not_knowing_whether_one_can_stay_is_for_the_adviser() -> None:
    answers = {q.LEAVE: "unsure"}
    assert rules.may_have_to_leave(answers) == (
        Signal(Theme.HOUSING_SUPPORT, P2, "unsure_of_staying", q.LEAVE),
    )
    assert steps(answers) == ["housing_workshop"]


def test_staying_put_reveals_nothing() -> None:
    assert rules.may_have_to_leave({q.LEAVE: "no"}) == ()


def test_no_mail_address_leads_to_domiciliation() -> None:
    answers = {q.MAIL: "no"}
    assert rules.no_mail_address(answers) == (
        Signal(Theme.ADMINISTRATIVE_HELP, P2, "no_mail_address", q.MAIL),
    )
    assert steps(answers) == ["domiciliation"]
    assert rules.no_mail_address({q.MAIL: "yes"}) == ()


def test_precarious_and_leaving_soon_give_each_step_once() -> None:
    assert steps({q.SLEEP: q.HOTEL_115, q.LEAVE: "yes"}) == ["housing_workshop", "sij_paj"]
