"""Job and training: what the youth does now, their goal, their last diploma."""

from core.diagnostic.model import Answer, Domain, Question
from core.i18n import t

NOW = "job.now"
GOAL = "job.goal"
DIPLOMA = "job.diploma"

STUDYING = "studying"
WORKING = "working"
IN_TRAINING = "training"
NOTHING_YET = "nothing"
WORK_FAST = "work_fast"
GET_TRAINING = "training"
FIND_PROJECT = "project"
APPRENTICESHIP = "apprenticeship"

JOB = Domain(
    key="job",
    emoji="💼",
    title=t("Emploi et formation"),
    questions=(
        Question(
            NOW,
            t("Qu’est-ce que tu fais en ce moment\u202f?"),
            (
                Answer(STUDYING, t("Je fais des études")),
                Answer(WORKING, t("Je travaille")),
                Answer(IN_TRAINING, t("Je suis en formation")),
                Answer(NOTHING_YET, t("Rien pour l’instant")),
            ),
        ),
        Question(
            GOAL,
            t("Quel est ton objectif\u202f?"),
            (
                Answer(WORK_FAST, t("Travailler vite")),
                Answer(GET_TRAINING, t("Me former")),
                Answer(FIND_PROJECT, t("Trouver mon projet")),
                Answer(APPRENTICESHIP, t("Une alternance")),
            ),
        ),
        Question(
            DIPLOMA,
            t("Quel est ton dernier diplôme\u202f?"),
            (
                Answer("none", t("Aucun")),
                Answer("brevet", t("Brevet")),
                Answer("cap_bep", t("CAP ou BEP")),
                Answer("bac", t("Bac")),
                Answer("higher", t("Après le bac")),
                Answer("foreign", t("Diplôme d’un autre pays")),
            ),
        ),
    ),
)
