"""Background and family: child welfare (ASE), children, being a minor."""

from core.diagnostic.domains.common import NO, YES
from core.diagnostic.model import Answer, Domain, Question
from core.i18n import t

ASE = "family.ase"
CHILD = "family.child"
MINOR = "family.minor"

IN_CARE_NOW = "now"
IN_CARE_BEFORE = "before"
HAS_CHILD = "has_child"
EXPECTING = "expecting"

FAMILY = Domain(
    key="family",
    emoji="👪",
    title=t("Parcours et famille"),
    questions=(
        Question(
            ASE,
            t("As-tu été suivi·e par l’ASE (l’aide sociale à l’enfance)\u202f?"),
            (
                Answer(IN_CARE_NOW, t("Oui, en ce moment")),
                Answer(IN_CARE_BEFORE, t("Oui, avant")),
                NO,
            ),
        ),
        Question(
            CHILD,
            t("As-tu un enfant, ou en attends-tu un\u202f?"),
            (
                Answer(HAS_CHILD, t("J’ai un enfant")),
                Answer(EXPECTING, t("J’en attends un")),
                NO,
            ),
        ),
        Question(MINOR, t("As-tu moins de 18 ans\u202f?"), (YES, NO)),
    ),
)
