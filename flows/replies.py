"""What the engine answers: messages as `Text` values, buttons with stable ids, venues, documents.

Nothing here is translated; `flows.render` does that in the youth's locale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from core.i18n import Text

# Telegram refuses callback data longer than this many bytes.
MAX_BUTTON_ID_BYTES = 64

Label = Text | str
"""A button label: a message to translate, or data shown as is (a language's own name)."""


@dataclass(frozen=True, slots=True)
class Button:
    """A button; adapters route on `id` ("lang:fr", "menu:help"), never on the label."""

    id: str
    label: Label

    def __post_init__(self) -> None:
        size = len(self.id.encode())
        if not self.id or size > MAX_BUTTON_ID_BYTES:
            raise ValueError(
                f"button id {self.id!r} is {size} bytes; Telegram allows 1 to {MAX_BUTTON_ID_BYTES}"
            )


Keyboard = tuple[tuple[Button, ...], ...]


def keyboard(rows: Iterable[Button | Sequence[Button]]) -> Keyboard:
    """Rows of buttons; a bare `Button` is a row of its own."""
    return tuple((row,) if isinstance(row, Button) else tuple(row) for row in rows)


@dataclass(frozen=True, slots=True)
class Venue:
    """A place shown as a map pin; the address is data, shown as is."""

    title: Label
    address: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Document:
    filename: str
    content: bytes
    mime_type: str
    caption: Text | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to send (or, with `edit`, the new content of the message tapped).

    `text` may be several paragraphs, each a whole message id; they are joined
    with a blank line so one idea stays one msgid while one message carries them.
    """

    text: Text | tuple[Text, ...] | None = None
    buttons: Keyboard = ()
    edit: bool = False
    venue: Venue | None = None
    document: Document | None = None

    @property
    def paragraphs(self) -> tuple[Text, ...]:
        if self.text is None:
            return ()
        return self.text if isinstance(self.text, tuple) else (self.text,)

    @property
    def button_ids(self) -> list[str]:
        return [button.id for row in self.buttons for button in row]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The answer to one event, with the locale to render it in."""

    locale: str
    replies: list[Reply] = field(default_factory=list)
    # The event failed for want of the database and nothing of it was stored: a
    # webhook should answer 5xx so Telegram delivers the update again later.
    retry_later: bool = False
