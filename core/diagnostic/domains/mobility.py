"""Mobility and language: a travel pass or licence, reading French, wanting an interpreter."""

from core.diagnostic.domains.common import A_BIT_HARD, EASY, HARD, NO, YES
from core.diagnostic.model import Answer, Domain, Question, answered_as
from core.i18n import t

TRANSPORT = "mobility.transport"
FRENCH = "mobility.french"
INTERPRETER = "mobility.interpreter"

TRAVEL_CARD = "pass"
LICENCE = "licence"
BOTH = "both"
NEITHER = "neither"

MOBILITY = Domain(
    key="mobility",
    emoji="🚇",
    title=t("Transports et langue"),
    questions=(
        Question(
            TRANSPORT,
            t("As-tu un pass de transport (Navigo…) ou le permis de conduire\u202f?"),
            (
                Answer(TRAVEL_CARD, t("Un pass de transport")),
                Answer(LICENCE, t("Le permis")),
                Answer(BOTH, t("Les deux")),
                Answer(NEITHER, t("Aucun des deux")),
            ),
        ),
        Question(
            FRENCH,
            t("Lire un courrier en français, c’est facile pour toi\u202f?"),
            (EASY, A_BIT_HARD, HARD),
        ),
        Question(
            INTERPRETER,
            t("Veux-tu un·e interprète à tes rendez-vous\u202f?"),
            (Answer(YES.key, t("Je veux un·e interprète")), Answer(NO.key, t("Non merci"))),
            # Whoever reads French easily is not asked; the flag lands on their bookings.
            ask_if=answered_as(FRENCH, A_BIT_HARD.key, HARD.key),
        ),
    ),
)
