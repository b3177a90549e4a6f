"""Step 0, asked before anything else: is the youth in an urgent situation today?

Its answers are the `Situation` values, so the flow hands an urgent answer
straight to `core.safety` and stops the questionnaire.
"""

from core.diagnostic.model import Answer, Domain, Question
from core.i18n import t
from core.safety.situations import Situation

TODAY = "safety.today"
ALL_GOOD = "none"

SAFETY = Domain(
    key="safety",
    emoji="🛟",
    title=t("Ta sécurité d’abord"),
    questions=(
        Question(
            TODAY,
            t(
                "Avant de commencer\u202f: aujourd’hui, une de ces situations te concerne\u202f?\n"
                "• Tu n’as pas d’endroit où dormir ce soir.\n"
                "• Tu n’as rien à manger aujourd’hui.\n"
                "• Tu es en danger, quelqu’un te fait du mal.\n"
                "• Tu as envie de mourir ou de te faire du mal."
            ),
            (
                Answer(Situation.NO_SHELTER.value, t("Pas où dormir ce soir")),
                Answer(Situation.NO_FOOD.value, t("Rien à manger aujourd’hui")),
                Answer(Situation.DANGER.value, t("Je suis en danger")),
                Answer(Situation.SUICIDAL.value, t("J’ai envie de mourir")),
                Answer(ALL_GOOD, t("Non, ça va")),
            ),
        ),
    ),
)


def situation_of(answer_key: str) -> Situation | None:
    """The urgent situation an answer to step 0 names, or None ("Non, ça va", unknown)."""
    try:
        return Situation(answer_key)
    except ValueError:
        return None
