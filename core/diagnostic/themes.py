"""The needs a diagnostic can reveal, keyed by data·inclusion's national list of themes.

Using the national codes (`category--subcategory`) as our internal keys means a
need found here reads the same in other French inclusion tools (Soliguide,
DORA, the data·inclusion API), so an adviser or a later integration can look up
services for it without a translation table. Only the themes the diagnostic
uses are listed; add others from the national list, never invent codes.
"""

from enum import StrEnum


class Theme(StrEnum):
    """A need, as its data·inclusion theme code."""

    # Housing
    HOMELESS = "logement-hebergement--mal-loges-sans-logis"
    HOUSING_SUPPORT = "logement-hebergement--etre-accompagne-pour-se-loger"
    TEMPORARY_SHELTER = "logement-hebergement--rechercher-une-solution-dhebergement-temporaire"

    # Food and money
    FOOD_AID = "gestion-financiere--obtenir-une-aide-alimentaire"
    FOOD = "equipement-et-alimentation--alimentation"
    FINANCIAL_AID = "gestion-financiere--beneficier-daides-financieres"
    BANK_ACCOUNT = "gestion-financiere--creation-et-utilisation-dun-compte-bancaire"
    BUDGET = "gestion-financiere--apprendre-a-gerer-son-budget"

    # Rights and papers
    ADMINISTRATIVE_HELP = (
        "acces-aux-droits-et-citoyennete--accompagnement-dans-les-demarches-administratives"
    )
    LEGAL_HELP = "acces-aux-droits-et-citoyennete--accompagnement-juridique"
    KNOW_ONE_S_RIGHTS = "acces-aux-droits-et-citoyennete--connaitre-ses-droits"
    VICTIM_SUPPORT = "acces-aux-droits-et-citoyennete--aide-aux-victimes"

    # Health and mood
    MEDICAL_COSTS = "sante--obtenir-la-prise-en-charge-de-frais-medicaux"
    ACCESS_TO_CARE = "sante--acces-aux-soins"
    MENTAL_HEALTH = "sante--sante-mentale"
    WELLBEING = "sante--bien-etre-psychologique"
    CONFIDENCE = "remobilisation--bien-etre-confiance-en-soi"
    ADDICTION = "sante--faire-face-a-une-situation-daddiction"

    # Digital
    DIGITAL_EQUIPMENT = "numerique--acceder-a-du-materiel"
    INTERNET_ACCESS = "numerique--acceder-a-une-connexion-internet"
    ONLINE_PROCEDURES = "numerique--realiser-des-demarches-administratives-avec-un-accompagnement"

    # Job and training
    SUPPORT_PATHWAY = (
        "accompagnement-social-et-professionnel-personnalise"
        "--parcours-d-insertion-socioprofessionnel"
    )
    CAREER_PROJECT = (
        "accompagnement-social-et-professionnel-personnalise--definition-du-projet-professionnel"
    )
    TRAINING = "se-former--trouver-sa-formation"
    CV = "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation"
    JOB_INTERVIEW = "trouver-un-emploi--convaincre-un-recruteur-en-entretien"

    # Background and family
    NO_FAMILY_SUPPORT = "famille--jeunes-sans-soutien-familial"
    PARENTING = "famille--soutien-a-la-parentalite"
    PREGNANCY_AND_BABY = "famille--accompagnement-femme-enceinte-bebe-jeune-enfant"

    # Mobility and language
    MOBILITY_COSTS = "mobilite--financer-ma-mobilite"
    DRIVING_LICENCE = "mobilite--preparer-un-permis-de-conduire"
    FRENCH = "apprendre-francais--communiquer-vie-tous-les-jours"
