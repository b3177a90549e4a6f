"""Digital: a phone with data, a computer, ease with procedures done online."""

from core.diagnostic.domains.common import A_BIT_HARD, EASY, HARD, NO, YES
from core.diagnostic.model import Answer, Domain, Question
from core.i18n import t

PHONE = "digital.phone"
COMPUTER = "digital.computer"
ONLINE = "digital.online"

NO_PLAN = "no_plan"
NO_PHONE = "no_phone"

DIGITAL = Domain(
    key="digital",
    emoji="📱",
    title=t("Numérique"),
    questions=(
        Question(
            PHONE,
            t("As-tu un téléphone avec internet\u202f?"),
            (
                YES,
                Answer(NO_PLAN, t("Oui, mais sans forfait")),
                Answer(NO_PHONE, t("Pas de téléphone")),
            ),
        ),
        Question(COMPUTER, t("As-tu accès à un ordinateur\u202f?"), (YES, NO)),
        Question(
            ONLINE,
            t("Faire une démarche en ligne (CAF, France Travail…), c’est facile pour toi\u202f?"),
            (EASY, A_BIT_HARD, HARD),
        ),
    ),
)
