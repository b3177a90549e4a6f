"""Housing: where the youth sleeps, whether that may end soon, and where mail can reach them."""

from core.diagnostic.domains.common import NO, UNSURE, YES
from core.diagnostic.model import Answer, Domain, Question, not_answered_as
from core.i18n import t

SLEEP = "housing.sleep"
LEAVE = "housing.leave"
MAIL = "housing.mail"

PARENTS = "parents"
FAMILY_FRIENDS = "family_friends"
FOYER = "foyer"
OWN_PLACE = "own"
HOTEL_115 = "hotel_115"
STREET = "street"

HOUSING = Domain(
    key="housing",
    emoji="🏠",
    title=t("Logement"),
    questions=(
        Question(
            SLEEP,
            t("Où est-ce que tu dors en ce moment\u202f?"),
            (
                Answer(PARENTS, t("Chez mes parents")),
                Answer(FAMILY_FRIENDS, t("Famille ou amis")),
                Answer(FOYER, t("Foyer ou FJT")),
                Answer(OWN_PLACE, t("Mon propre logement")),
                Answer(HOTEL_115, t("Hôtel ou 115")),
                Answer(STREET, t("Rue, squat ou voiture")),
            ),
        ),
        Question(
            LEAVE,
            t("Est-ce que tu risques de devoir partir d’ici un mois\u202f?"),
            (YES, UNSURE, NO),
            # Someone sleeping outside has nothing to leave; the 115 comes first.
            ask_if=not_answered_as(SLEEP, STREET),
        ),
        Question(
            MAIL,
            t("As-tu une adresse où recevoir ton courrier\u202f?"),
            (YES, NO),
        ),
    ),
)
