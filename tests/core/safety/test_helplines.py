"""The helplines file: every entry sourced and dated, and shown by a line that says what it says."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from core.i18n import render_text
from core.safety.helplines import (
    HELPLINES_FILE,
    Helpline,
    HelplineDataError,
    UnknownHelpline,
    helpline_line,
    load_helplines,
)
from core.safety.responses import HELPLINES_FOR
from tests.support.chat import compiled_catalogs

PARIS = ZoneInfo("Europe/Paris")
# DESIGN.md §4, "Helplines (France)": every number of the table, shown exactly.
DESIGN_NUMBERS = {
    "115",
    "3114",
    "15",
    "112",
    "0 800 235 236",
    "17",
    "114",
    "3919",
    "119",
    "116 006",
    "3018",
    "0 800 23 13 13",
}


def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(HELPLINES_FILE.read_text(encoding="utf-8"))
    return document


def _entries() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = _document()["helplines"]
    return entries


HELPLINES = list(load_helplines().values())


def test_the_file_asks_for_a_review_before_launch() -> None:
    assert "before launch" in _document()["review"]


@pytest.mark.parametrize("entry", _entries(), ids=lambda entry: str(entry["id"]))
def test_every_entry_has_a_source_and_the_date_it_was_checked(entry: dict[str, Any]) -> None:
    assert re.fullmatch(r"https://[^\s/]+\.[a-z]+(/\S*)?", entry["source"])
    # The design's sources date from 2026: an older date would be a stale copy.
    assert date.fromisoformat(entry["checked_on"]) >= date(2026, 1, 1)
    assert entry["checked_against"].strip()


@pytest.mark.parametrize("entry", _entries(), ids=lambda entry: str(entry["id"]))
def test_every_entry_dials_the_digits_it_shows(entry: dict[str, Any]) -> None:
    assert re.fullmatch(r"[0-9]+", entry["dial"])
    assert entry["dial"] == re.sub(r"\D", "", entry["number"])


def test_the_file_holds_exactly_the_helplines_of_the_design() -> None:
    assert {helpline.number for helpline in HELPLINES} == DESIGN_NUMBERS
    assert len(HELPLINES) == len(DESIGN_NUMBERS)


def test_what_is_not_known_yet_stays_unknown() -> None:
    drugs = load_helplines()["drogues-info-service"]
    assert drugs.free is None
    assert drugs.hours is None


def test_only_the_114_is_reached_by_text_message() -> None:
    assert [helpline.id for helpline in HELPLINES if helpline.sms] == ["114"]


def test_every_helpline_the_responses_show_exists() -> None:
    shown = {helpline for ids in HELPLINES_FOR.values() for helpline in ids}
    assert shown
    assert shown <= set(load_helplines())


def test_loading_gives_a_fresh_mapping_each_time() -> None:
    first = load_helplines()
    first.clear()
    assert load_helplines(), "a caller's change must not leak into the next one"


# -- the lines ----------------------------------------------------------------


@pytest.mark.parametrize("helpline", HELPLINES, ids=lambda helpline: helpline.id)
def test_every_helpline_has_a_line_with_its_number_in_bold(helpline: Helpline) -> None:
    line = helpline_line(helpline)
    assert "<b>{number}</b>" in line.msgid
    assert line.args == {"number": helpline.number}


@pytest.mark.parametrize("helpline", HELPLINES, ids=lambda helpline: helpline.id)
def test_a_line_says_only_what_its_entry_says(helpline: Helpline) -> None:
    msgid = helpline_line(helpline).msgid
    assert ("gratuit" in msgid) is (helpline.free is True)
    assert ("24h/24" in msgid) is (helpline.hours == "24/7")
    if helpline.hours not in (None, "24/7"):
        assert str(helpline.hours) in msgid
    assert ("SMS" in msgid) is helpline.sms


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_every_line_shows_its_number_in_each_language(locale: str) -> None:
    catalogs = compiled_catalogs()
    for helpline in HELPLINES:
        rendered = render_text(helpline_line(helpline), locale, catalogs, PARIS)
        assert f"<b>{helpline.number}</b>" in rendered
        if locale == "en":
            assert "appelle" not in rendered, "the English line is still the French one"


def test_a_helpline_without_a_line_is_refused() -> None:
    unknown = Helpline(
        id="000",
        name="?",
        number="000",
        dial="000",
        sms=False,
        free=None,
        hours=None,
        languages=None,
        source="https://example.org",
        checked_on=date(2026, 11, 22),
        checked_against="test",
    )
    with pytest.raises(UnknownHelpline, match="000"):
        helpline_line(unknown)


# -- a malformed file is refused, naming the entry -------------------------------


def _write(tmp_path: Path, change: dict[str, Any], *, drop: str | None = None) -> Path:
    document = _document()
    entry = dict(document["helplines"][0]) | change
    if drop:
        del entry[drop]
    document["helplines"] = [entry, *document["helplines"][1:]]
    path = tmp_path / "helplines.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dial": "116"}, "dial must be the digits"),
        ({"dial": "11 5"}, "dial must be the digits"),
        ({"source": "http://example.org"}, "https://"),
        ({"source": ""}, "source must be a non-empty string"),
        ({"checked_on": "22/11/2026"}, "checked_on must be YYYY-MM-DD"),
        ({"checked_on": None}, "checked_on must be a non-empty string"),
        ({"free": "yes"}, "free must be true or false"),
        ({"sms": None}, "sms must be true or false"),
        ({"id": "Shelter 115"}, "an id is lower-case"),
        ({"id": "fil_sante_jeunes"}, "an id is lower-case"),
        ({"id": "3114"}, "duplicate ids"),
        ({"website": "https://example.org"}, "unknown \\['website'\\]"),
    ],
)
def test_a_malformed_entry_is_refused(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    with pytest.raises(HelplineDataError, match=message):
        load_helplines(_write(tmp_path, change))


@pytest.mark.parametrize("field", ["source", "checked_on", "checked_against"])
def test_an_entry_without_its_source_or_date_is_refused(tmp_path: Path, field: str) -> None:
    with pytest.raises(HelplineDataError, match=f"missing \\['{field}'\\]"):
        load_helplines(_write(tmp_path, {}, drop=field))


def test_a_file_without_its_review_note_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "helplines.json"
    path.write_text(json.dumps({"helplines": _entries()}), encoding="utf-8")
    with pytest.raises(HelplineDataError, match="review"):
        load_helplines(path)
