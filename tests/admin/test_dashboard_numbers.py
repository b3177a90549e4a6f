"""The dashboard's numbers, remembered once written: each locale keeps its own way of
writing them, whichever locale asked first."""

from __future__ import annotations

from admin.routes.dashboard_view import Numbers
from core.stats import Rate

NNBSP = "\u202f"  # French groups thousands with a narrow no-break space
NBSP = "\xa0"


def written(locale: str) -> tuple[object, ...]:
    numbers = Numbers(locale)
    return (
        numbers.count(1234.5),
        numbers.count(2),
        numbers.percent(0.25),
        numbers.average(4.3),
        numbers.average(4),
        numbers.average(None),
        numbers.rate(Rate(1234, 4000)).args,
        numbers.rate(Rate(0, 0)).args,
    )


FRENCH = (
    f"1{NNBSP}234,5",
    "2",
    f"25{NBSP}%",
    "4,3",
    "4,0",
    "—",
    {"numerator": f"1{NNBSP}234", "denominator": f"4{NNBSP}000", "percent": f"31{NBSP}%"},
    {"numerator": "0", "denominator": "0", "percent": "—"},
)
ENGLISH = (
    "1,234.5",
    "2",
    "25%",
    "4.3",
    "4.0",
    "—",
    {"numerator": "1,234", "denominator": "4,000", "percent": "31%"},
    {"numerator": "0", "denominator": "0", "percent": "—"},
)


def test_french_then_english_then_french_each_in_its_own_way() -> None:
    assert [written(locale) for locale in ("fr", "en", "fr", "en")] == [
        FRENCH,
        ENGLISH,
        FRENCH,
        ENGLISH,
    ]


def test_english_first_changes_nothing_for_french() -> None:
    # Other figures than above, so that English writes them before French ever does.
    english, french = Numbers("en"), Numbers("fr")
    assert english.count(98765) == "98,765"
    assert french.count(98765) == f"98{NNBSP}765"
    assert english.percent(0.125) == "12%"
    assert french.percent(0.125) == f"12{NBSP}%"
