"""Local wall-clock times in the configured time zone, and the UTC instants they are.

Staff type times as they read them on a Paris clock; the database keeps UTC. A
time that does not exist in the zone (02:30 on the last Sunday of March) is
refused; one that happens twice (02:30 on the last Sunday of October) means the
first, as the clocks show it before going back.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo

from core.i18n import Text, t

# As a datetime-local input posts it (2026-11-26T14:00), or as typed in a CSV (2026-11-26 14:00).
_LOCAL = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::00)?\s*$")

BAD_DATETIME = t("Écris la date et l’heure ainsi : 2026-11-26 14:00.")
MISSING_LOCAL_TIME = t(
    "Cette heure n’existe pas ce jour-là (passage à l’heure d’été) : choisis-en une autre."
)


class NonexistentLocalTime(ValueError):
    """The wall-clock time is skipped by a daylight-saving change in that zone."""


def to_utc(local: datetime, tz: tzinfo) -> datetime:
    """A naive wall-clock time in `tz` as a UTC instant; the first of two at a fall-back."""
    aware = local.replace(tzinfo=tz, fold=0)
    instant = aware.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != local:
        raise NonexistentLocalTime(local.isoformat())
    return instant


def to_local(instant: datetime, tz: tzinfo) -> datetime:
    """The naive wall-clock time in `tz` of an aware instant."""
    return instant.astimezone(tz).replace(tzinfo=None)


def parse_local_datetime(text: str, tz: tzinfo) -> datetime | Text:
    """`YYYY-MM-DD HH:MM` (or with `T`) in `tz`, as a UTC instant, or why not."""
    match = _LOCAL.match(text)
    if match is None:
        return BAD_DATETIME
    year, month, day, hour, minute = (int(part) for part in match.groups())
    try:
        local = datetime(year, month, day, hour, minute)
    except ValueError:
        return BAD_DATETIME
    try:
        return to_utc(local, tz)
    except NonexistentLocalTime:
        return MISSING_LOCAL_TIME


def format_local_datetime(instant: datetime | None, tz: tzinfo) -> str:
    """What a datetime-local input shows for `instant`: `2026-11-26T14:00`."""
    return "" if instant is None else to_local(instant, tz).strftime("%Y-%m-%dT%H:%M")
