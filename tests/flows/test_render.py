"""Replies rendered for a screen: HTML text, plain labels, venues and documents."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from core.i18n import Catalogs, When, t
from flows.notices import MENU_PROMPT, STALE_BUTTON
from flows.render import render, to_plain_text
from flows.replies import Button, Document, Reply, Venue, keyboard
from tests.support.chat import compiled_catalogs

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def catalogs() -> Catalogs:
    return compiled_catalogs()


def test_paragraphs_are_joined_by_a_blank_line(catalogs: Catalogs) -> None:
    rendered = render(Reply((STALE_BUTTON, MENU_PROMPT)), "en", catalogs, PARIS)
    assert rendered.html == "This button no longer works.\n\nWhat would you like to do?"
    assert rendered.keyboard == []
    assert (rendered.edit, rendered.venue, rendered.document) == (False, None, None)


def test_labels_are_plain_text_and_ids_stay(catalogs: Catalogs) -> None:
    buttons = keyboard(
        [
            [
                Button("menu:help", t("❓ Aide")),
                Button("slot:7", t("Atelier {title}", title="CV & <b>")),
            ]
        ]
    )
    rendered = render(Reply(MENU_PROMPT, buttons, edit=True), "en", catalogs, PARIS)
    assert rendered.keyboard == [[("menu:help", "❓ Help"), ("slot:7", "Atelier CV & <b>")]]
    assert rendered.button_ids == ["menu:help", "slot:7"]
    assert rendered.edit is True


def test_venue_and_document(catalogs: Catalogs) -> None:
    when = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)
    reply = Reply(
        venue=Venue("Linkee <Paris 20>", "12 rue des Pyrénées, 75020 Paris", 48.86, 2.4),
        document=Document(
            "rdv.ics", b"BEGIN:VCALENDAR", "text/calendar", t("Le {when}", when=When(when))
        ),
    )
    rendered = render(reply, "fr", catalogs, PARIS)
    assert rendered.html is None
    assert rendered.venue is not None
    assert rendered.venue.title == "Linkee <Paris 20>"
    assert (rendered.venue.latitude, rendered.venue.longitude) == (48.86, 2.4)
    assert rendered.document is not None
    assert rendered.document.caption == "Le jeudi 26 novembre à 14:00"
    assert rendered.document.content == b"BEGIN:VCALENDAR"


def test_to_plain_text_strips_tags_and_decodes_entities() -> None:
    assert (
        to_plain_text("<b>Atelier</b> CV &amp; <i>entretien</i> &lt;3")
        == "Atelier CV & entretien <3"
    )
