"""Mobility and language: travel costs, the driving licence, reading French."""

from __future__ import annotations

from core.diagnostic.domains import mobility
from core.diagnostic.model import Answers
from core.diagnostic.rules.common import NONE, P2, Rule, Signals, gave
from core.diagnostic.signals import Signal
from core.diagnostic.themes import Theme


def no_travel_pass(answers: Answers) -> Signals:
    if gave(answers, mobility.TRANSPORT, mobility.LICENCE, mobility.NEITHER):
        return (Signal(Theme.MOBILITY_COSTS, P2, "no_travel_pass", mobility.TRANSPORT),)
    return NONE


def no_way_to_travel(answers: Answers) -> Signals:
    # With a pass, the licence is a plan for later; with neither, it may open jobs.
    if gave(answers, mobility.TRANSPORT, mobility.NEITHER):
        return (Signal(Theme.DRIVING_LICENCE, P2, "no_driving_licence", mobility.TRANSPORT),)
    return NONE


def ill_at_ease_reading_french(answers: Answers) -> Signals:
    if gave(answers, mobility.FRENCH, "a_bit", "no"):
        return (Signal(Theme.FRENCH, P2, "ill_at_ease_in_french", mobility.FRENCH),)
    return NONE


RULES: tuple[Rule, ...] = (
    no_travel_pass,
    no_way_to_travel,
    ill_at_ease_reading_french,
)
