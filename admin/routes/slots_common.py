"""What the slot pages share: who may change slots, reading the form, its labels, the scope."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime, tzinfo
from typing import Any

from fastapi.responses import RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from admin.access import Rule
from core.i18n import Text, t
from core.models import Modality, Slot, SlotKind, StaffRole
from core.slot_calendar import week_monday
from core.slot_form import FieldErrors, SlotChoices, SlotForm
from core.staff import StaffView
from flows.booking_view import TOPIC_LABELS

# Creating slots and importing them: no site in the URL, so the role alone decides;
# the form then offers only the account's sites.
SLOT_WRITERS = Rule(frozenset({StaffRole.ADVISER, StaffRole.ADMIN}))

KIND_LABELS: dict[str, Text] = {
    SlotKind.WORKSHOP.value: t("Atelier"),
    SlotKind.FOOD_PARCEL.value: t("Colis alimentaire"),
    SlotKind.APPOINTMENT.value: t("Rendez-vous individuel"),
}
MODALITY_LABELS: dict[str, Text] = {
    Modality.ON_SITE.value: t("Sur place"),
    Modality.PHONE.value: t("Par téléphone"),
}
FIELD_LABELS: dict[str, Text] = {
    "kind": t("Type de créneau"),
    "title": t("Titre"),
    "title_en": t("Titre en anglais (facultatif)"),
    "topic": t("Thème (facultatif)"),
    "partner_id": t("Partenaire"),
    "site_id": t("Site"),
    "place_id": t("Lieu connu"),
    "address": t("Ou une adresse"),
    "starts_at": t("Début"),
    "ends_at": t("Fin"),
    "capacity": t("Nombre de places"),
    "booking_opens_at": t("Ouverture des réservations (facultatif)"),
    "booking_closes_at": t("Fermeture des réservations (facultatif)"),
    "cancellation_cutoff_minutes": t("Délai d’annulation, en minutes"),
    "modality": t("Modalité"),
    "description": t("Description"),
    "what_to_bring": t("À apporter"),
    "waitlist_enabled": t("Liste d’attente quand c’est complet"),
    "weeks": t("Nombre de semaines"),
    "message": t("Message aux jeunes"),
}
MESSAGE_REQUIRED = t("Écris le message qui sera envoyé aux jeunes.")
MESSAGE_MAX = 1000
MESSAGE_TOO_LONG = t("Le message fait 1000 caractères au plus.")


def site_scope(staff: StaffView) -> set[int] | None:
    """The sites a staff member acts on: an adviser's own, or None for every site."""
    return None if staff.sees_all_sites else set(staff.site_ids)


def read_slot_form(form: FormData) -> SlotForm:
    """The slot form as posted; a missing field reads as empty, an unticked box as False."""
    values: dict[str, Any] = {}
    for name, default in asdict(SlotForm()).items():
        if isinstance(default, bool):
            values[name] = form.get(name) == "on"
        else:
            values[name] = str(form.get(name, ""))
    return SlotForm(**values)


def hidden_fields(form: SlotForm) -> list[tuple[str, str]]:
    """The form's values as hidden inputs, carried through the confirmation page."""
    pairs = []
    for name, value in asdict(form).items():
        if isinstance(value, bool):
            if value:
                pairs.append((name, "on"))
        else:
            pairs.append((name, value))
    return pairs


def check_message(message: str, needed: bool) -> Text | None:
    if needed and not message:
        return MESSAGE_REQUIRED
    if len(message) > MESSAGE_MAX:
        return MESSAGE_TOO_LONG
    return None


def form_context(
    form: SlotForm, choices: SlotChoices, errors: FieldErrors | Mapping[str, Text]
) -> dict[str, Any]:
    return {
        "form": form,
        "choices": choices,
        "errors": errors,
        "labels": FIELD_LABELS,
        "kinds": KIND_LABELS,
        "modalities": MODALITY_LABELS,
        "topics": TOPIC_LABELS,
    }


def week_of(instant: datetime, tz: tzinfo) -> str:
    """The `?week=` value of the ISO week holding `instant`: `2026-W49`."""
    year, week, _ = week_monday(instant, tz).isocalendar()
    return f"{year}-W{week:02d}"


# What the week list says after a change, so the adviser knows it went through.
DONE_NOTICES: dict[str, Text] = {
    "created": t("Créneau publié : les jeunes peuvent le réserver dans le bot."),
    "series": t("Série publiée : chaque date est un créneau que les jeunes peuvent réserver."),
    "saved": t("Modifications enregistrées."),
    "cancelled": t(
        "Créneau annulé. Les jeunes inscrits ou en liste d’attente sont prévenus sur Telegram."
    ),
}


def back_to_week(instant: datetime, tz: tzinfo, done: str) -> RedirectResponse:
    """To the week list holding `instant`, saying what was just done (a `DONE_NOTICES` key)."""
    assert done in DONE_NOTICES
    return RedirectResponse(f"/slots?week={week_of(instant, tz)}&done={done}", status_code=303)


async def slot_site(session: AsyncSession, params: Mapping[str, Any]) -> int | None:
    """The site of the slot the URL names, for `site_scoped` (None: no such slot)."""
    raw = str(params.get("slot_id", ""))
    slot = await session.get(Slot, int(raw)) if raw.isdigit() else None
    return None if slot is None else slot.site_id
