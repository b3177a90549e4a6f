"""What a youth did, as the engine sees it: a command, text, a button, or what it cannot read."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypedDict, Unpack


class EventKind(StrEnum):
    COMMAND = "command"
    TEXT = "text"
    BUTTON = "button"
    UNSUPPORTED = "unsupported"


class EventMeta(TypedDict, total=False):
    """Facts about the update that come with every kind of event."""

    update_id: int | None
    language_code: str | None
    display_name: str
    username: str | None


@dataclass(frozen=True, slots=True)
class Event:
    """One update from one user.

    `name` is the command (lowercased, without "/" or "@botname"), the button id,
    or the unsupported kind ("sticker", "photo", "voice", "document", "location",
    "contact", "edited_message"…). `text` is the command's arguments (such as a
    deep-link payload) or the free text.
    """

    user_id: int
    kind: EventKind
    name: str = ""
    text: str = ""
    update_id: int | None = None
    language_code: str | None = None
    display_name: str = ""
    username: str | None = None

    @classmethod
    def command(cls, user_id: int, name: str, args: str = "", **meta: Unpack[EventMeta]) -> Event:
        name = name.removeprefix("/").split("@", 1)[0].lower()
        return cls(user_id, EventKind.COMMAND, name, args.strip(), **meta)

    @classmethod
    def message(cls, user_id: int, text: str, **meta: Unpack[EventMeta]) -> Event:
        return cls(user_id, EventKind.TEXT, "", text, **meta)

    @classmethod
    def button(cls, user_id: int, button_id: str, **meta: Unpack[EventMeta]) -> Event:
        return cls(user_id, EventKind.BUTTON, button_id, "", **meta)

    @classmethod
    def unsupported(cls, user_id: int, kind: str, **meta: Unpack[EventMeta]) -> Event:
        return cls(user_id, EventKind.UNSUPPORTED, kind, "", **meta)

    @classmethod
    def from_text(cls, user_id: int, raw: str, **meta: Unpack[EventMeta]) -> Event:
        """A typed line: "/start@PasserelleBot abc" is a command, anything else is text."""
        if len(raw) > 1 and raw.startswith("/") and not raw[1].isspace():
            parts = raw[1:].split(maxsplit=1)
            return cls.command(user_id, parts[0], parts[1] if len(parts) > 1 else "", **meta)
        return cls.message(user_id, raw, **meta)

    def with_update_id(self, update_id: int | None) -> Event:
        return replace(self, update_id=update_id)
