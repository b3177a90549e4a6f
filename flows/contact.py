"""Contact an adviser: a topic, a short message (or none), and a request in the advisers' inbox.

The graph is drawn in `contact.mmd`. The youth comes from the menu or
`/conseiller` and picks a topic, or from another flow with the topic already
chosen (`start_contact`: a diagnostic result, the "nothing to eat" route).
"""

from __future__ import annotations

from collections.abc import Mapping

from core.contact import (
    MAX_MESSAGE_LENGTH,
    MessageTooLong,
    check_topic,
    clean_message,
    create_contact_request,
)
from core.i18n import Text, t
from core.models import Site, Youth
from flows import notices
from flows.context import Context
from flows.gate import require_consent
from flows.replies import Button
from flows.routing import ButtonRoute, Command, Flow, MenuEntry, Step

NAME = "contact"
TOPIC = "topic"
MESSAGE = "message"
PREFIX = "ct"
TOPIC_KEY = "contact.topic"
URGENT_KEY = "contact.urgent"
FOOD_PARCEL_TOPIC = "food_parcel"
WORKSHOP_TOPIC = "workshop"
PARTNER_APPOINTMENT_TOPIC = "partner_appointment"
# From the kind message after a missed slot: advisers know to help the youth back in.
MISSED_SLOT_TOPIC = "missed_slot"

# The topics a youth picks from; the keys are what advisers filter their inbox on.
TOPICS: Mapping[str, Text] = {
    "job": t("💼 Emploi, formation"),
    "housing": t("🏠 Logement"),
    "money": t("🍽️ Argent, alimentation"),
    "rights": t("📄 Papiers, droits"),
    "health": t("🩺 Santé"),
    "other": t("💬 Autre chose"),
}
# Topics other flows start with, named so the youth knows what the request is about;
# a topic named nowhere (a diagnostic step's) is sent as it is, without a name shown.
OTHER_TOPIC_NAMES: Mapping[str, Text] = {
    FOOD_PARCEL_TOPIC: t("🥕 Un colis alimentaire"),
    WORKSHOP_TOPIC: t("🧑‍🏫 Un atelier"),
    PARTNER_APPOINTMENT_TOPIC: t("🤝 Un rendez-vous avec un partenaire"),
    MISSED_SLOT_TOPIC: t("📅 Un rendez-vous manqué"),
}
_TOPICS_PER_ROW = 2

TOPIC_PROMPT = t("De quoi veux-tu parler avec ton conseiller\u202f?")
MESSAGE_PROMPT = t(
    "✍️ Écris ton message en quelques mots ({max} caractères au maximum), "
    "ou appuie sur «\u202fPasser\u202f».",
    max=MAX_MESSAGE_LENGTH,
)
# Free text can hold anything: say up front what the advisers never need here.
NO_IDENTIFIERS = t("N’écris pas de numéro de sécurité sociale ni de numéro de papiers.")
SKIP = t("Passer ⏭️")
SENT_TO_SITE = t("✅ C’est envoyé\u202f! Un conseiller de ton site va te recontacter.")
SENT_TO_ANY_SITE = t(
    "✅ C’est envoyé\u202f! Tu n’as pas encore choisi de site\u202f: "
    "les conseillers de la Mission Locale verront quand même ta demande."
)
USUAL_DELAY = t("En général, les conseillers répondent sous 2 jours ouvrés (du lundi au vendredi).")
URGENT_FIRST = t(
    "Pendant les heures d’ouverture, les conseillers voient les demandes urgentes en premier."
)


def contact_flow() -> Flow:
    description = t("parler à un conseiller")
    return Flow(
        name=NAME,
        steps={
            TOPIC: Step(show=_ask_topic),
            MESSAGE: Step(show=_ask_message, on_text=_message_typed),
        },
        commands={
            "conseiller": Command(_open, description, ("fr",)),
            "adviser": Command(_open, description, ("en",)),
        },
        buttons={PREFIX: ButtonRoute(_tapped)},
        menu=(MenuEntry("contact", t("💬 Parler à un conseiller"), 40, _open),),
    )


async def start_contact(ctx: Context, topic: str, *, urgent: bool = False) -> None:
    """Ask for the message of a request on `topic`, after consent if not given yet."""
    _forget(ctx)
    ctx.data[TOPIC_KEY] = check_topic(topic)
    ctx.data[URGENT_KEY] = urgent
    if await require_consent(ctx, resume=(NAME, MESSAGE)) is not None:
        await ctx.go(NAME, MESSAGE)


async def _open(ctx: Context) -> None:
    _forget(ctx)
    if await require_consent(ctx, resume=(NAME, TOPIC)) is not None:
        await ctx.go(NAME, TOPIC)


async def _ask_topic(ctx: Context) -> None:
    buttons = [Button(f"{PREFIX}:topic:{key}", label) for key, label in TOPICS.items()]
    rows = [buttons[i : i + _TOPICS_PER_ROW] for i in range(0, len(buttons), _TOPICS_PER_ROW)]
    ctx.reply(TOPIC_PROMPT, buttons=rows)


async def _ask_message(ctx: Context) -> None:
    topic = _topic(ctx)
    if topic is None:
        await ctx.go(NAME, TOPIC)
        return
    name = TOPICS.get(topic) or OTHER_TOPIC_NAMES.get(topic)
    about = (t("Sujet\u202f: {topic}", topic=name),) if name is not None else ()
    ctx.reply(*about, MESSAGE_PROMPT, NO_IDENTIFIERS, buttons=[Button(f"{PREFIX}:skip", SKIP)])


async def _tapped(ctx: Context) -> None:
    match ctx.button_args:
        case ("topic", key) if key in TOPICS and ctx.step == TOPIC:
            ctx.data[TOPIC_KEY] = key
            ctx.data[URGENT_KEY] = False
            await ctx.go(NAME, MESSAGE)
        case ("skip",) if ctx.step == MESSAGE:
            await _send(ctx, "")
        case _:
            await ctx.reject_button()


async def _message_typed(ctx: Context) -> None:
    try:
        message = clean_message(ctx.text)
    except MessageTooLong as error:
        # The state stays as it is: the youth shortens the message and sends it again.
        await ctx.reshow(
            t(
                "Ton message est trop long\u202f: {length} caractères. "
                "Le maximum est {max}. Raccourcis-le et renvoie-le.",
                length=error.length,
                max=MAX_MESSAGE_LENGTH,
            )
        )
        return
    if not message:
        await ctx.reshow(notices.NOT_UNDERSTOOD)
        return
    await _send(ctx, message)


async def _send(ctx: Context, message: str) -> None:
    topic = _topic(ctx)
    if topic is None:
        await ctx.go(NAME, TOPIC)
        return
    # Consent is checked again: the youth may have erased their data since the question.
    youth = await require_consent(ctx, resume=(NAME, MESSAGE))
    if youth is None:
        return
    urgent = ctx.data.get(URGENT_KEY) is True
    await create_contact_request(
        ctx.session, youth=youth, topic=topic, message=message, urgent=urgent, now=ctx.now
    )
    _forget(ctx)
    site = await youth_site(ctx, youth)
    sent = SENT_TO_SITE if site is not None else SENT_TO_ANY_SITE
    await ctx.show_menu(sent, URGENT_FIRST if urgent else USUAL_DELAY, *site_hours(site))


async def youth_site(ctx: Context, youth: Youth) -> Site | None:
    return await ctx.session.get(Site, youth.site_id) if youth.site_id is not None else None


def site_hours(site: Site | None) -> tuple[Text, ...]:
    """The site's opening hours, as staff typed them, when known."""
    if site is None or not site.opening_hours.strip():
        return ()
    return (t("🕘 Horaires de ton site\u202f: {hours}", hours=site.opening_hours.strip()),)


def _topic(ctx: Context) -> str | None:
    topic = ctx.data.get(TOPIC_KEY)
    return topic if isinstance(topic, str) and topic else None


def _forget(ctx: Context) -> None:
    ctx.data.pop(TOPIC_KEY, None)
    ctx.data.pop(URGENT_KEY, None)
