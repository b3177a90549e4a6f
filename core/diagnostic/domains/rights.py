"""Rights and papers: identity or residence papers, health cover, turning 25 without income.

Only whether papers are valid is asked: never a number, never a document.
"""

from core.diagnostic.domains.common import NO, UNSURE, YES
from core.diagnostic.model import Answer, Domain, Question
from core.i18n import t

PAPERS = "rights.papers"
HEALTH_COVER = "rights.health_cover"
AGE_25 = "rights.age_25"

VALID = "valid"
EXPIRES_SOON = "expires_soon"
MISSING = "missing"
BOTH = "both"
VITALE_ONLY = "vitale_only"
NEITHER = "neither"

RIGHTS = Domain(
    key="rights",
    emoji="🪪",
    title=t("Droits et papiers"),
    questions=(
        Question(
            PAPERS,
            t("Ta carte d’identité ou ton titre de séjour est-il valide\u202f?"),
            (
                Answer(VALID, t("Oui, valide")),
                Answer(EXPIRES_SOON, t("Il expire bientôt")),
                Answer(MISSING, t("Non, ou je l’ai perdu")),
            ),
        ),
        Question(
            HEALTH_COVER,
            t("As-tu la carte Vitale et une complémentaire santé (mutuelle)\u202f?"),
            (
                Answer(BOTH, t("Oui, les deux")),
                Answer(VITALE_ONLY, t("Carte Vitale seulement")),
                Answer(NEITHER, t("Ni l’une ni l’autre")),
                UNSURE,
            ),
        ),
        Question(AGE_25, t("As-tu 25 ans, ou presque, sans aucun revenu\u202f?"), (YES, NO)),
    ),
)
