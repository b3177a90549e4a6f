"""Answers shared by several questions, so each wording is translated once."""

from core.diagnostic.model import Answer
from core.i18n import t

YES = Answer("yes", t("Oui"))
NO = Answer("no", t("Non"))
UNSURE = Answer("unsure", t("Je ne sais pas"))
EASY = Answer("yes", t("Oui, facile"))
A_BIT_HARD = Answer("a_bit", t("Un peu difficile"))
HARD = Answer("no", t("Non, c’est dur"))
