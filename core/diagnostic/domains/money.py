"""Food and money: income this month, skipped meals, a bank account."""

from core.diagnostic.domains.common import NO, YES
from core.diagnostic.model import Answer, Domain, Question
from core.i18n import t

INCOME = "money.income"
MEALS = "money.meals"
BANK = "money.bank"

NO_INCOME = "none"
LITTLE_INCOME = "little"
REGULAR_INCOME = "regular"
OFTEN = "often"
SOMETIMES = "sometimes"
NEVER = "never"

MONEY = Domain(
    key="money",
    emoji="💶",
    title=t("Argent et repas"),
    questions=(
        Question(
            INCOME,
            t("Ce mois-ci, est-ce que tu as des revenus\u202f?"),
            (
                Answer(NO_INCOME, t("Aucun revenu")),
                Answer(LITTLE_INCOME, t("Un peu")),
                Answer(REGULAR_INCOME, t("Salaire ou allocation")),
            ),
        ),
        Question(
            MEALS,
            t("Il t’arrive de sauter des repas parce que tu manques d’argent\u202f?"),
            (
                Answer(OFTEN, t("Souvent")),
                Answer(SOMETIMES, t("Parfois")),
                Answer(NEVER, t("Jamais")),
            ),
        ),
        Question(BANK, t("As-tu un compte bancaire à ton nom\u202f?"), (YES, NO)),
    ),
)
