"""The slot form of the staff panel: what was typed, checked into values or errors.

`SlotForm` holds the raw strings a form posts, so a refused form is shown
again with what was typed. `validate_slot_form` turns it into `SlotValues`
(typed, times in UTC, the place's address and pin copied) or into `FieldErrors`,
a message per field, French source through `t()`. The checks of single values
(`parse_local_datetime`, `parse_capacity`, `check_title`) are shared with the
CSV import.

Times are typed as local wall-clock times in the configured time zone
(`core.wall_clock`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.i18n import Text, t, tn
from core.models import Modality, Partner, Place, Site, Slot, SlotKind
from core.places import places_in_scope
from core.wall_clock import format_local_datetime, parse_local_datetime

FieldErrors = dict[str, Text]

TITLE_MAX = 200
# The topics the bot sorts workshops and appointments by ("Quel genre d’atelier ?",
# labelled in `flows.booking_view.TOPIC_LABELS`); a slot without one shows under "all".
SLOT_TOPICS = ("cv", "image", "housing", "digital", "legal", "budget", "money", "social")
ADDRESS_MAX = 300
DESCRIPTION_MAX = 4000
WHAT_TO_BRING_MAX = 1000
CAPACITY_MAX = 1000
CUTOFF_MAX_MINUTES = 7 * 24 * 60

REQUIRED = t("Ce champ est obligatoire.")
UNKNOWN_KIND = t("Choisis un type de créneau : atelier, colis alimentaire ou rendez-vous.")
UNKNOWN_MODALITY = t("Choisis une modalité : sur place ou par téléphone.")
UNKNOWN_SITE = t("Choisis un site parmi les tiens.")
UNKNOWN_PARTNER = t("Ce partenaire n’existe pas.")
UNKNOWN_TOPIC = t("Choisis un thème dans la liste, ou aucun.")
UNKNOWN_PLACE = t("Ce lieu n’existe pas ou n’est pas proposé à ton site.")
END_BEFORE_START = t("La fin doit être après le début.")
START_IN_PAST = t("Le début est déjà passé.")
BAD_CAPACITY = t("Le nombre de places doit être un nombre entier positif.")
APPOINTMENT_CAPACITY = t("Un rendez-vous individuel a une seule place.")
BAD_CUTOFF = t("Le délai d’annulation est un nombre de minutes entre 0 et 10080 (une semaine).")
OPENS_AFTER_START = t("Les réservations doivent ouvrir avant le début du créneau.")
CLOSES_AFTER_START = t("Les réservations doivent fermer au plus tard au début du créneau.")
CLOSES_BEFORE_OPENS = t("Les réservations doivent fermer après leur ouverture.")


def parse_capacity(text: str, kind: SlotKind | None) -> int | Text:
    raw = text.strip()
    if not raw.isdigit() or not 1 <= int(raw) <= CAPACITY_MAX:
        return BAD_CAPACITY
    if kind is SlotKind.APPOINTMENT and int(raw) != 1:
        return APPOINTMENT_CAPACITY
    return int(raw)


def check_title(text: str) -> str | Text:
    title = " ".join(text.split())
    if not title:
        return REQUIRED
    if len(title) > TITLE_MAX:
        return too_long(TITLE_MAX)
    return title


def too_long(limit: int) -> Text:
    return tn("{n} caractère au plus.", "{n} caractères au plus.", limit)


@dataclass
class SlotForm:
    """A slot as the panel's form posts it: strings, and one checkbox."""

    kind: str = SlotKind.WORKSHOP.value
    title: str = ""
    title_en: str = ""
    topic: str = ""
    partner_id: str = ""
    site_id: str = ""
    # A known place (its pin comes along), or else a free address; neither: the site's.
    place_id: str = ""
    address: str = ""
    starts_at: str = ""
    ends_at: str = ""
    capacity: str = ""
    booking_opens_at: str = ""
    booking_closes_at: str = ""
    cancellation_cutoff_minutes: str = ""
    modality: str = Modality.ON_SITE.value
    description: str = ""
    what_to_bring: str = ""
    waitlist_enabled: bool = True


@dataclass(frozen=True)
class SlotValues:
    """A checked slot, ready to create or apply: times are UTC instants."""

    kind: SlotKind
    title: str
    title_translations: dict[str, str]
    topic: str | None
    partner_id: int | None
    site_id: int
    place_name: str
    address: str
    latitude: float | None
    longitude: float | None
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booking_opens_at: datetime | None
    booking_closes_at: datetime | None
    cancellation_cutoff_minutes: int
    modality: Modality
    description: str
    what_to_bring: str
    waitlist_enabled: bool

    def as_columns(self) -> dict[str, Any]:
        """The values by `Slot` column name."""
        return {item.name: getattr(self, item.name) for item in fields(self)}


@dataclass(frozen=True)
class SlotChoices:
    """What a staff member may pick in the form: their sites, every partner, their places."""

    sites: Mapping[int, Site]
    partners: Mapping[int, Partner]
    places: Mapping[int, Place] = field(default_factory=dict)


async def load_slot_choices(session: AsyncSession, site_ids: set[int] | None) -> SlotChoices:
    """The form's options for staff scoped to `site_ids` (None: every site)."""
    site_query = select(Site).order_by(col(Site.name))
    if site_ids is not None:
        site_query = site_query.where(col(Site.id).in_(sorted(site_ids)))
    sites = (await session.scalars(site_query)).all()
    partners = (await session.scalars(select(Partner).order_by(col(Partner.name)))).all()
    places = await places_in_scope(session, site_ids)
    return SlotChoices(
        sites={site.id: site for site in sites if site.id is not None},
        partners={partner.id: partner for partner in partners if partner.id is not None},
        places={place.id: place for place in places if place.id is not None},
    )


def new_slot_form(kind: SlotKind, cutoff_minutes_for: Callable[[SlotKind], int]) -> SlotForm:
    """An empty form for a new slot of `kind`, with that kind's defaults."""
    return SlotForm(
        kind=kind.value,
        capacity="1" if kind is SlotKind.APPOINTMENT else "",
        cancellation_cutoff_minutes=str(cutoff_minutes_for(kind)),
        waitlist_enabled=kind is not SlotKind.APPOINTMENT,
    )


def slot_form_from(slot: Slot, tz: tzinfo, choices: SlotChoices | None = None) -> SlotForm:
    """The form prefilled with a stored slot, to edit it."""
    place_id = ""
    for place in (choices.places if choices else {}).values():
        if (place.name, place.address) == (slot.place_name, slot.address):
            place_id = str(place.id)
    return SlotForm(
        kind=slot.kind.value,
        title=slot.title,
        title_en=slot.title_translations.get("en", ""),
        topic=slot.topic or "",
        partner_id=_id_text(slot.partner_id),
        site_id=_id_text(slot.site_id),
        place_id=place_id,
        address="" if place_id else slot.address,
        starts_at=format_local_datetime(slot.starts_at, tz),
        ends_at=format_local_datetime(slot.ends_at, tz),
        capacity=str(slot.capacity),
        booking_opens_at=format_local_datetime(slot.booking_opens_at, tz),
        booking_closes_at=format_local_datetime(slot.booking_closes_at, tz),
        cancellation_cutoff_minutes=str(slot.cancellation_cutoff_minutes),
        modality=slot.modality.value,
        description=slot.description,
        what_to_bring=slot.what_to_bring,
        waitlist_enabled=slot.waitlist_enabled,
    )


def _id_text(value: int | None) -> str:
    return "" if value is None else str(value)


def validate_slot_form(
    form: SlotForm,
    *,
    now: datetime,
    tz: tzinfo,
    choices: SlotChoices,
    cutoff_minutes_for: Callable[[SlotKind], int],
    current: Slot | None = None,
) -> SlotValues | FieldErrors:
    """The form's values, or a message for each field in error.

    `current` is the slot being edited: its start may stay in the past (fixing the
    description of yesterday's workshop), and its free address keeps its pin.
    """
    checker = _Checker(form, tz, choices)
    kind = checker.choice("kind", form.kind, SlotKind, UNKNOWN_KIND)
    modality = checker.choice("modality", form.modality, Modality, UNKNOWN_MODALITY)
    title = checker.check("title", check_title(form.title))
    title_en = " ".join(form.title_en.split())
    if len(title_en) > TITLE_MAX:
        checker.errors["title_en"] = too_long(TITLE_MAX)
    topic = form.topic.strip()
    if topic and topic not in SLOT_TOPICS:
        checker.errors["topic"] = UNKNOWN_TOPIC
    description = checker.limited("description", form.description.strip(), DESCRIPTION_MAX)
    what_to_bring = checker.limited("what_to_bring", form.what_to_bring.strip(), WHAT_TO_BRING_MAX)
    site = checker.pick("site_id", form.site_id, choices.sites, UNKNOWN_SITE, required=True)
    partner = checker.pick("partner_id", form.partner_id, choices.partners, UNKNOWN_PARTNER)
    place = checker.pick("place_id", form.place_id, choices.places, UNKNOWN_PLACE)
    address = checker.limited("address", " ".join(form.address.split()), ADDRESS_MAX)
    capacity = checker.check("capacity", parse_capacity(form.capacity, kind))
    cutoff = checker.cutoff(form.cancellation_cutoff_minutes, kind, cutoff_minutes_for)
    starts_at, ends_at = checker.times(now, current)
    opens_at = checker.optional_time("booking_opens_at", form.booking_opens_at)
    closes_at = checker.optional_time("booking_closes_at", form.booking_closes_at)
    if starts_at is not None:
        if opens_at is not None and opens_at >= starts_at:
            checker.errors.setdefault("booking_opens_at", OPENS_AFTER_START)
        if closes_at is not None and closes_at > starts_at:
            checker.errors.setdefault("booking_closes_at", CLOSES_AFTER_START)
    if opens_at is not None and closes_at is not None and closes_at <= opens_at:
        checker.errors.setdefault("booking_closes_at", CLOSES_BEFORE_OPENS)
    if checker.errors:
        return checker.errors
    # No error: every value above was read, none is None but the optional ones.
    assert starts_at is not None
    assert ends_at is not None
    assert cutoff is not None
    place_name, pin = _where(place, address, site, current)
    return SlotValues(
        kind=kind,
        title=title,
        title_translations={"en": title_en} if title_en else {},
        topic=topic or None,
        partner_id=partner.id if partner else None,
        site_id=site.id or 0,
        place_name=place_name,
        address=pin[0],
        latitude=pin[1],
        longitude=pin[2],
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        booking_opens_at=opens_at,
        booking_closes_at=closes_at,
        cancellation_cutoff_minutes=cutoff,
        modality=modality,
        description=description or "",
        what_to_bring=what_to_bring or "",
        waitlist_enabled=form.waitlist_enabled,
    )


def _where(
    place: Place | None, address: str | None, site: Site, current: Slot | None
) -> tuple[str, tuple[str, float | None, float | None]]:
    """The slot's place name and (address, latitude, longitude)."""
    if place is not None:
        return place.name, (place.address, place.latitude, place.longitude)
    if address:
        if current is not None and current.address == address:
            return current.place_name, (address, current.latitude, current.longitude)
        # An address typed by hand has no pin: nothing here looks it up.
        return "", (address, None, None)
    return site.name, (site.address, site.latitude, site.longitude)


class _Checker:
    """Collects the error of each field while reading the form's values."""

    def __init__(self, form: SlotForm, tz: tzinfo, choices: SlotChoices) -> None:
        self.form = form
        self.tz = tz
        self.choices = choices
        self.errors: FieldErrors = {}

    def check(self, name: str, outcome: Any) -> Any:
        if isinstance(outcome, Text):
            self.errors[name] = outcome
            return None
        return outcome

    def choice(self, name: str, raw: str, enum: Any, error: Text) -> Any:
        try:
            return enum(raw.strip())
        except ValueError:
            self.errors[name] = error
            return None

    def limited(self, name: str, value: str, limit: int) -> str | None:
        if len(value) > limit:
            self.errors[name] = too_long(limit)
            return None
        return value

    def pick(
        self, name: str, raw: str, rows: Mapping[int, Any], error: Text, *, required: bool = False
    ) -> Any:
        raw = raw.strip()
        if not raw:
            if required:
                self.errors[name] = error
            return None
        row = rows.get(int(raw)) if raw.isdigit() else None
        if row is None:
            self.errors[name] = error
        return row

    def cutoff(
        self, raw: str, kind: SlotKind | None, default: Callable[[SlotKind], int]
    ) -> int | None:
        raw = raw.strip()
        if not raw:
            return default(kind) if kind else None
        if not raw.isdigit() or int(raw) > CUTOFF_MAX_MINUTES:
            self.errors["cancellation_cutoff_minutes"] = BAD_CUTOFF
            return None
        return int(raw)

    def required_time(self, name: str, raw: str) -> datetime | None:
        if not raw.strip():
            self.errors[name] = REQUIRED
            return None
        return self.check(name, parse_local_datetime(raw, self.tz))  # type: ignore[no-any-return]

    def optional_time(self, name: str, raw: str) -> datetime | None:
        return self.required_time(name, raw) if raw.strip() else None

    def times(self, now: datetime, current: Slot | None) -> tuple[datetime | None, datetime | None]:
        starts_at = self.required_time("starts_at", self.form.starts_at)
        ends_at = self.required_time("ends_at", self.form.ends_at)
        if starts_at is None or ends_at is None:
            return starts_at, ends_at
        if ends_at <= starts_at:
            self.errors["ends_at"] = END_BEFORE_START
        unchanged = current is not None and current.starts_at == starts_at
        if starts_at <= now and not unchanged:
            self.errors["starts_at"] = START_IN_PAST
        return starts_at, ends_at
