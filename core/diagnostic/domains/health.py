"""Health and mood: how the last two weeks felt, care out of reach, worrying use.

The suicide question is asked directly, but only after one of the two lowest
faces: asking plainly does not put the idea in anyone's head, and it is how
the 3114 is reached in time.
"""

from core.diagnostic.domains.common import NO, YES
from core.diagnostic.model import Answer, Domain, Question, answered_as
from core.i18n import t

MOOD = "health.mood"
SUICIDE = "health.suicide"
CARE = "health.care"
USE = "health.use"

GREAT = "great"
GOOD = "good"
SO_SO = "so_so"
LOW = "low"
VERY_LOW = "very_low"
BOTTOM_FACES = (LOW, VERY_LOW)
A_LITTLE = "a_bit"

HEALTH = Domain(
    key="health",
    emoji="🩺",
    title=t("Santé et moral"),
    questions=(
        Question(
            MOOD,
            t("Ces deux dernières semaines, comment tu te sens\u202f?\n😄 très bien … 😢 très mal"),
            (
                # TRANSLATORS: a face alone on a button; keep it as it is.
                Answer(GREAT, t("😄")),
                Answer(GOOD, t("🙂")),
                Answer(SO_SO, t("😐")),
                Answer(LOW, t("😟")),
                Answer(VERY_LOW, t("😢")),
            ),
        ),
        Question(
            SUICIDE,
            t(
                "Merci de me le dire. Je te pose une question directe, parce que c’est "
                "important\u202f: est-ce que tu penses au suicide, ou à te faire du mal\u202f?"
            ),
            (YES, NO),
            ask_if=answered_as(MOOD, *BOTTOM_FACES),
        ),
        Question(
            CARE,
            t("As-tu un problème de santé que tu n’arrives pas à faire soigner\u202f?"),
            (YES, NO),
        ),
        Question(
            USE,
            t("Ta consommation d’alcool ou de drogues t’inquiète\u202f?"),
            (YES, Answer(A_LITTLE, t("Un peu")), NO),
        ),
    ),
)
