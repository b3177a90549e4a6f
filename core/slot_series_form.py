"""The weekly series form: the first occurrence's slot form and how many weeks it repeats.

Every occurrence is checked here, before anything is written: a week whose local
start does not exist (the spring daylight-saving change) is refused with its date.
`at_pattern_times` also serves `core.slot_series` when the rest of a series moves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo

from core.i18n import Text, t
from core.models import SlotKind
from core.slot_form import FieldErrors, SlotChoices, SlotForm, SlotValues, validate_slot_form
from core.wall_clock import NonexistentLocalTime, to_local, to_utc

MAX_WEEKS = 52
BAD_WEEKS = t("Le nombre de semaines est un nombre entier entre 1 et 52.")


@dataclass
class SeriesForm:
    """The slot form of the first occurrence, and how many weeks it repeats."""

    slot: SlotForm
    weeks: str = ""


@dataclass(frozen=True)
class SeriesValues:
    occurrences: tuple[SlotValues, ...]

    @property
    def first(self) -> SlotValues:
        return self.occurrences[0]


def validate_series_form(
    form: SeriesForm,
    *,
    now: datetime,
    tz: tzinfo,
    choices: SlotChoices,
    cutoff_minutes_for: Callable[[SlotKind], int],
) -> SeriesValues | FieldErrors:
    """Every occurrence's values, or the errors of the form's fields."""
    errors: FieldErrors = {}
    raw = form.weeks.strip()
    weeks = int(raw) if raw.isdigit() else 0
    if not 1 <= weeks <= MAX_WEEKS:
        errors["weeks"] = BAD_WEEKS
    first = validate_slot_form(
        form.slot, now=now, tz=tz, choices=choices, cutoff_minutes_for=cutoff_minutes_for
    )
    if not isinstance(first, SlotValues):
        return first | errors
    if errors:
        return errors
    occurrences = []
    first_day = to_local(first.starts_at, tz).date()
    for week in range(weeks):
        day = first_day + timedelta(weeks=week)
        try:
            occurrences.append(at_pattern_times(first, first, tz, day=day, move_times=True))
        except NonexistentLocalTime:
            return {"starts_at": missing_time_on(day)}
    return SeriesValues(tuple(occurrences))


def missing_time_on(day: date) -> Text:
    return t(
        "Le {date}, cette heure n’existe pas (passage à l’heure d’été) : choisis-en une autre.",
        date=day,
    )


def at_pattern_times(
    values: SlotValues, pattern: SlotValues, tz: tzinfo, *, day: date, move_times: bool
) -> SlotValues:
    """`values` with `pattern`'s local hours on `day` (if `move_times`) and its booking window.

    Everything is counted on the wall clock: the window keeps the distance to the
    start that it has in `pattern`, and the end its local duration.
    """
    pattern_start = to_local(pattern.starts_at, tz)
    if move_times:
        start = datetime.combine(day, pattern_start.time())
        starts_at = to_utc(start, tz)
        ends_at = to_utc(start + (to_local(pattern.ends_at, tz) - pattern_start), tz)
    else:
        start, starts_at, ends_at = to_local(values.starts_at, tz), values.starts_at, values.ends_at

    def edge(instant: datetime | None) -> datetime | None:
        return (
            None if instant is None else to_utc(start + (to_local(instant, tz) - pattern_start), tz)
        )

    return replace(
        values,
        starts_at=starts_at,
        ends_at=ends_at,
        booking_opens_at=edge(pattern.booking_opens_at),
        booking_closes_at=edge(pattern.booking_closes_at),
    )
