"""Messages as values, translated only when rendered.

Code marks a message with `t("…")` or `tn("…", "…", n)` and gets back a `Text`:
the French source msgid plus its parameters, not translated text. Adapters render
it in the youth's locale at the last moment, so the engine and the flows never
depend on a language, and the same reply can be shown in French to one youth and
in English to another.

Rendering produces Telegram HTML: the catalogue's template may hold `<b>`/`<i>`,
and every `str` parameter is escaped, because parameters carry what users and
staff typed (names, slot titles).
"""

from __future__ import annotations

import gettext
import html
import os
import re
import string
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from functools import cache
from pathlib import Path
from typing import Literal, TypeAlias

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, match_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from core.config import PROJECT_ROOT, SUPPORTED_LOCALES

LOCALES_DIR = PROJECT_ROOT / "locales"
DOMAIN = "messages"

WhenStyle: TypeAlias = Literal["date", "time", "datetime", "short_date", "short_datetime"]


@dataclass(frozen=True, slots=True)
class When:
    """A date or instant to show in one of a few styles.

    `date`: "jeudi 26 novembre"; `time`: "14:00"; `datetime`: "jeudi 26 novembre à 14:00";
    `short_date`: "jeu. 26 nov."; `short_datetime`: "jeu. 26 nov. à 14:00".
    """

    value: date
    style: WhenStyle = "datetime"

    def __post_init__(self) -> None:
        if isinstance(self.value, datetime):
            if self.value.tzinfo is None:
                raise ValueError("When needs an aware datetime")
        elif self.style not in ("date", "short_date"):
            raise ValueError(f"style {self.style!r} needs a datetime, not a date")


Param: TypeAlias = "str | int | float | date | When | Text | tuple[Text, ...]"


@dataclass(frozen=True, slots=True)
class Text:
    """A message to translate: msgid (and plural form), count, and parameters.

    A tuple of `Text` as a parameter renders as lines, for lists inside a message.
    """

    msgid: str
    plural: str | None = None
    n: int | None = None
    params: tuple[tuple[str, Param], ...] = field(default=())

    def __post_init__(self) -> None:
        if (self.plural is None) != (self.n is None):
            raise ValueError("a plural message needs both its plural form and n")
        expected = placeholders(self.msgid)
        if self.plural is not None:
            expected |= placeholders(self.plural)
        given = {name for name, _ in self.params}
        if self.n is not None:
            given.add("n")
        if expected - given:
            raise ValueError(f"{self.msgid!r} is missing {sorted(expected - given)}")
        if given - expected - {"n"}:
            raise ValueError(f"{self.msgid!r} has no placeholder for {sorted(given - expected)}")
        for name, value in self.params:
            _check_param(name, value)

    @property
    def args(self) -> dict[str, Param]:
        return dict(self.params)


def t(msgid: str, /, **params: Param) -> Text:
    """Mark a message for translation (French source text, `{name}` placeholders)."""
    return Text(msgid, params=tuple(sorted(params.items())))


def tn(singular: str, plural: str, n: int, /, **params: Param) -> Text:
    """Mark a message with plural forms; `{n}` is available in both forms."""
    if "n" in params:
        raise ValueError("n is given positionally to tn()")
    return Text(singular, plural, n, tuple(sorted(params.items())))


def placeholders(template: str) -> set[str]:
    """The `{names}` in a template; anything but plain names is refused."""
    names = set()
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"placeholder {{{name}}} in {template!r} must be a plain name")
        names.add(name)
    return names


def _check_param(name: str, value: object) -> None:
    if isinstance(value, bool):
        raise TypeError(f"parameter {name!r} is a bool; say it with a message instead")
    if isinstance(value, tuple):
        if not all(isinstance(item, Text) for item in value):
            raise TypeError(f"parameter {name!r}: a tuple must hold only Text")
        return
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError(f"parameter {name!r} is a naive datetime")
    if not isinstance(value, str | int | float | date | When | Text):
        raise TypeError(f"parameter {name!r} has unsupported type {type(value).__name__}")


def match_locale(language_code: str | None, locales: Sequence[str]) -> str | None:
    """The supported locale for a language tag such as Telegram's "en-GB", if any."""
    if not language_code:
        return None
    language = language_code.replace("_", "-").split("-", 1)[0].lower()
    return language if language in locales else None


def language_name(locale: str) -> str:
    """A language's name in that language ("Français", "English"), to offer it to its speakers."""
    name = str(Locale.parse(locale).get_display_name(locale))
    return name[:1].upper() + name[1:]


class CatalogError(RuntimeError):
    """A compiled catalogue is missing or unreadable."""


def po_path(directory: Path, locale: str) -> Path:
    return directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(directory: Path, locale: str) -> Path:
    return po_path(directory, locale).with_suffix(".mo")


class Catalogs:
    """The compiled translations of each supported locale, loaded once per process."""

    def __init__(
        self, directory: Path = LOCALES_DIR, locales: Sequence[str] = SUPPORTED_LOCALES
    ) -> None:
        self.directory = directory
        self._translations: dict[str, gettext.NullTranslations] = {}
        for locale in locales:
            path = mo_path(directory, locale)
            if not path.is_file():
                raise CatalogError(
                    f"The {locale!r} translations are not compiled ({path} is missing): "
                    "run `make i18n`."
                )
            with path.open("rb") as file:
                self._translations[locale] = Translations(file, domain=DOMAIN)

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(self._translations)

    def translations(self, locale: str) -> gettext.NullTranslations:
        # An unknown locale shows the French source rather than failing a reply.
        return self._translations.get(locale) or gettext.NullTranslations()


def render_text(text: Text, locale: str, catalogs: Catalogs, tz: tzinfo) -> str:
    """Translate `text` into `locale` and fill its parameters; the result is Telegram HTML."""
    translations = catalogs.translations(locale)
    if text.plural is None:
        template = translations.gettext(text.msgid)
    else:
        assert text.n is not None
        template = translations.ngettext(text.msgid, text.plural, text.n)
    values = {name: _render_param(value, locale, catalogs, tz) for name, value in text.params}
    if text.n is not None:
        values.setdefault("n", _number(text.n, locale))
    return template.format_map(values)


def _render_param(value: Param, locale: str, catalogs: Catalogs, tz: tzinfo) -> str:
    if isinstance(value, Text):
        return render_text(value, locale, catalogs, tz)
    if isinstance(value, tuple):
        return "\n".join(render_text(item, locale, catalogs, tz) for item in value)
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, int | float):
        return _number(value, locale)
    if isinstance(value, When):
        return _when(value, locale, catalogs, tz)
    style: WhenStyle = "datetime" if isinstance(value, datetime) else "date"
    return _when(When(value, style), locale, catalogs, tz)


def _number(value: float, locale: str) -> str:
    return str(format_decimal(value, locale=_babel_locale(locale)))


def _when(when: When, locale: str, catalogs: Catalogs, tz: tzinfo) -> str:
    babel_locale = _babel_locale(locale)
    value = when.value
    if when.style in ("datetime", "short_datetime"):
        day: WhenStyle = "date" if when.style == "datetime" else "short_date"
        combined = t("{date} à {time}", date=When(value, day), time=When(value, "time"))
        return render_text(combined, locale, catalogs, tz)
    if when.style == "time":
        assert isinstance(value, datetime)  # When refuses a time style for a date
        return str(format_time(value, "short", tzinfo=tz, locale=babel_locale))
    skeleton = "MMMMEd" if when.style == "date" else "MMMEd"
    pattern = _day_pattern(babel_locale, skeleton)
    if isinstance(value, datetime):
        return str(format_datetime(value, pattern, tzinfo=tz, locale=babel_locale))
    return str(format_date(value, pattern, locale=babel_locale))


@cache
def _babel_locale(locale: str) -> Locale:
    # Our English speakers live in France: British day-month order and a 24-hour
    # clock avoid misreading "11/12" or "2 PM" next to French documents.
    # Parsed once: Babel would parse a locale's name again at every number and date.
    return Locale.parse({"en": "en_GB"}.get(locale, locale))


@cache
def _day_pattern(babel_locale: Locale, skeleton: str) -> str:
    """Weekday, day and month, without the year, as the locale writes them.

    CLDR often lacks the wide form ("jeudi 26 novembre"), and Babel does not widen
    fields of a near match, so widen them here outside quoted literals.
    """
    skeletons = babel_locale.datetime_skeletons
    key = match_skeleton(skeleton, skeletons) or "MMMEd"
    pattern: str = skeletons[key].pattern
    if skeleton != "MMMMEd":
        return pattern
    parts = pattern.split("'")
    for index in range(0, len(parts), 2):
        widened = re.sub(r"E+", "EEEE", parts[index])
        parts[index] = re.sub(r"([ML])\1{2,3}", r"\1\1\1\1", widened)
    return "'".join(parts)


def stale_catalogs(
    directory: Path = LOCALES_DIR, locales: Sequence[str] = SUPPORTED_LOCALES
) -> list[str]:
    """Locales whose `.mo` is missing or older than their `.po`."""
    stale = []
    for locale in locales:
        po, mo = po_path(directory, locale), mo_path(directory, locale)
        if not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(locale)
    return stale


def compile_catalogs(
    directory: Path = LOCALES_DIR, locales: Sequence[str] = SUPPORTED_LOCALES
) -> list[str]:
    """Compile the stale catalogues (as `pybabel compile` would, fuzzy entries left out)."""
    compiled = stale_catalogs(directory, locales)
    for locale in compiled:
        with po_path(directory, locale).open("rb") as file:
            catalog = read_po(file, locale=locale, domain=DOMAIN)
        target = mo_path(directory, locale)
        # Write then rename, so a concurrent reader never loads half a file.
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as out:
            write_mo(out, catalog)
        os.replace(temporary, target)
    return compiled
