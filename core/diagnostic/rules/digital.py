"""Digital: equipment first (Emmaüs Connect), then skills (the digital workshop)."""

from __future__ import annotations

from core.diagnostic.domains import digital
from core.diagnostic.model import Answers
from core.diagnostic.rules.common import NONE, P1, P2, Rule, Signals, gave
from core.diagnostic.signals import Signal
from core.diagnostic.themes import Theme


def no_phone_or_data(answers: Answers) -> Signals:
    if gave(answers, digital.PHONE, digital.NO_PHONE):
        return (Signal(Theme.DIGITAL_EQUIPMENT, P1, "no_phone", digital.PHONE),)
    if gave(answers, digital.PHONE, digital.NO_PLAN):
        return (Signal(Theme.INTERNET_ACCESS, P1, "no_data_plan", digital.PHONE),)
    return NONE


def no_computer(answers: Answers) -> Signals:
    if gave(answers, digital.COMPUTER, "no"):
        return (Signal(Theme.DIGITAL_EQUIPMENT, P2, "no_computer", digital.COMPUTER),)
    return NONE


def ill_at_ease_online(answers: Answers) -> Signals:
    if gave(answers, digital.ONLINE, "a_bit", "no"):
        return (Signal(Theme.ONLINE_PROCEDURES, P2, "ill_at_ease_online", digital.ONLINE),)
    return NONE


RULES: tuple[Rule, ...] = (
    no_phone_or_data,
    no_computer,
    ill_at_ease_online,
)
