"""What a Telegram update means to the engine, the same for both adapters."""

from __future__ import annotations

from typing import Any

import pytest

from bot.port import split_message
from bot.updates import checked_update, incoming_from_update
from flows.events import EventKind
from tests.support.fake_telegram import (
    callback_update,
    contact_update,
    document_update,
    edited_message_update,
    location_update,
    message_update,
    photo_update,
    sticker_update,
    voice_update,
)


def test_a_command_with_a_deep_link_payload() -> None:
    update = message_update(42, "/start maraude-2026-12", language_code="uk", first_name="Olena")
    incoming = incoming_from_update(update)
    assert incoming is not None
    event = incoming.event
    assert (event.kind, event.name, event.text) == (EventKind.COMMAND, "start", "maraude-2026-12")
    assert (event.update_id, event.language_code, event.display_name) == (
        update["update_id"],
        "uk",
        "Olena",
    )
    assert (incoming.chat_id, incoming.callback_id, incoming.message_id) == (42, None, None)


def test_a_command_addressed_to_the_bot_by_name() -> None:
    incoming = incoming_from_update(message_update(42, "/Aide@passerelle_test_bot"))
    assert incoming is not None
    assert (incoming.event.kind, incoming.event.name) == (EventKind.COMMAND, "aide")


def test_free_text() -> None:
    incoming = incoming_from_update(message_update(42, "je dors dehors"))
    assert incoming is not None
    assert (incoming.event.kind, incoming.event.text) == (EventKind.TEXT, "je dors dehors")


def test_a_tapped_button_keeps_its_query_and_message() -> None:
    update = callback_update(42, "lang:fr", message_id=17)
    incoming = incoming_from_update(update)
    assert incoming is not None
    assert (incoming.event.kind, incoming.event.name) == (EventKind.BUTTON, "lang:fr")
    assert incoming.callback_id == str(update["callback_query"]["id"])
    assert (incoming.chat_id, incoming.message_id) == (42, 17)


@pytest.mark.parametrize(
    ("update", "kind"),
    [
        (sticker_update(42), "sticker"),
        (photo_update(42, caption="mon CV"), "photo"),
        (voice_update(42), "voice"),
        (document_update(42), "document"),
        (location_update(42), "location"),
        (contact_update(42), "contact"),
        (edited_message_update(42, "corrigé"), "edited_message"),
    ],
)
def test_what_the_bot_cannot_read_is_named(update: dict[str, Any], kind: str) -> None:
    incoming = incoming_from_update(update)
    assert incoming is not None
    assert (incoming.event.kind, incoming.event.name) == (EventKind.UNSUPPORTED, kind)


def test_groups_and_other_updates_are_not_served() -> None:
    in_a_group = message_update(42, "/start")
    in_a_group["message"]["chat"] = {"id": -100, "type": "group", "title": "Amis"}
    assert incoming_from_update(in_a_group) is None
    assert incoming_from_update({"update_id": 5, "my_chat_member": {}}) is None
    assert incoming_from_update({"update_id": 6}) is None


def test_a_short_message_is_sent_whole() -> None:
    assert split_message("<b>Salut</b>\n\nÇa va ?") == ["<b>Salut</b>\n\nÇa va ?"]


def test_a_long_message_is_cut_between_paragraphs() -> None:
    paragraphs = [f"<b>{n}</b> " + "x" * 1500 for n in range(5)]
    parts = split_message("\n\n".join(paragraphs), limit=4096)
    assert parts == ["\n\n".join(paragraphs[:2]), "\n\n".join(paragraphs[2:4]), paragraphs[4]]
    assert all(len(part) <= 4096 for part in parts)


def test_one_huge_paragraph_is_cut_between_lines_then_outside_entities() -> None:
    lines = "\n".join("y" * 90 for _ in range(100))
    assert all(len(part) <= 4096 for part in split_message(lines))
    assert "".join(split_message(lines)).replace("\n", "") == lines.replace("\n", "")
    escaped = "a" * 4094 + "&amp;" + "b" * 10
    parts = split_message(escaped)
    assert parts[0] == "a" * 4094
    assert parts[1].startswith("&amp;")


def test_a_webhook_update_passes_as_it_came() -> None:
    update = message_update(42, "bonjour")
    assert checked_update(update) is update
    not_served = {"update_id": 7, "poll": {"id": "1"}}
    assert checked_update(not_served) is not_served, "acknowledged, then left alone"


@pytest.mark.parametrize(
    "data",
    [
        [],
        "update",
        {"message": {}},
        {"update_id": "7"},
        {"update_id": True},
        {"update_id": 7, "message": {"from": {}, "chat": {"id": 1, "type": "private"}}},
        {"update_id": 7, "callback_query": {"from": {"id": "x"}, "data": "lang:fr"}},
    ],
)
def test_what_is_not_an_update_is_refused(data: Any) -> None:
    with pytest.raises(ValueError, match="not an update"):
        checked_update(data)
