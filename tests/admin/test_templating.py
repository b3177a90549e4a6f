"""A page's translator: it writes each label, number and date once per page, in the page's
locale only, however the pages before it were written."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from admin.routes.dashboard_view import Numbers
from admin.templating import Translator
from core.stats import Rate
from core.stats_csv import NO_SITE
from tests.support.chat import compiled_catalogs

PARIS = ZoneInfo("Europe/Paris")
NNBSP = "\u202f"
NBSP = "\xa0"
DUE = datetime(2026, 11, 16, 13, 0, tzinfo=UTC)


def page(translator: Translator, locale: str) -> tuple[str, ...]:
    numbers = Numbers(locale)
    return (
        translator.tr(numbers.rate(Rate(1234, 4000))),
        translator.tr(NO_SITE),
        translator.when(DUE),
        translator.when(date(2026, 11, 16), "date"),
        translator.tn("{n} réponse", "{n} réponses", 1234),
        translator.t("{v}", v=2.5),
    )


FRENCH = (
    f"1{NNBSP}234/4{NNBSP}000 (31{NBSP}%)",
    "Sans site",
    "lun. 16 nov. à 14:00",
    "lundi 16 novembre",
    f"1{NNBSP}234 réponses",
    "2,5",
)
ENGLISH = (
    "1,234/4,000 (31%)",
    "No site",
    "Mon 16 Nov at 14:00",
    "Monday 16 November",
    "1,234 answers",
    "2.5",
)


def test_pages_in_french_english_then_french_each_written_in_their_own_locale() -> None:
    catalogs = compiled_catalogs()
    for locale, expected in (("fr", FRENCH), ("en", ENGLISH), ("fr", FRENCH)):
        translator = Translator(locale, catalogs, PARIS)
        # Twice on the same page: the second time from what the page remembered.
        assert page(translator, locale) == expected
        assert page(translator, locale) == expected


def test_a_date_and_a_datetime_of_the_same_day_stay_apart() -> None:
    translator = Translator("fr", compiled_catalogs(), PARIS)
    midnight = datetime(2026, 11, 16, tzinfo=PARIS)
    assert translator.t("{v}", v=date(2026, 11, 16)) == "lundi 16 novembre"
    assert translator.t("{v}", v=midnight) == "lundi 16 novembre à 00:00"
    assert translator.t("{v}", v=date(2026, 11, 16)) == "lundi 16 novembre"


def test_what_a_page_writes_is_escaped_once() -> None:
    translator = Translator("fr", compiled_catalogs(), PARIS)
    for _ in range(2):
        assert translator.t("{v}", v="<b>Site & co</b>") == "&lt;b&gt;Site &amp; co&lt;/b&gt;"
