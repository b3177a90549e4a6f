"""Digital: equipment leads to Emmaüs Connect, unease online to the digital workshop."""

from __future__ import annotations

import pytest

from core.diagnostic import Priority, Signal, Theme, assess
from core.diagnostic.domains import digital as q
from core.diagnostic.rules import digital as rules
from tests.core.diagnostic import steps

P1, P2 = Priority.P1, Priority.P2


@pytest.mark.parametrize(
    ("answer", "theme", "reason"),
    [
        (q.NO_PHONE, Theme.DIGITAL_EQUIPMENT, "no_phone"),
        (q.NO_PLAN, Theme.INTERNET_ACCESS, "no_data_plan"),
    ],
)
def test_no_phone_or_no_data_plan_leads_to_emmaus_connect_this_week(
    answer: str, theme: Theme, reason: str
) -> None:
    answers = {q.PHONE: answer}
    assert rules.no_phone_or_data(answers) == (Signal(theme, P1, reason, q.PHONE),)
    assert steps(answers) == ["emmaus_connect"]


def test_a_phone_with_data_reveals_nothing() -> None:
    assert rules.no_phone_or_data({q.PHONE: "yes"}) == ()


def test_no_computer_leads_to_emmaus_connect() -> None:
    answers = {q.COMPUTER: "no"}
    assert rules.no_computer(answers) == (
        Signal(Theme.DIGITAL_EQUIPMENT, P2, "no_computer", q.COMPUTER),
    )
    assert steps(answers) == ["emmaus_connect"]
    assert rules.no_computer({q.COMPUTER: "yes"}) == ()


def test_no_phone_and_no_computer_give_one_emmaus_connect_appointment_at_the_higher_priority() -> (
    None
):
    (only,) = assess({q.PHONE: q.NO_PHONE, q.COMPUTER: "no"}).orientations
    assert only.key == "emmaus_connect"
    assert only.priority is P1


@pytest.mark.parametrize("answer", ["a_bit", "no"])
def test_unease_online_leads_to_the_digital_workshop(answer: str) -> None:
    answers = {q.ONLINE: answer}
    assert rules.ill_at_ease_online(answers) == (
        Signal(Theme.ONLINE_PROCEDURES, P2, "ill_at_ease_online", q.ONLINE),
    )
    assert steps(answers) == ["digital_workshop"]


def test_ease_online_reveals_nothing() -> None:
    assert rules.ill_at_ease_online({q.ONLINE: "yes"}) == ()
