"""CSV files for the staff panel's exports, made for French Excel first.

Excel, double-clicked, reads a CSV in the computer's regional settings. On a
French Windows that means:
- the list separator is `;`, because `,` is the decimal separator there: a file
  separated by commas lands in one column;
- without a byte-order mark, the bytes are read as Windows-1252, so "Élodie"
  shows as "Ã‰lodie"; with the UTF-8 BOM, Excel reads UTF-8;
- decimals written with a comma ("0,75") are numbers; with a dot they are text
  or, worse, dates.
LibreOffice and Python's csv module read such files too (LibreOffice asks for
the separator, and offers `;`). Lines end with CRLF, as RFC 4180 says.

Cells come from what youths and staff typed, so a cell starting with `=`, `+`,
`-`, `@` or a tab would run as a formula in Excel (CSV injection): such text is
prefixed with an apostrophe, which Excel shows as plain text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import TypeAlias

from core.i18n import Text

BOM = "\ufeff"
SEPARATOR = ";"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Turns a message into the reader's language: the panel passes its own, for the
# request's locale. CSV headers and labels are plain text, never HTML.
Render: TypeAlias = Callable[[Text], str]
Cell: TypeAlias = "str | int | float | Decimal | date | None"


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """The whole file as text, BOM first; the caller encodes it as UTF-8."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow([_cell(value) for value in header])
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def local_datetime(value: datetime | None, tz: tzinfo) -> str:
    """ "23/11/2026 14:00": the day and minute in the local time, as Excel parses it."""
    return "" if value is None else value.astimezone(tz).strftime("%d/%m/%Y %H:%M")


def local_date(value: datetime | date | None, tz: tzinfo) -> str:
    if value is None:
        return ""
    day = value.astimezone(tz).date() if isinstance(value, datetime) else value
    return day.strftime("%d/%m/%Y")


def decimal_comma(value: float | None, places: int = 3) -> str:
    """A decimal as French Excel reads a number: "0,375"."""
    return "" if value is None else f"{value:.{places}f}".replace(".", ",")


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("say a yes/no with a translated word, not a bool")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return decimal_comma(float(value))
    if isinstance(value, datetime):
        raise TypeError("give an instant as local_datetime(value, tz): Excel has no time zones")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
