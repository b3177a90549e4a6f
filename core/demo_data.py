"""Demonstration data: the sites, partners and weekly programme of a Paris Mission Locale.

Partners and offers are the real ones named in the Mission Locale de Paris reports
(DESIGN.md §3); site names, addresses and timetables are plausible examples for
trying the product, not the Mission Locale's published details.
"""

from dataclasses import dataclass
from datetime import time

from core.models.enums import Modality, SlotKind


@dataclass(frozen=True)
class DemoSite:
    code: str
    name: str
    address: str
    arrondissement: int
    latitude: float
    longitude: float
    opening_hours: str = "Lun–ven 9h30–12h30, 13h30–17h30"


@dataclass(frozen=True)
class DemoPartner:
    code: str
    name: str
    category: str
    description: str


@dataclass(frozen=True)
class DemoPlace:
    name: str
    address: str
    latitude: float
    longitude: float
    # The code of the site whose staff use it most; None for a place every site uses.
    site: str | None = None


@dataclass(frozen=True)
class WeeklyOffer:
    """Something that happens every week (or every other week) at the same local time."""

    kind: SlotKind
    title: str
    title_en: str
    partner: str
    site: str
    weekday: int  # 0 = Monday
    start: time
    end: time
    capacity: int
    topic: str | None = None
    description: str = ""
    what_to_bring: str = ""
    every_other_week: bool = False
    place: DemoPlace | None = None
    modality: Modality = Modality.ON_SITE
    # Individual appointments: the session is cut into slots of this many minutes.
    appointment_minutes: int | None = None


SITES = (
    DemoSite(
        "paris-centre",
        "Mission Locale — site Centre",
        "22 rue Pierre Levée, 75011 Paris",
        11,
        48.8675,
        2.3711,
    ),
    DemoSite(
        "paris-nord",
        "Mission Locale — site Nord",
        "52 rue Riquet, 75018 Paris",
        18,
        48.8912,
        2.3600,
    ),
    DemoSite(
        "paris-est",
        "Mission Locale — site Est",
        "21 rue Ramponeau, 75020 Paris",
        20,
        48.8716,
        2.3810,
    ),
    DemoSite(
        "paris-sud",
        "Mission Locale — site Sud",
        "14 rue du Chevaleret, 75013 Paris",
        13,
        48.8322,
        2.3711,
    ),
    DemoSite(
        "paris-ouest",
        "Mission Locale — site Ouest",
        "9 rue Péclet, 75015 Paris",
        15,
        48.8420,
        2.2990,
    ),
    DemoSite(
        "paris-belleville",
        "Mission Locale — site Belleville",
        "9 rue de Tanger, 75019 Paris",
        19,
        48.8842,
        2.3740,
    ),
    DemoSite(
        "paris-gare-de-lyon",
        "Mission Locale — site Gare de Lyon",
        "5 rue de Prague, 75012 Paris",
        12,
        48.8490,
        2.3760,
    ),
    DemoSite(
        "paris-batignolles",
        "Mission Locale — site Batignolles",
        "10 rue des Moines, 75017 Paris",
        17,
        48.8890,
        2.3200,
    ),
)

PARTNERS = (
    DemoPartner(
        "linkee",
        "Linkee",
        "food",
        "Colis alimentaires gratuits pour les jeunes, le jeudi dans le 20e.",
    ),
    DemoPartner(
        "sauvegarde-adolescence",
        "Sauvegarde de l'adolescence",
        "housing",
        "Atelier logement : chercher un logement, un foyer, une résidence jeunes.",
    ),
    DemoPartner(
        "mission-emploi-action",
        "Mission Emploi Action",
        "employment",
        "Coaching CV et entretien d'embauche.",
    ),
    DemoPartner(
        "cravate-solidaire",
        "Cravate Solidaire",
        "employment",
        "Conseil en image, simulation d'entretien, don de tenue, photo de CV.",
    ),
    DemoPartner(
        "emmaus-connect",
        "Emmaüs Connect",
        "digital",
        "Téléphone, forfait, ordinateur et recharges solidaires.",
    ),
    DemoPartner("la-banque-postale", "La Banque Postale", "money", "Ouvrir un compte bancaire."),
    DemoPartner(
        "apaso",
        "APASO — permanence juridique",
        "legal",
        "Juriste : titre de séjour, droits, démarches. Six demi-journées par mois.",
    ),
    DemoPartner(
        "casvp",
        "CASVP — services sociaux",
        "social",
        "Aides sociales de la Ville de Paris, cartes restaurants solidaires.",
    ),
    DemoPartner(
        "sij-paj",
        "SIJ / PAJ (ANRS)",
        "housing",
        "Jeunes sans logement ou en risque de rupture : accueil et orientation.",
    ),
    DemoPartner(
        "mission-locale",
        "Mission Locale de Paris",
        "mission-locale",
        "Ateliers animés par les conseillers et conseillères.",
    ),
)

LINKEE_POINT = DemoPlace("Point de distribution Linkee", "75020 Paris", 48.8655, 2.3985)

# The places staff pick for a slot (`core.places`): each site's own rooms, and the
# Linkee distribution point, shared by every site.
PLACES = (
    *(
        DemoPlace(site.name, site.address, site.latitude, site.longitude, site.code)
        for site in SITES
    ),
    LINKEE_POINT,
)

WEEKLY_OFFERS = (
    WeeklyOffer(
        SlotKind.FOOD_PARCEL,
        "Colis alimentaire Linkee",
        "Linkee food parcel",
        "linkee",
        "paris-est",
        3,
        time(14, 0),
        time(16, 0),
        40,
        description="Légumes, fruits, pâtes, plats préparés, laitages.",
        what_to_bring="Deux grands sacs solides.",
        place=LINKEE_POINT,
    ),
    WeeklyOffer(
        SlotKind.WORKSHOP,
        "Atelier logement",
        "Housing workshop",
        "sauvegarde-adolescence",
        "paris-centre",
        1,
        time(10, 0),
        time(12, 0),
        12,
        topic="housing",
        description="Foyer, FJT, résidence jeunes : comment faire une demande.",
        what_to_bring="Une pièce d'identité si tu en as une.",
        every_other_week=True,
    ),
    WeeklyOffer(
        SlotKind.WORKSHOP,
        "Coaching CV et entretien",
        "CV and interview coaching",
        "mission-emploi-action",
        "paris-nord",
        0,
        time(14, 0),
        time(16, 0),
        10,
        topic="cv",
        description="Faire ou refaire ton CV, préparer un entretien.",
        what_to_bring="Ton CV si tu en as un (papier ou sur ton téléphone).",
    ),
    WeeklyOffer(
        SlotKind.WORKSHOP,
        "Conseil en image et simulation d'entretien",
        "Image advice and interview practice",
        "cravate-solidaire",
        "paris-centre",
        2,
        time(10, 0),
        time(12, 0),
        8,
        topic="image",
        description="Conseils tenue, simulation d'entretien, photo de CV, don de vêtements.",
    ),
    WeeklyOffer(
        SlotKind.WORKSHOP,
        "Atelier numérique : démarches en ligne",
        "Digital skills workshop",
        "mission-locale",
        "paris-est",
        4,
        time(10, 0),
        time(12, 0),
        10,
        topic="digital",
        description="Créer une adresse mail, utiliser France Connect, envoyer un document.",
        what_to_bring="Ton téléphone chargé.",
    ),
    WeeklyOffer(
        SlotKind.WORKSHOP,
        "Atelier budget",
        "Budget workshop",
        "mission-locale",
        "paris-sud",
        1,
        time(14, 0),
        time(15, 30),
        10,
        topic="budget",
        description="Gérer son argent, ses factures, éviter les dettes.",
        every_other_week=True,
    ),
    WeeklyOffer(
        SlotKind.APPOINTMENT,
        "Rendez-vous Emmaüs Connect",
        "Emmaüs Connect appointment",
        "emmaus-connect",
        "paris-est",
        1,
        time(14, 0),
        time(17, 0),
        1,
        topic="digital",
        description="Téléphone, forfait ou ordinateur à petit prix.",
        what_to_bring="Ton téléphone si tu en as un.",
        appointment_minutes=30,
    ),
    WeeklyOffer(
        SlotKind.APPOINTMENT,
        "Rendez-vous La Banque Postale",
        "La Banque Postale appointment",
        "la-banque-postale",
        "paris-centre",
        3,
        time(10, 0),
        time(12, 0),
        1,
        topic="money",
        description="Ouvrir un compte bancaire.",
        what_to_bring="Pièce d'identité ou titre de séjour, justificatif d'adresse ou "
        "attestation de domiciliation.",
        appointment_minutes=30,
    ),
    WeeklyOffer(
        SlotKind.APPOINTMENT,
        "Permanence juridique APASO",
        "APASO legal advice",
        "apaso",
        "paris-nord",
        2,
        time(14, 0),
        time(17, 0),
        1,
        topic="legal",
        description="Titre de séjour, droits, litiges : un juriste te conseille.",
        what_to_bring="Tes papiers et courriers liés à ta question.",
        appointment_minutes=45,
    ),
    WeeklyOffer(
        SlotKind.APPOINTMENT,
        "Rendez-vous services sociaux (CASVP)",
        "Social services appointment (CASVP)",
        "casvp",
        "paris-sud",
        4,
        time(9, 30),
        time(11, 30),
        1,
        topic="social",
        modality=Modality.PHONE,
        description="Aides de la Ville, complémentaire santé, cartes restaurants solidaires.",
        appointment_minutes=30,
    ),
)
