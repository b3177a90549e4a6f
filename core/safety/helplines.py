"""The French helplines, read from their reviewed data file, and the line that shows each one.

Numbers, hours and costs live in `helplines.json`, each entry with the public
source it comes from and the date it was checked, so a reviewer can re-check the
file alone before launch. The wording lives here, as one message per helpline
with the number as a parameter: the number stays in the message text, where
Telegram makes it tappable (inline buttons cannot dial), and no translation can
change it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from core.i18n import Text, t

HELPLINES_FILE = Path(__file__).with_name("helplines.json")

_DIGITS = re.compile(r"[0-9]+")
# The short number itself ("115"), or the service's name when its number is long.
_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


class HelplineDataError(ValueError):
    """The helplines file is malformed; the message names the entry and the field."""


@dataclass(frozen=True, slots=True)
class Helpline:
    id: str
    name: str  # the service's own name, as its source writes it
    number: str  # as shown: "0 800 235 236"
    dial: str  # digits only: "0800235236"
    sms: bool  # reached by text message rather than by a call
    free: bool | None  # None: not known yet, say nothing about cost
    hours: str | None  # "24/7", "9h–23h"; None: not known yet
    languages: str | None
    source: str
    checked_on: date
    checked_against: str


def load_helplines(path: Path = HELPLINES_FILE) -> dict[str, Helpline]:
    """The helplines by id, in the file's order; the file is read once per process."""
    return {helpline.id: helpline for helpline in _read(path)}


@cache
def _read(path: Path) -> tuple[Helpline, ...]:
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not isinstance(document.get("review"), str):
        raise HelplineDataError(f"{path}: expected an object with a 'review' note")
    entries = document.get("helplines")
    if not isinstance(entries, list) or not entries:
        raise HelplineDataError(f"{path}: 'helplines' must be a non-empty list")
    helplines = tuple(_helpline(entry) for entry in entries)
    ids = [helpline.id for helpline in helplines]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise HelplineDataError(f"{path}: duplicate ids {duplicates}")
    return helplines


_EXPECTED = {field.name for field in fields(Helpline)}


def _helpline(entry: Any) -> Helpline:
    if not isinstance(entry, dict):
        raise HelplineDataError(f"a helpline must be an object, not {entry!r}")
    name = entry.get("id", "?")
    if set(entry) != _EXPECTED:
        missing, unknown = sorted(_EXPECTED - set(entry)), sorted(set(entry) - _EXPECTED)
        raise HelplineDataError(f"helpline {name!r}: missing {missing}, unknown {unknown}")

    def text(key: str, *, optional: bool = False) -> Any:
        value = entry[key]
        if (value is None and optional) or (isinstance(value, str) and value.strip()):
            return value
        raise HelplineDataError(f"helpline {name!r}: {key} must be a non-empty string")

    def flag(key: str, *, optional: bool = False) -> Any:
        value = entry[key]
        if isinstance(value, bool) or (value is None and optional):
            return value
        raise HelplineDataError(f"helpline {name!r}: {key} must be true or false")

    helpline_id, number, dial, source = text("id"), text("number"), text("dial"), text("source")
    if not _ID.fullmatch(helpline_id):
        raise HelplineDataError(
            f"helpline {name!r}: an id is lower-case words and digits joined by -"
        )
    # The shown number and the dialled one must not drift apart in a later edit.
    if not _DIGITS.fullmatch(dial) or "".join(_DIGITS.findall(number)) != dial:
        raise HelplineDataError(f"helpline {name!r}: dial must be the digits of {number!r}")
    if not source.startswith("https://"):
        raise HelplineDataError(f"helpline {name!r}: source must be an https:// address")
    checked_text = text("checked_on")
    try:
        checked_on = date.fromisoformat(checked_text)
    except ValueError as error:
        raise HelplineDataError(f"helpline {name!r}: checked_on must be YYYY-MM-DD") from error
    return Helpline(
        id=helpline_id,
        name=text("name"),
        number=number,
        dial=dial,
        sms=flag("sms"),
        free=flag("free", optional=True),
        hours=text("hours", optional=True),
        languages=text("languages", optional=True),
        source=source,
        checked_on=checked_on,
        checked_against=text("checked_against"),
    )


class UnknownHelpline(LookupError):
    """A helpline id has no line written for it: add one to `helpline_line`."""


def helpline_line(helpline: Helpline) -> Text:
    """The line that shows a helpline, number in bold, ready to be listed under an intro.

    Each line says only what its data entry says (free, hours, SMS); a test holds
    them together, so an edit to one shows up against the other.
    """
    number = helpline.number
    match helpline.id:
        case "115":
            return t(
                "🛏️ Pas d’endroit où dormir\u202f: appelle le <b>{number}</b> "
                "(gratuit, 24h/24, même sans crédit, avec interprète si besoin).",
                number=number,
            )
        case "3114":
            return t(
                "💬 Idées de suicide, besoin de parler\u202f: appelle le <b>{number}</b> "
                "(gratuit, 24h/24).",
                number=number,
            )
        case "15":
            return t(
                "🚑 Urgence médicale, danger immédiat\u202f: appelle le SAMU au <b>{number}</b> "
                "(gratuit, 24h/24).",
                number=number,
            )
        case "112":
            return t(
                "🆘 Toute urgence, partout en Europe\u202f: appelle le <b>{number}</b> "
                "(gratuit, 24h/24).",
                number=number,
            )
        case "fil-sante-jeunes":
            return t(
                "🩺 Besoin de parler de ta santé ou de ton moral\u202f? Fil Santé Jeunes\u202f: "
                "<b>{number}</b> (gratuit, anonyme, 9h–23h).",
                number=number,
            )
        case "17":
            return t(
                "👮 Violence, danger\u202f: appelle la police au <b>{number}</b> "
                "(gratuit, 24h/24).",
                number=number,
            )
        case "114":
            return t(
                "📱 Tu ne peux pas parler\u202f? Envoie un SMS au <b>{number}</b> "
                "(gratuit, 24h/24).",
                number=number,
            )
        case "3919":
            return t(
                "💜 Violences faites aux femmes\u202f: appelle le <b>{number}</b> "
                "(gratuit, 24h/24, plusieurs langues).",
                number=number,
            )
        case "119":
            return t(
                "🧒 Jeune en danger, jusqu’à 21 ans\u202f: appelle le <b>{number}</b> "
                "(gratuit, 24h/24).",
                number=number,
            )
        case "116006":
            return t(
                "🤝 Victime de violence, d’une agression ou d’un vol\u202f: France Victimes, "
                "<b>{number}</b> (gratuit, 9h–19h).",
                number=number,
            )
        case "3018":
            return t(
                "📵 Harcèlement en ligne\u202f: appelle le <b>{number}</b> "
                "(gratuit, anonyme, 9h–23h).",
                number=number,
            )
        case "drogues-info-service":
            return t(
                "💊 Alcool ou drogue, tu t’inquiètes\u202f? Drogues Info Service\u202f: "
                "<b>{number}</b>.",
                number=number,
            )
    raise UnknownHelpline(helpline.id)
