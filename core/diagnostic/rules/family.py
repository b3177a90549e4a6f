"""Background and family: child welfare, children, minors."""

from __future__ import annotations

from core.diagnostic.domains import family
from core.diagnostic.rules.common import P1, P2, OneOf, Rule, When
from core.diagnostic.themes import Theme

# Care ends at 18 or 21 and the DIP prepares that exit, so someone still in care acts now.
child_welfare = OneOf(
    When(family.ASE, family.IN_CARE_NOW, "in_care_now", ((Theme.NO_FAMILY_SUPPORT, P1),)),
    When(family.ASE, family.IN_CARE_BEFORE, "left_care", ((Theme.NO_FAMILY_SUPPORT, P2),)),
)
parent_or_expecting = OneOf(
    # A pregnancy is declared early (CAF, health insurance) and followed by the PMI.
    When(
        family.CHILD,
        family.EXPECTING,
        "expecting_child",
        ((Theme.PARENTING, P1), (Theme.PREGNANCY_AND_BABY, P2)),
    ),
    When(
        family.CHILD,
        family.HAS_CHILD,
        "has_child",
        ((Theme.PARENTING, P2), (Theme.PREGNANCY_AND_BABY, P2)),
    ),
)
minor = When(family.MINOR, "yes", "minor", ((Theme.KNOW_ONE_S_RIGHTS, P2),))

RULES: tuple[Rule, ...] = (
    child_welfare,
    parent_or_expecting,
    minor,
)
