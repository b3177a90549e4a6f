"""How a flow declares its conversation graph, and how the engine merges them.

Each flow states in one `Flow` value everything it answers to: its steps, the
commands and button prefixes it owns, its main-menu entries and its
interceptors. The engine merges the flows once, at construction, and refuses two
flows claiming the same command, prefix or menu entry, so a routing clash is a
start-up error rather than a youth's tap going to the wrong place.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from core.i18n import Text

if TYPE_CHECKING:
    from flows.context import Context

Handler = Callable[["Context"], Awaitable[None]]
Interceptor = Callable[["Context"], Awaitable[bool]]
"""Sees every event before routing (safety keywords, consent); True means it answered."""

MENU_PREFIX = "menu"
_T = TypeVar("_T")
_NAME = re.compile(r"[a-z0-9_]{1,32}")


@dataclass(frozen=True, slots=True)
class Step:
    """A point in a flow: `show` (re)asks its question; `on_text` takes free text, if any."""

    show: Handler
    on_text: Handler | None = None


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command.

    Only commands with a description are listed (help, Telegram's command menu),
    and only in `locales` when given: "/aide" for French speakers, its alias
    "/help" for English ones. Every command works in every locale.
    """

    handler: Handler
    description: Text | None = None
    locales: tuple[str, ...] | None = None

    def listed_in(self, locale: str) -> bool:
        return self.description is not None and (self.locales is None or locale in self.locales)


@dataclass(frozen=True, slots=True)
class ButtonRoute:
    """Handles button ids "<prefix>:…".

    Step-bound buttons are accepted only while they are on the last keyboard
    shown. Standalone ones are accepted at any time, so their handler must
    re-check its target in the database (a reminder's "I'm coming" for a booking
    that may have been cancelled since).
    """

    handler: Handler
    standalone: bool = False


class Audience(StrEnum):
    """Who sees a menu entry: most need consent; a newcomer sees how to begin."""

    CONSENTED = "consented"
    NEWCOMER = "newcomer"
    EVERYONE = "everyone"


@dataclass(frozen=True, slots=True)
class MenuEntry:
    """A main-menu button "menu:<key>", contributed by the flow that serves it."""

    key: str
    label: Text
    order: int
    open: Handler
    audience: Audience = Audience.CONSENTED

    def shown_to(self, consented: bool) -> bool:
        if self.audience is Audience.EVERYONE:
            return True
        return consented == (self.audience is Audience.CONSENTED)

    @property
    def button_id(self) -> str:
        return f"{MENU_PREFIX}:{self.key}"


@dataclass(frozen=True, slots=True)
class Flow:
    name: str
    steps: Mapping[str, Step] = field(default_factory=dict)
    commands: Mapping[str, Command] = field(default_factory=dict)
    buttons: Mapping[str, ButtonRoute] = field(default_factory=dict)
    menu: Sequence[MenuEntry] = ()
    interceptors: Sequence[Interceptor] = ()


class RoutingConflict(ValueError):
    """Two flows claim the same name, command, prefix or menu entry; or a name is malformed."""


class Routes:
    """Every flow's declarations merged into lookup tables."""

    def __init__(self, flows: Sequence[Flow]) -> None:
        self.flows: dict[str, Flow] = {}
        self.commands: dict[str, Command] = {}
        self.buttons: dict[str, ButtonRoute] = {}
        self.interceptors: list[Interceptor] = []
        menu: dict[str, MenuEntry] = {}
        for flow in flows:
            _claim(self.flows, _checked(flow.name, "flow name"), flow, "flow")
            for step in flow.steps:
                _checked(step, f"step of {flow.name!r}")
            for name, command in flow.commands.items():
                _claim(self.commands, _checked(name, "command"), command, f"command /{name}")
            for prefix, route in flow.buttons.items():
                if prefix == MENU_PREFIX:
                    raise RoutingConflict(f"flow {flow.name!r} claims the menu's prefix")
                _claim(self.buttons, _checked(prefix, "button prefix"), route, f"prefix {prefix!r}")
            for entry in flow.menu:
                _claim(menu, _checked(entry.key, "menu key"), entry, f"menu entry {entry.key!r}")
            self.interceptors.extend(flow.interceptors)
        self.menu: tuple[MenuEntry, ...] = tuple(sorted(menu.values(), key=lambda e: e.order))

    def step(self, flow: str, step: str) -> Step | None:
        found = self.flows.get(flow)
        return found.steps.get(step) if found is not None else None

    def menu_entry(self, key: str) -> MenuEntry | None:
        return next((entry for entry in self.menu if entry.key == key), None)

    def described_commands(self, locale: str) -> list[tuple[str, Text]]:
        """Commands to list in `locale` (help, Telegram's command menu), in declaration order."""
        return [
            (name, command.description)
            for name, command in self.commands.items()
            if command.description is not None and command.listed_in(locale)
        ]


def _checked(name: str, what: str) -> str:
    if not _NAME.fullmatch(name):
        raise RoutingConflict(f"{what} {name!r} must match {_NAME.pattern}")
    return name


def _claim(table: dict[str, _T], key: str, value: _T, what: str) -> None:
    if key in table:
        raise RoutingConflict(f"{what} is declared twice")
    table[key] = value
