"""How a slot reads in a youth's language: its title, place, time, seats and kind.

Staff type titles, places and descriptions in French, with translations for
some titles; everything else on these screens goes through gettext.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from core.booking.catalog import SlotDetails
from core.booking.queries import SlotAvailability
from core.i18n import Text, When, t, tn
from core.models import Modality, Partner, Site, Slot, SlotKind

KIND_LABELS: Mapping[SlotKind, Text] = {
    SlotKind.WORKSHOP: t("🧑‍🏫 Un atelier"),
    SlotKind.FOOD_PARCEL: t("🥕 Un colis alimentaire (Linkee)"),
    SlotKind.APPOINTMENT: t("🤝 Un rendez-vous avec un partenaire"),
}
KIND_NAMES: Mapping[SlotKind, Text] = {
    SlotKind.WORKSHOP: t("🧑‍🏫 Ateliers"),
    SlotKind.FOOD_PARCEL: t("🥕 Colis alimentaires Linkee"),
    SlotKind.APPOINTMENT: t("🤝 Rendez-vous avec un partenaire"),
}
# Workshop and appointment topics as staff tag them; an untagged one shows under "all".
TOPIC_LABELS: Mapping[str, Text] = {
    "cv": t("📄 CV et entretien"),
    "image": t("👔 Image et tenue"),
    "housing": t("🏠 Logement"),
    "digital": t("💻 Numérique"),
    "legal": t("⚖️ Droits et papiers"),
    "budget": t("💶 Budget"),
    "money": t("🏦 Banque et argent"),
    "social": t("🤲 Aides sociales"),
}


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    address: str
    latitude: float | None
    longitude: float | None


def slot_title(slot: Slot, locale: str) -> str:
    return slot.title_translations.get(locale) or slot.title


def slot_place(slot: Slot, site: Site | None) -> Place:
    """Where the slot happens: its own place when staff gave one, else its site."""
    if slot.address or slot.place_name:
        return Place(slot.place_name, slot.address, slot.latitude, slot.longitude)
    if site is not None:
        return Place(site.name, site.address, site.latitude, site.longitude)
    return Place("", "", None, None)


def place_line(place: Place) -> str:
    return ", ".join(part for part in (place.name, place.address) if part)


def seats(availability: SlotAvailability) -> Text:
    """ "3 places", or what a full slot still offers."""
    if not availability.is_full:
        left = availability.seats_left
        return tn("{n} place", "{n} places", left)
    if availability.slot.waitlist_enabled:
        return t("complet\u202f: liste d’attente")
    return t("complet")


def when_line(slot: Slot) -> Text:
    return t(
        "{day}, de {start} à {end}",
        day=When(slot.starts_at, "date"),
        start=When(slot.starts_at, "time"),
        end=When(slot.ends_at, "time"),
    )


def duration(slot: Slot) -> Text:
    return length((slot.ends_at - slot.starts_at) // timedelta(minutes=1))


def length(minutes: int) -> Text:
    """ "2 heures", "1 h 30 min", "45 minutes"."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return t("{hours} h {minutes} min", hours=hours, minutes=rest)
    if hours:
        return tn("{n} heure", "{n} heures", hours)
    return tn("{n} minute", "{n} minutes", rest)


def list_line(index: int, availability: SlotAvailability, site: Site | None, locale: str) -> Text:
    """One slot of a list: number, title, day and time, place, seats."""
    slot = availability.slot
    return t(
        "<b>{index}. {title}</b>\n{when} · {place}\n{seats}",
        index=index,
        title=slot_title(slot, locale),
        when=When(slot.starts_at, "short_datetime"),
        place=site.name if site is not None else slot_place(slot, None).name,
        seats=seats(availability),
    )


def slot_summary(details: SlotDetails, locale: str) -> Text:
    """The detail screen: what, when, how long, where, with whom, how, what to bring."""
    slot = details.slot
    place = slot_place(slot, details.site)
    lines: list[Text] = [
        t("📅 {when}", when=when_line(slot)),
        t("⏱️ Durée\u202f: {duration}", duration=duration(slot)),
    ]
    where = where_line(slot, place)
    if where is not None:
        lines.append(where)
    if details.partner is not None:
        lines.append(partner_line(details.partner))
    if slot.description:
        lines.append(t("ℹ️ {description}", description=slot.description))
    if slot.what_to_bring:
        lines.append(t("🎒 À apporter\u202f: {things}", things=slot.what_to_bring))
    lines.append(t("🪑 {seats}", seats=seats(details.availability)))
    return t("<b>{title}</b>\n{details}", title=slot_title(slot, locale), details=tuple(lines))


def where_line(slot: Slot, place: Place) -> Text | None:
    """How the youth meets the partner: on site at a place, or called on the phone."""
    if slot.modality == Modality.PHONE:
        return t("📞 Par téléphone\u202f: le partenaire t’appelle à l’heure du rendez-vous.")
    if place_line(place):
        return t("🏢 Sur place\u202f: {place}", place=place_line(place))
    return None


def partner_line(partner: Partner) -> Text:
    return t("🤝 Avec\u202f: {partner}", partner=partner.name)
