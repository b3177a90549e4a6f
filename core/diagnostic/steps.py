"""The next steps a diagnostic can recommend: what each says and what it does.

A step is one of four actions the flows know how to offer:
- `BookAction`: a booking list (a workshop, the Linkee food parcel, a partner appointment);
- `ContactAdviserAction`: a contact request to the youth's adviser on a topic;
- `HelplineAction`: a helpline from `core/safety/helplines.json`, its number shown in the text;
- `InfoAction`: something to know, explained in the step's detail.

Partner codes and workshop topics are those of the sites' slots (`core/demo_data.py`).
Titles are short (they may become buttons); details explain in one or two
plain sentences, and name CEJ, PACEA or CSS only with a one-line explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from core.i18n import Text, t
from core.models.enums import SlotKind


@dataclass(frozen=True, slots=True)
class BookAction:
    """Open the booking list of this kind, narrowed to a workshop topic and/or a partner."""

    kind: SlotKind
    topic: str | None = None
    partner_code: str | None = None


@dataclass(frozen=True, slots=True)
class ContactAdviserAction:
    """Ask an adviser to get in touch about `topic` (becomes `ContactRequest.topic`)."""

    topic: str
    urgent: bool = False


@dataclass(frozen=True, slots=True)
class HelplineAction:
    """Show this helpline (an id of `core/safety/helplines.json`), its number in the text."""

    helpline_id: str


@dataclass(frozen=True, slots=True)
class InfoAction:
    """Nothing to book: the step's detail says what to know or do."""

    topic: str


Action: TypeAlias = BookAction | ContactAdviserAction | HelplineAction | InfoAction


@dataclass(frozen=True, slots=True)
class Step:
    """What a step says and does, whatever the need that leads to it."""

    title: Text
    detail: Text
    action: Action


def _book(kind: SlotKind, topic: str | None = None, partner: str | None = None) -> BookAction:
    return BookAction(kind, topic, partner)


WORKSHOP, PARCEL, APPOINTMENT = SlotKind.WORKSHOP, SlotKind.FOOD_PARCEL, SlotKind.APPOINTMENT

STEPS: dict[str, Step] = {
    # Helplines: the number itself comes from the helplines file, shown by the flow.
    "call_115": Step(
        t("Appeler le 115"),
        t("Le 115 t’aide à trouver un endroit où dormir ce soir, même sans crédit."),
        HelplineAction("115"),
    ),
    "call_17": Step(
        t("Appeler le 17 ou le 112"),
        t(
            "Si tu es en danger maintenant, appelle. "
            "Si tu ne peux pas parler, envoie un SMS au 114."
        ),
        HelplineAction("17"),
    ),
    "call_3114": Step(
        t("Appeler le 3114"),
        t(
            "Quelqu’un t’écoute, à tout moment. "
            "Si tu es en danger tout de suite\u202f: le 15 ou le 112."
        ),
        HelplineAction("3114"),
    ),
    "fil_sante_jeunes": Step(
        t("Parler à Fil Santé Jeunes"),
        t("Des professionnels t’écoutent, gratuitement, sans que tu donnes ton nom."),
        HelplineAction("fil-sante-jeunes"),
    ),
    "drogues_info_service": Step(
        t("Parler à Drogues Info Service"),
        t("On t’écoute sans te juger\u202f: alcool, cannabis ou autres produits. C’est anonyme."),
        HelplineAction("drogues-info-service"),
    ),
    "call_119": Step(
        t("Le 119, si tu es en danger"),
        t("Le 119 écoute les jeunes en danger, ou inquiets pour un autre jeune. C’est gratuit."),
        HelplineAction("119"),
    ),
    # Food and money
    "food_today": Step(
        t("Manger aujourd’hui"),
        t(
            "Les restaurants solidaires de la Ville de Paris et les distributions alimentaires "
            "peuvent t’aider dès aujourd’hui."
        ),
        InfoAction("food_today"),
    ),
    "linkee_parcel": Step(
        t("Un colis alimentaire gratuit"),
        t("Avec Linkee, le jeudi dans le 20e\u202f: légumes, fruits, pâtes, plats préparés."),
        _book(PARCEL, partner="linkee"),
    ),
    "fajp": Step(
        t("Une aide d’urgence (FAJP)"),
        t(
            "Le fonds d’aide aux jeunes de Paris donne une aide rapide. "
            "Ton conseiller fait la demande avec toi."
        ),
        ContactAdviserAction("fajp"),
    ),
    "meal_cards": Step(
        t("Des repas à petit prix"),
        t(
            "Les services sociaux de la Ville (CASVP) donnent une carte "
            "pour manger dans les restaurants solidaires."
        ),
        _book(APPOINTMENT, "social", "casvp"),
    ),
    "bank_account": Step(
        t("Ouvrir un compte bancaire"),
        t("Un rendez-vous avec La Banque Postale pour ouvrir un compte à ton nom."),
        _book(APPOINTMENT, "money", "la-banque-postale"),
    ),
    "budget_workshop": Step(
        t("L’atelier budget"),
        t("Pour gérer ton argent et tes factures, et éviter les dettes."),
        _book(WORKSHOP, "budget"),
    ),
    # Housing
    "housing_workshop": Step(
        t("L’atelier logement"),
        t(
            "Pour chercher un foyer, un FJT ou une résidence jeunes, "
            "avec la Sauvegarde de l’adolescence."
        ),
        _book(WORKSHOP, "housing", "sauvegarde-adolescence"),
    ),
    "sij_paj": Step(
        t("Un service logement pour les jeunes"),
        t(
            "Ton conseiller peut t’orienter vers le SIJ ou le PAJ, "
            "qui aident les jeunes sans logement stable."
        ),
        ContactAdviserAction("sij-paj"),
    ),
    "domiciliation": Step(
        t("Une adresse pour ton courrier"),
        t(
            "Sans adresse, tu peux recevoir ton courrier au CCAS\u202f: c’est la domiciliation. "
            "Ton conseiller t’explique comment faire."
        ),
        ContactAdviserAction("domiciliation"),
    ),
    # Rights and health
    "apaso_legal": Step(
        t("Voir un juriste (APASO)"),
        t("Un juriste t’aide pour ton titre de séjour, tes papiers ou tes droits. C’est gratuit."),
        _book(APPOINTMENT, "legal", "apaso"),
    ),
    "css": Step(
        t("La CSS, pour tes soins"),
        t(
            "La CSS (complémentaire santé solidaire) paie tes soins, gratuitement ou presque. "
            "Les services sociaux t’aident à la demander."
        ),
        _book(APPOINTMENT, "social", "casvp"),
    ),
    "rsa": Step(
        t("Le RSA, dès 25 ans"),
        t(
            "Le RSA est un revenu minimum, à partir de 25 ans. "
            "Ton conseiller t’oriente vers les services sociaux pour le demander."
        ),
        ContactAdviserAction("rsa"),
    ),
    "care_access": Step(
        t("Te soigner, même sans argent"),
        t(
            "Les PASS des hôpitaux et les centres de santé soignent même sans couverture. "
            "Ton conseiller peut t’aider."
        ),
        InfoAction("care_access"),
    ),
    "wellbeing_offer": Step(
        t("Parler de comment tu te sens"),
        t(
            "Ton conseiller peut te proposer de parler à un·e psychologue, "
            "ou des activités pour aller mieux."
        ),
        ContactAdviserAction("wellbeing"),
    ),
    # Digital, job and training
    "emmaus_connect": Step(
        t("Téléphone, forfait\u202f: Emmaüs Connect"),
        t("Emmaüs Connect propose téléphones, forfaits, ordinateurs et recharges à petit prix."),
        _book(APPOINTMENT, "digital", "emmaus-connect"),
    ),
    "digital_workshop": Step(
        t("L’atelier numérique"),
        t("Pour apprendre à faire tes démarches en ligne\u202f: e-mail, FranceConnect, documents."),
        _book(WORKSHOP, "digital"),
    ),
    "cv_workshop": Step(
        t("L’atelier CV et entretien"),
        t("Avec Mission Emploi Action\u202f: faire ton CV et préparer un entretien d’embauche."),
        _book(WORKSHOP, "cv", "mission-emploi-action"),
    ),
    "image_workshop": Step(
        t("Conseil en image et tenue"),
        t("Avec Cravate Solidaire\u202f: simulation d’entretien, conseils de tenue, photo de CV."),
        _book(WORKSHOP, "image", "cravate-solidaire"),
    ),
    "cej_pacea": Step(
        t("Un accompagnement\u202f: CEJ ou PACEA"),
        t(
            "Le CEJ (contrat d’engagement jeune)\u202f: 6 à 12 mois d’accompagnement intensif, "
            "avec une allocation chaque mois.\n"
            "Le PACEA\u202f: un parcours suivi avec ton conseiller, "
            "avec parfois une aide financière.\n"
            "Parles-en avec ton conseiller."
        ),
        ContactAdviserAction("cej-pacea"),
    ),
    # Background, family, mobility and language
    "dip": Step(
        t("Le programme DIP, après l’ASE"),
        t(
            "6 mois d’accompagnement renforcé pour les jeunes suivis par l’ASE "
            "ou qui en sont sortis. Parles-en avec ton conseiller."
        ),
        ContactAdviserAction("dip"),
    ),
    "caf_pmi": Step(
        t("La CAF et la PMI"),
        t(
            "La CAF verse des aides aux parents. "
            "La PMI suit gratuitement la grossesse et les enfants."
        ),
        InfoAction("caf_pmi"),
    ),
    "young_parents": Step(
        t("Un soutien pour jeunes parents"),
        t(
            "Ton conseiller peut t’orienter vers un accompagnement pour jeunes parents, "
            "comme le SEAPPE pour les jeunes mamans."
        ),
        ContactAdviserAction("young-parents"),
    ),
    "transport_fares": Step(
        t("Des transports moins chers"),
        t(
            "Selon ta situation, tu peux payer les transports moins cher, ou pas du tout. "
            "Ton conseiller te dit comment."
        ),
        InfoAction("transport_fares"),
    ),
    "licence_aid": Step(
        t("Des aides pour le permis"),
        t("Des aides existent pour payer le permis de conduire. Parles-en avec ton conseiller."),
        InfoAction("licence_aid"),
    ),
    "french_classes": Step(
        t("Des cours de français"),
        t(
            "Il existe des cours gratuits près de chez toi. "
            "Ton conseiller peut t’aider à t’inscrire."
        ),
        InfoAction("french_classes"),
    ),
}
