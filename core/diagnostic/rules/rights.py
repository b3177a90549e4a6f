"""Rights and papers: residence papers, health cover, turning 25 without income."""

from __future__ import annotations

from core.diagnostic.domains import rights
from core.diagnostic.rules.common import P1, P2, OneOf, Rule, When
from core.diagnostic.themes import Theme

papers_problem = OneOf(
    When(rights.PAPERS, rights.EXPIRES_SOON, "papers_expire_soon", ((Theme.LEGAL_HELP, P1),)),
    When(rights.PAPERS, rights.MISSING, "papers_missing", ((Theme.LEGAL_HELP, P1),)),
)
no_topup_cover = OneOf(
    # No cover at all: any care is paid in full, so it cannot wait for the next meeting.
    When(rights.HEALTH_COVER, rights.NEITHER, "no_health_cover", ((Theme.MEDICAL_COSTS, P1),)),
    When(rights.HEALTH_COVER, rights.VITALE_ONLY, "no_topup_cover", ((Theme.MEDICAL_COSTS, P2),)),
    When(rights.HEALTH_COVER, "unsure", "health_cover_unknown", ((Theme.MEDICAL_COSTS, P2),)),
)
turning_25_without_income = When(
    rights.AGE_25, "yes", "turning_25_no_income", ((Theme.FINANCIAL_AID, P2),)
)

RULES: tuple[Rule, ...] = (
    papers_problem,
    no_topup_cover,
    turning_25_without_income,
)
