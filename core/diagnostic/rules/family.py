"""Background and family: child welfare, children, minors."""

from __future__ import annotations

from core.diagnostic.domains import family
from core.diagnostic.model import Answers
from core.diagnostic.rules.common import NONE, P1, P2, Rule, Signals, gave
from core.diagnostic.signals import Signal
from core.diagnostic.themes import Theme


def child_welfare(answers: Answers) -> Signals:
    # Care ends at 18 or 21 and the DIP prepares that exit, so someone still in care acts now.
    if gave(answers, family.ASE, family.IN_CARE_NOW):
        return (Signal(Theme.NO_FAMILY_SUPPORT, P1, "in_care_now", family.ASE),)
    if gave(answers, family.ASE, family.IN_CARE_BEFORE):
        return (Signal(Theme.NO_FAMILY_SUPPORT, P2, "left_care", family.ASE),)
    return NONE


def parent_or_expecting(answers: Answers) -> Signals:
    if gave(answers, family.CHILD, family.EXPECTING):
        # A pregnancy is declared early (CAF, health insurance) and followed by the PMI.
        return (
            Signal(Theme.PARENTING, P1, "expecting_child", family.CHILD),
            Signal(Theme.PREGNANCY_AND_BABY, P2, "expecting_child", family.CHILD),
        )
    if gave(answers, family.CHILD, family.HAS_CHILD):
        return (
            Signal(Theme.PARENTING, P2, "has_child", family.CHILD),
            Signal(Theme.PREGNANCY_AND_BABY, P2, "has_child", family.CHILD),
        )
    return NONE


def minor(answers: Answers) -> Signals:
    if gave(answers, family.MINOR, "yes"):
        return (Signal(Theme.KNOW_ONE_S_RIGHTS, P2, "minor", family.MINOR),)
    return NONE


RULES: tuple[Rule, ...] = (
    child_welfare,
    parent_or_expecting,
    minor,
)
