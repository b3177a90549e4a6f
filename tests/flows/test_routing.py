"""Events are parsed as Telegram sends them; routes are declared once and clash loudly."""

from __future__ import annotations

import pytest

from core.i18n import t
from flows.context import Context
from flows.events import Event, EventKind
from flows.replies import MAX_BUTTON_ID_BYTES, Button, keyboard
from flows.routing import ButtonRoute, Command, Flow, MenuEntry, Routes, RoutingConflict, Step
from flows.start import start_flow


async def _noop(ctx: Context) -> None:
    return None


@pytest.mark.parametrize(
    ("raw", "kind", "name", "text"),
    [
        ("/start", EventKind.COMMAND, "start", ""),
        ("/start site-paris-centre", EventKind.COMMAND, "start", "site-paris-centre"),
        ("/START@PasserelleBot  abc def ", EventKind.COMMAND, "start", "abc def"),
        ("/aide@PasserelleBot", EventKind.COMMAND, "aide", ""),
        ("/", EventKind.TEXT, "", "/"),
        ("/ salut", EventKind.TEXT, "", "/ salut"),
        ("bonjour /start", EventKind.TEXT, "", "bonjour /start"),
        ("", EventKind.TEXT, "", ""),
    ],
)
def test_typed_lines_become_commands_or_text(
    raw: str, kind: EventKind, name: str, text: str
) -> None:
    event = Event.from_text(5, raw, update_id=9, language_code="fr")
    assert (event.kind, event.name, event.text) == (kind, name, text)
    assert (event.user_id, event.update_id, event.language_code) == (5, 9, "fr")


def test_other_constructors() -> None:
    assert Event.button(5, "lang:fr").kind is EventKind.BUTTON
    assert Event.button(5, "lang:fr").name == "lang:fr"
    assert Event.unsupported(5, "sticker").name == "sticker"
    assert Event.command(5, "/Menu").name == "menu"
    assert Event.message(5, "x").with_update_id(3).update_id == 3


def test_a_button_id_longer_than_telegram_allows_is_refused() -> None:
    assert Button("x" * MAX_BUTTON_ID_BYTES, "ok").id
    with pytest.raises(ValueError, match="64"):
        Button("x" * (MAX_BUTTON_ID_BYTES + 1), "too long")
    with pytest.raises(ValueError, match="bytes"):
        Button("é" * 33, "66 bytes in UTF-8")
    with pytest.raises(ValueError, match="1 to 64"):
        Button("", "empty")


def test_keyboard_rows() -> None:
    a, b, c = Button("a:1", "A"), Button("b:1", "B"), Button("c:1", "C")
    assert keyboard([a, [b, c]]) == ((a,), (b, c))


@pytest.mark.parametrize(
    "second",
    [
        Flow(name="start"),
        Flow(name="other", commands={"aide": Command(_noop)}),
        Flow(name="other", buttons={"lang": ButtonRoute(_noop)}),
        Flow(name="other", buttons={"menu": ButtonRoute(_noop)}),
        Flow(name="other", menu=[MenuEntry("help", t("Aide"), 1, _noop)]),
        Flow(name="other", commands={"Aide": Command(_noop)}),
        Flow(name="other", buttons={"a:b": ButtonRoute(_noop)}),
    ],
    ids=["flow", "command", "prefix", "menu-prefix", "menu-key", "upper-case", "colon"],
)
def test_clashing_or_malformed_routes_fail_at_construction(second: Flow) -> None:
    with pytest.raises(RoutingConflict):
        Routes([start_flow(), second])


def test_menu_entries_are_merged_in_order() -> None:
    extra = Flow(
        name="booking",
        steps={"list": Step(show=_noop)},
        menu=[MenuEntry("book", t("Réserver"), 10, _noop)],
    )
    routes = Routes([start_flow(), extra])
    assert [entry.button_id for entry in routes.menu] == ["menu:book", "menu:lang", "menu:help"]
    assert routes.step("booking", "list") is not None
    assert routes.step("booking", "gone") is None
    assert routes.step("gone", "list") is None


def test_commands_are_listed_in_the_youth_language() -> None:
    routes = Routes([start_flow()])
    assert [name for name, _ in routes.described_commands("fr")] == [
        "start",
        "menu",
        "aide",
        "langue",
        "annuler",
    ]
    assert [name for name, _ in routes.described_commands("en")] == [
        "start",
        "menu",
        "help",
        "language",
        "cancel",
    ]
