"""Housing: sleeping rough is urgent; precarious or ending housing is for this week."""

from __future__ import annotations

from core.diagnostic.domains import housing
from core.diagnostic.model import Answers
from core.diagnostic.rules.common import NONE, P0, P1, P2, Rule, Signals, gave
from core.diagnostic.signals import Priority, Signal
from core.diagnostic.themes import Theme


def sleeps_rough(answers: Answers) -> Signals:
    if gave(answers, housing.SLEEP, housing.STREET):
        return (Signal(Theme.HOMELESS, P0, "sleeps_rough", housing.SLEEP),)
    return NONE


def _housing_help(priority: Priority, reason: str, source: str) -> Signals:
    # The housing workshop to search, and the youth housing services (SIJ/PAJ) behind it.
    return (
        Signal(Theme.HOUSING_SUPPORT, priority, reason, source),
        Signal(Theme.TEMPORARY_SHELTER, priority, reason, source),
    )


def precarious_housing(answers: Answers) -> Signals:
    if gave(answers, housing.SLEEP, housing.FAMILY_FRIENDS, housing.HOTEL_115):
        return _housing_help(P1, "precarious_housing", housing.SLEEP)
    return NONE


def may_have_to_leave(answers: Answers) -> Signals:
    if gave(answers, housing.LEAVE, "yes"):
        return _housing_help(P1, "may_have_to_leave", housing.LEAVE)
    if gave(answers, housing.LEAVE, "unsure"):
        return (Signal(Theme.HOUSING_SUPPORT, P2, "unsure_of_staying", housing.LEAVE),)
    return NONE


def no_mail_address(answers: Answers) -> Signals:
    if gave(answers, housing.MAIL, "no"):
        return (Signal(Theme.ADMINISTRATIVE_HELP, P2, "no_mail_address", housing.MAIL),)
    return NONE


RULES: tuple[Rule, ...] = (
    sleeps_rough,
    precarious_housing,
    may_have_to_leave,
    no_mail_address,
)
