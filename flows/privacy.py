"""The youth's own data: see all of it (/mesdonnees) or erase it (/supprimer).

The graph is drawn in `privacy.mmd`. Both work with or without current consent:
seeing and erasing one's data is a right, not a service behind the gate.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from core.erasure import erase_youth
from core.i18n import Text, When, language_name, t, tn
from core.models import Booking, BookingStatus, ContactRequest, ContactStatus, Slot, Youth
from core.youths import (
    AgeGroup,
    YouthData,
    collect_youth_data,
    find_youth,
    load_youth,
    youth_data_document,
)
from flows.contact import OTHER_TOPIC_NAMES, TOPICS
from flows.context import Context
from flows.replies import Button, Document
from flows.routing import ButtonRoute, Command, Flow, MenuEntry, Step

NAME = "privacy"
CONFIRM_ERASE = "confirm_erase"
PREFIX = "priv"
EXPORT_FILENAME = "mes-donnees.json"
# Longer lists would not fit one Telegram message; the file always has everything.
SHOWN_PER_LIST = 10

NOTHING_STORED = t("🔒 Je n’ai rien enregistré sur toi.")
NO_SITE = t("pas encore choisi")
YES = t("oui")
NO = t("non")
ERASE_HINT = t("Pour tout effacer, tape /supprimer.")
FILE_CAPTION = t("📎 Toutes tes données, dans un fichier.")

ERASE_QUESTION = t("⚠️ Tu veux vraiment tout effacer\u202f?")
ERASE_CONSEQUENCES = t(
    "J’efface ton compte, tes bilans et tes demandes aux conseillers. "
    "Tes réservations à venir sont annulées, pour libérer les places. "
    "Je ne pourrai rien récupérer."
)
ERASE_YES = t("🗑️ Oui, tout effacer")
ERASE_NO = t("Non, je garde tout")
KEPT = t("D’accord, je ne touche à rien.")
NOTHING_TO_ERASE = t("Je n’ai rien enregistré sur toi\u202f: il n’y a rien à effacer.")
ERASED = t("🗑️ C’est fait\u202f: j’ai effacé tes données.")
ANONYMOUS_COUNTS = t("Je garde seulement des chiffres anonymes, pour les statistiques.")
COME_BACK = t("Si tu veux revenir un jour, tape /start. 👋")

AGE_GROUPS: Mapping[str, Text] = {
    AgeGroup.MINOR: t("16 ou 17 ans"),
    AgeGroup.ADULT: t("18 à 25 ans"),
    AgeGroup.OVER_25: t("plus de 25 ans"),
}
BOOKING_STATUSES: Mapping[BookingStatus, Text] = {
    BookingStatus.BOOKED: t("réservé"),
    BookingStatus.WAITLISTED: t("en liste d’attente"),
    BookingStatus.CANCELLED: t("annulé"),
    BookingStatus.ATTENDED: t("tu étais là"),
    BookingStatus.EXCUSED: t("tu as prévenu de ton absence"),
    BookingStatus.NO_SHOW: t("absence"),
}
CONTACT_STATUSES: Mapping[ContactStatus, Text] = {
    ContactStatus.OPEN: t("envoyée"),
    ContactStatus.TAKEN: t("prise en charge"),
    ContactStatus.CLOSED: t("terminée"),
}


def privacy_flow() -> Flow:
    see, erase = t("voir mes données"), t("effacer mes données")
    fr, en = ("fr",), ("en",)
    return Flow(
        name=NAME,
        steps={CONFIRM_ERASE: Step(show=_ask_erase)},
        commands={
            "mesdonnees": Command(_show_my_data, see, fr),
            "mydata": Command(_show_my_data, see, en),
            "supprimer": Command(_open_erase, erase, fr),
            "delete": Command(_open_erase, erase, en),
        },
        buttons={PREFIX: ButtonRoute(_erase_answered)},
        menu=(MenuEntry("mydata", t("🔒 Mes données"), 50, _show_my_data),),
    )


async def _youth(ctx: Context) -> Youth | None:
    """The youth row of this user, even if the conversation lost its link to it."""
    youth = await load_youth(ctx.session, ctx.youth_id)
    return youth or await find_youth(ctx.session, ctx.event.user_id)


# -- seeing --------------------------------------------------------------------


async def _show_my_data(ctx: Context) -> None:
    youth = await _youth(ctx)
    data = await collect_youth_data(ctx.session, youth.id) if youth and youth.id else None
    if data is None:
        language = language_name(ctx.locale)
        only_language = t(
            "Je retiens seulement ta langue ({language}), dans notre conversation.",
            language=language,
        )
        await ctx.show_menu(NOTHING_STORED, only_language)
        return
    ctx.say(_profile(data, ctx.locale), *_lists(data), ERASE_HINT)
    document = json.dumps(youth_data_document(data), ensure_ascii=False, indent=2)
    ctx.reply(
        document=Document(EXPORT_FILENAME, document.encode(), "application/json", FILE_CAPTION)
    )
    await ctx.show_menu()


def _profile(data: YouthData, locale: str) -> Text:
    youth = data.youth
    lines = [
        t("🌍 Langue\u202f: {language}", language=language_name(youth.locale or locale)),
        t("📍 Site\u202f: {site}", site=data.site.name if data.site else NO_SITE),
    ]
    if youth.consented_at is not None:
        lines.append(
            t(
                "✅ Accord donné le {date} (version {version} de l’information)",
                date=When(youth.consented_at, "date"),
                version=youth.consent_version or 0,
            )
        )
    age = AGE_GROUPS.get(youth.age_group or "")
    if age is not None:
        lines.append(t("🎂 Âge\u202f: {age}", age=age))
    if youth.origin:
        lines.append(t("🔗 Venu·e par le lien\u202f: {origin}", origin=youth.origin))
    shared = YES if youth.share_diagnostic else NO
    lines.append(t("👀 Ton conseiller voit le résumé de ton bilan\u202f: {shared}", shared=shared))
    return t("🔒 Voici tout ce que je garde sur toi\u202f:\n{lines}", lines=tuple(lines))


def _lists(data: YouthData) -> list[Text]:
    paragraphs = []
    if data.bookings:
        lines = [_booking_line(booking, slot) for booking, slot in data.bookings]
        paragraphs.append(_listed(t("📅 Tes réservations\u202f:"), lines))
    if data.contact_requests:
        lines = [_request_line(request) for request in data.contact_requests]
        paragraphs.append(_listed(t("💬 Tes demandes aux conseillers\u202f:"), lines))
    if data.diagnostics:
        lines = [
            t("• bilan commencé le {date}", date=When(result.started_at, "short_date"))
            if result.completed_at is None
            else t("• bilan fait le {date}", date=When(result.completed_at, "short_date"))
            for result in data.diagnostics
        ]
        paragraphs.append(_listed(t("📝 Tes bilans\u202f:"), lines))
    return paragraphs


def _listed(title: Text, lines: Sequence[Text]) -> Text:
    shown = tuple(lines[:SHOWN_PER_LIST])
    hidden = len(lines) - len(shown)
    if hidden > 0:
        more = tn("… et {n} autre, dans le fichier.", "… et {n} autres, dans le fichier.", hidden)
        shown = (*shown, more)
    return t("{title}\n{lines}", title=title, lines=shown)


def _booking_line(booking: Booking, slot: Slot) -> Text:
    return t(
        "• {title}, {when}\u202f: {status}",
        title=slot.title,
        when=When(slot.starts_at, "short_datetime"),
        status=BOOKING_STATUSES[booking.status],
    )


def _request_line(request: ContactRequest) -> Text:
    return t(
        "• {date}, {topic}\u202f: {status}",
        date=When(request.created_at, "short_date"),
        topic=_topic_name(request),
        status=CONTACT_STATUSES[request.status],
    )


def _topic_name(request: ContactRequest) -> Text:
    # The contact flow names its topics; other flows' topics get a plain description.
    name = TOPICS.get(request.topic) or OTHER_TOPIC_NAMES.get(request.topic)
    if name is not None:
        return name
    return t("demande urgente") if request.urgent else t("demande")


# -- erasing -------------------------------------------------------------------


async def _open_erase(ctx: Context) -> None:
    if await _youth(ctx) is None:
        await ctx.show_menu(NOTHING_TO_ERASE)
        return
    await ctx.go(NAME, CONFIRM_ERASE)


async def _ask_erase(ctx: Context) -> None:
    ctx.reply(
        ERASE_QUESTION,
        ERASE_CONSEQUENCES,
        buttons=[Button(f"{PREFIX}:erase", ERASE_YES), Button(f"{PREFIX}:keep", ERASE_NO)],
    )


async def _erase_answered(ctx: Context) -> None:
    answer = ctx.button_args[0] if len(ctx.button_args) == 1 else ""
    if answer == "keep":
        await ctx.show_menu(KEPT)
        return
    if answer != "erase":
        await ctx.reject_button()
        return
    youth = await _youth(ctx)
    erasure = (
        await erase_youth(
            ctx.session, youth.id, ctx.now, reminder_offsets=ctx.settings.reminder_offsets_for
        )
        if youth and youth.id
        else None
    )
    ctx.forget_user()
    paragraphs = [ERASED]
    if erasure is not None and erasure.cancelled_bookings:
        paragraphs.append(
            tn(
                "J’ai annulé ta réservation à venir.",
                "J’ai annulé tes {n} réservations à venir.",
                erasure.cancelled_bookings,
            )
        )
    ctx.say(*paragraphs, ANONYMOUS_COUNTS, COME_BACK)
