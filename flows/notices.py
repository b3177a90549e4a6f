"""The engine's own words: the menu question and the kind answers to the unexpected."""

from core.i18n import t

MENU_PROMPT = t("Que veux-tu faire\u202f?")
STALE_BUTTON = t("Ce bouton n’est plus valide.")
UNKNOWN_COMMAND = t("Je ne connais pas cette commande. Tape /aide pour voir ce que je sais faire.")
NOT_UNDERSTOOD = t("Je n’ai pas compris. Utilise les boutons ci-dessous 👇")
UNSUPPORTED = t("Je sais lire seulement le texte et les boutons.")
SOMETHING_WENT_WRONG = t("Oups, il y a eu un problème de mon côté. Réessaie dans un instant.")
