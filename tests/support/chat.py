"""A chat with the engine, as a youth on Telegram would have it, for flow tests.

    chat = make_chat(database, clock, settings, language_code="fr")
    await chat.send("/start site-paris-centre")
    assert chat.buttons == ["lang:fr", "lang:en"]
    await chat.tap("lang:en")
    assert "What would you like to do?" in chat.text

`text` is the plain text of the last event's replies, with narrow and
no-break spaces made plain and typographic apostrophes made straight, so
assertions read like ordinary strings; `raw_text` keeps them. `buttons` and
`button_labels` are those of the last keyboard shown in the conversation, which
stays on screen when a later answer has none.

The engine ignores a second tap on the same button within a few seconds (a
double tap). To tap the same button again on purpose, move the test's clock
past `flows.engine.DOUBLE_TAP_WINDOW` first.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import tzinfo
from functools import cache

from core.clock import Clock
from core.config import Settings
from core.db import Database
from core.i18n import Catalogs, compile_catalogs
from flows.app import build_engine
from flows.engine import ConversationEngine
from flows.events import Event, EventMeta
from flows.render import RenderedReply, render_outcome

# Telegram numbers updates per bot, not per chat: share one sequence.
_update_ids = itertools.count(1)
_READABLE = str.maketrans({"\u202f": " ", "\u00a0": " ", "’": "'"})


@cache
def compiled_catalogs() -> Catalogs:
    """The product's catalogues, compiled first if a `.po` changed since the last build."""
    compile_catalogs()
    return Catalogs()


def make_chat(
    database: Database,
    clock: Clock,
    settings: Settings,
    *,
    user_id: int = 4242,
    language_code: str | None = None,
    display_name: str = "Sam",
) -> ChatSimulator:
    """A chat with the product's engine (every flow registered)."""
    catalogs = compiled_catalogs()
    engine = build_engine(database, clock, settings, catalogs)
    return ChatSimulator(
        engine,
        catalogs,
        settings.tz,
        user_id=user_id,
        language_code=language_code,
        display_name=display_name,
    )


@dataclass(frozen=True)
class Exchange:
    sent: str
    locale: str
    replies: list[RenderedReply]


class ChatSimulator:
    """One youth talking to an engine; every update gets a fresh update id."""

    def __init__(
        self,
        engine: ConversationEngine,
        catalogs: Catalogs,
        tz: tzinfo,
        *,
        user_id: int = 4242,
        language_code: str | None = None,
        display_name: str = "Sam",
        username: str | None = None,
    ) -> None:
        self.engine = engine
        self.catalogs = catalogs
        self.tz = tz
        self.user_id = user_id
        self.language_code = language_code
        self.display_name = display_name
        self.username = username
        self.history: list[Exchange] = []
        self.shown: set[str] = set()
        self._keyboard: list[list[tuple[str, str]]] = []
        # The last event delivered, to deliver it again or hand it to another engine.
        self.last_event: Event | None = None

    # -- acting --------------------------------------------------------------

    async def send(self, raw: str) -> list[RenderedReply]:
        """Type a line: "/command args" or free text."""
        return await self.deliver(Event.from_text(self.user_id, raw, **self._meta()), raw)

    async def tap(self, button_id: str) -> list[RenderedReply]:
        """Tap a button shown at some point in this chat (old messages keep their buttons)."""
        assert button_id in self.shown, (
            f"{button_id!r} was never shown in this chat; use tap_unchecked() on purpose\n"
            + self.transcript
        )
        return await self.tap_unchecked(button_id)

    async def tap_unchecked(self, button_id: str) -> list[RenderedReply]:
        """Send a button id the chat never showed: a tampered client or another sender's button."""
        event = Event.button(self.user_id, button_id, **self._meta())
        return await self.deliver(event, f"[tap {button_id}]")

    async def send_unsupported(self, kind: str) -> list[RenderedReply]:
        """Send what the bot cannot read: "sticker", "photo", "voice"…"""
        event = Event.unsupported(self.user_id, kind, **self._meta())
        return await self.deliver(event, f"[{kind}]")

    async def resend(self) -> list[RenderedReply]:
        """Telegram redelivers the last update, with the same update id."""
        assert self.last_event is not None, "nothing was sent yet"
        return await self.deliver(
            self.last_event, f"[redelivery of update {self.last_event.update_id}]"
        )

    async def deliver(self, event: Event, label: str | None = None) -> list[RenderedReply]:
        self.last_event = event
        outcome = await self.engine.handle(event)
        replies = render_outcome(outcome, self.catalogs, self.tz)
        self.history.append(Exchange(label or repr(event), outcome.locale, replies))
        if any(reply.keyboard for reply in replies):
            self._keyboard = [row for reply in replies for row in reply.keyboard]
            self.shown.update(button_id for reply in replies for button_id in reply.button_ids)
        return replies

    def _meta(self) -> EventMeta:
        return {
            "update_id": next(_update_ids),
            "language_code": self.language_code,
            "display_name": self.display_name,
            "username": self.username,
        }

    # -- looking ---------------------------------------------------------------

    @property
    def replies(self) -> list[RenderedReply]:
        """The rendered replies to the last event."""
        return self.history[-1].replies if self.history else []

    @property
    def raw_text(self) -> str:
        return "\n\n".join(reply.plain_text for reply in self.replies if reply.html)

    @property
    def text(self) -> str:
        return self.raw_text.translate(_READABLE)

    @property
    def buttons(self) -> list[str]:
        return [button_id for row in self._keyboard for button_id, _ in row]

    @property
    def button_labels(self) -> list[str]:
        return [label.translate(_READABLE) for row in self._keyboard for _, label in row]

    @property
    def locale(self) -> str:
        assert self.history, "nothing was sent yet"
        return self.history[-1].locale

    @property
    def transcript(self) -> str:
        """The whole conversation, for assertion messages."""
        lines = []
        for exchange in self.history:
            lines.append(f"> {exchange.sent}")
            for reply in exchange.replies:
                lines.extend(f"< {line}" for line in reply.plain_text.splitlines())
                lines.extend(
                    f"  [{button_id}] {label}" for row in reply.keyboard for button_id, label in row
                )
                if reply.venue is not None:
                    lines.append(f"< 📍 {reply.venue.title} — {reply.venue.address}")
                if reply.document is not None:
                    lines.append(f"< 📎 {reply.document.filename}")
            if not exchange.replies:
                lines.append("  (no reply)")
        return "\n".join(lines)
