"""What an urgent situation shows: which helplines, in what order, and the words around them.

Pure rules. The flows pass the situations (from the step-0 answer or from
keywords) and what they know of the youth's age, and render what comes back.
Nothing here asks a question: an urgent answer stops everything else (DESIGN.md §4).

Order, most serious first: suicidal thoughts, danger, no shelter, no food. When
several situations apply, their helplines follow that order, each shown once.

Who gets the 119 (children in danger, and young adults up to 21):
- in danger: always, unless the youth is known to be an adult. Keywords can
  fire before the age question, and a minor must not miss it; the list stays
  short for known adults, whom 17, 112, SMS 114, 3919 and 116 006 cover;
- without a shelter: only a known minor, after the 115, because a minor without
  a roof is a child-protection matter the 115 alone does not settle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.i18n import Text, When, t
from core.safety.helplines import Helpline, helpline_line
from core.safety.situations import Situation

SITUATION_ORDER = (Situation.SUICIDAL, Situation.DANGER, Situation.NO_SHELTER, Situation.NO_FOOD)

CHILD_HELPLINE = "119"
# Helpline ids per situation, in the order to show them.
HELPLINES_FOR: Mapping[Situation, tuple[str, ...]] = {
    # The 3114 listens first; the 15 and the 112 are for an imminent danger.
    Situation.SUICIDAL: ("3114", "15", "112"),
    Situation.DANGER: (
        "17",
        "112",
        "114",
        CHILD_HELPLINE,
        "3919",
        "116006",
    ),
    Situation.NO_SHELTER: ("115", CHILD_HELPLINE),
    # Its route is food, not a helpline.
    Situation.NO_FOOD: (),
}


class UrgentAction(StrEnum):
    """A button the flow attaches to a message; the flow gives it its callback id."""

    ALERT_ADVISER = "alert_adviser"
    BOOK_FOOD_PARCEL = "book_food_parcel"


ACTION_LABELS: Mapping[UrgentAction, Text] = {
    UrgentAction.ALERT_ADVISER: t("🔔 Prévenir mon conseiller"),
    UrgentAction.BOOK_FOOD_PARCEL: t("🥕 Réserver mon colis"),
}

INTROS: Mapping[Situation, Text] = {
    Situation.SUICIDAL: t(
        "Merci de me l’avoir dit. Tu comptes. Des personnes sont là pour t’écouter, "
        "maintenant, jour et nuit."
    ),
    Situation.DANGER: t("Ta sécurité passe avant tout. Si tu es en danger maintenant, appelle."),
    Situation.NO_SHELTER: t("Pour trouver une place où dormir ce soir, appelle tout de suite."),
    Situation.NO_FOOD: t("Tu n’as rien à manger aujourd’hui. Voici ce qui existe dès maintenant."),
}

CLOSED_HOURS = t(
    "🌙 La Mission Locale est fermée la nuit et le week-end. "
    "À ces moments-là, appelle les numéros ci-dessus."
)
FOOD_TODAY = t(
    "🍽️ Aujourd’hui, tu peux manger dans un restaurant solidaire de la Ville de Paris, "
    "avec une carte du CASVP (le centre d’action sociale de Paris). "
    "Il y a aussi des distributions alimentaires gratuites."
)
FOOD_PARCEL_SOMEDAY = t(
    "🥕 Linkee donne des colis alimentaires gratuits le jeudi, dans le 20e. "
    "Ton conseiller peut t’inscrire."
)
FOOD_EMERGENCY_AID = t(
    "💶 Ton conseiller peut aussi demander pour toi une aide d’urgence du FAJP "
    "(le Fonds d’aide aux jeunes de Paris)."
)
ADVISER_ALERT_OFFER = t(
    "Tu veux que je prévienne ton conseiller\u202f? "
    "Il te recontactera dès que la Mission Locale sera ouverte."
)
# After a keyword match: the youth did not ask, and the words may have meant something else.
KEYWORD_NOTICE = t(
    "J’ai préféré te donner ces informations, au cas où. "
    "Si je me suis trompé, continue simplement où tu en étais."
)


def food_parcel_line(next_pickup: datetime | None) -> Text:
    """The next Linkee pickup the youth can book, or where to ask when none is open."""
    if next_pickup is None:
        return FOOD_PARCEL_SOMEDAY
    return t(
        "🥕 Colis alimentaire gratuit de Linkee\u202f: prochaine distribution le {when}, "
        "dans le 20e. Tu peux réserver ta place.",
        when=When(next_pickup, "datetime"),
    )


def _layout(intro: Text | tuple[Text, ...], details: Text | tuple[Text, ...]) -> Text:
    # TRANSLATORS: layout only, an introduction then its details after a blank line.
    return t("{intro}\n\n{details}", intro=intro, details=details)


@dataclass(frozen=True, slots=True)
class UrgentMessage:
    text: Text
    action: UrgentAction | None = None


@dataclass(frozen=True, slots=True)
class UrgentResponse:
    situations: tuple[Situation, ...]  # most serious first
    helplines: tuple[str, ...]  # helpline ids, in the order to show, each once
    food_route: bool  # show today's food options, Linkee and the FAJP
    offer_adviser_alert: bool  # "Prévenir mon conseiller": an urgent contact request

    @property
    def intros(self) -> tuple[Text, ...]:
        return tuple(INTROS[situation] for situation in self.situations)

    @property
    def closed_hours(self) -> Text | None:
        """Why the helplines, not the Mission Locale, are the route at night and weekends."""
        return CLOSED_HOURS if self.helplines else None

    def food_lines(self, next_pickup: datetime | None = None) -> tuple[Text, ...]:
        """Today's options, the next Linkee pickup, and the FAJP through the adviser."""
        if not self.food_route:
            return ()
        return (FOOD_TODAY, food_parcel_line(next_pickup), FOOD_EMERGENCY_AID)


def urgent_response(
    situations: frozenset[Situation], *, minor: bool | None = None
) -> UrgentResponse:
    """What to show for these urgent situations; `minor` is None when the age is unknown."""
    if not situations:
        raise ValueError("an urgent response needs at least one situation")
    ordered = tuple(situation for situation in SITUATION_ORDER if situation in situations)
    helplines: list[str] = []
    for situation in ordered:
        for helpline in HELPLINES_FOR[situation]:
            if helpline == CHILD_HELPLINE and not _shows_child_line(situation, minor):
                continue
            if helpline not in helplines:
                helplines.append(helpline)
    return UrgentResponse(
        situations=ordered,
        helplines=tuple(helplines),
        food_route=Situation.NO_FOOD in situations,
        offer_adviser_alert=True,
    )


def _shows_child_line(situation: Situation, minor: bool | None) -> bool:
    if situation is Situation.DANGER:
        return minor is not False
    return minor is True


def urgent_messages(
    response: UrgentResponse,
    helplines: Mapping[str, Helpline],
    *,
    next_food_pickup: datetime | None = None,
    from_keywords: bool = False,
) -> tuple[UrgentMessage, ...]:
    """The messages to send, in order: the numbers come first, in the first message.

    `helplines` is `load_helplines()`; `next_food_pickup`, the start of the next
    Linkee pickup open to booking, if any; `from_keywords`, whether typed words
    rather than the youth's answer revealed the situations.
    """
    messages: list[UrgentMessage] = []
    helpline_intros = tuple(
        INTROS[situation] for situation in response.situations if situation is not Situation.NO_FOOD
    )
    if response.helplines:
        lines = tuple(helpline_line(helplines[helpline]) for helpline in response.helplines)
        messages.append(UrgentMessage(_layout(helpline_intros, lines)))
        messages.append(UrgentMessage(CLOSED_HOURS))
    if response.food_route:
        today, parcel, aid = response.food_lines(next_food_pickup)
        pickup = UrgentAction.BOOK_FOOD_PARCEL if next_food_pickup is not None else None
        messages += [
            UrgentMessage(_layout(INTROS[Situation.NO_FOOD], today)),
            UrgentMessage(parcel, pickup),
            UrgentMessage(aid),
        ]
    if from_keywords:
        messages.append(UrgentMessage(KEYWORD_NOTICE))
    # Last, so the button that acts stays under the latest message.
    if response.offer_adviser_alert:
        messages.append(UrgentMessage(ADVISER_ALERT_OFFER, UrgentAction.ALERT_ADVISER))
    return tuple(messages)
