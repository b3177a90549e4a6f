"""The bot preview's conversations: one throwaway youth and one transcript per staff account.

The same engine as Telegram (`flows.app.build_engine`) handles every event, against
a Telegram user id no real youth can have: `-(1_000_000 + staff id)`. Bookings made
here are real rows on real slots, which is the point (staff see what a youth sees);
`reset` throws the throwaway youth away (`core.erasure.discard_staff_preview`),
which frees those seats and leaves no trace in the coordinators' figures.

The transcript lives in memory, per panel app and per staff account, not in the
session: the session is a signed cookie, far too small for a conversation and its
calendar files. It is lost when the panel restarts, and each worker process keeps
its own; the conversation's state is in the database, so typing /start or /menu
picks it up again.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field

from fastapi import FastAPI
from markupsafe import Markup, escape

from admin.routes.preview_html import telegram_html
from admin.state import Panel
from core.erasure import discard_staff_preview
from flows.app import build_engine
from flows.engine import ConversationEngine
from flows.events import Event
from flows.render import RenderedDocument, RenderedReply, RenderedVenue, render_outcome

THROWAWAY_BASE = 1_000_000
# Enough to scroll back through a whole booking; older bubbles drop off the top.
MAX_BUBBLES = 120
MAX_DOCUMENTS = 20
# Telegram's own limit for one message.
MAX_TEXT = 4096


def throwaway_user_id(staff_id: int) -> int:
    """The Telegram user id the preview speaks as for this staff account (never a real one)."""
    return -(THROWAWAY_BASE + staff_id)


@dataclass(frozen=True, slots=True)
class Bubble:
    """One message on screen: the staff's (plain text) or the bot's (Telegram HTML)."""

    from_bot: bool
    text: str
    keyboard: list[list[tuple[str, str]]] = field(default_factory=list)
    venue: RenderedVenue | None = None
    document_number: int | None = None
    document_name: str = ""
    caption: str | None = None

    @property
    def html(self) -> Markup:
        # The bot's messages are Telegram HTML (bold, links); the staff's are plain text.
        return telegram_html(self.text) if self.from_bot else escape(self.text)

    @property
    def caption_html(self) -> Markup | None:
        return telegram_html(self.caption) if self.caption is not None else None


@dataclass
class Transcript:
    bubbles: deque[Bubble] = field(default_factory=lambda: deque(maxlen=MAX_BUBBLES))
    documents: dict[int, RenderedDocument] = field(default_factory=dict)
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def label_of(self, button_id: str) -> str:
        """The label of a button shown in this conversation (the latest one wins)."""
        for bubble in reversed(self.bubbles):
            for row in bubble.keyboard:
                for shown_id, label in row:
                    if shown_id == button_id:
                        return label
        return button_id

    def add_replies(self, replies: list[RenderedReply]) -> None:
        for reply in replies:
            number, name, caption = None, "", None
            if reply.document is not None:
                number = next(self._numbers)
                self.documents[number] = reply.document
                for old in sorted(self.documents)[:-MAX_DOCUMENTS]:
                    del self.documents[old]
                name, caption = reply.document.filename, reply.document.caption
            self.bubbles.append(
                Bubble(True, reply.html or "", reply.keyboard, reply.venue, number, name, caption)
            )


class PreviewChats:
    """Every staff account's preview conversation, over one engine."""

    def __init__(self, panel: Panel) -> None:
        self._panel = panel
        self._engine: ConversationEngine = build_engine(
            panel.database, panel.clock, panel.settings, panel.catalogs
        )
        self._transcripts: dict[int, Transcript] = {}

    def transcript(self, staff_id: int) -> Transcript:
        return self._transcripts.setdefault(staff_id, Transcript())

    async def send(self, staff_id: int, name: str, line: str, language: str | None) -> None:
        """The staff typed a line: a /command or text."""
        line = line.strip()[:MAX_TEXT]
        if not line:
            return
        self.transcript(staff_id).bubbles.append(Bubble(False, line))
        user_id = throwaway_user_id(staff_id)
        event = Event.from_text(user_id, line, display_name=name, language_code=language)
        await self._handle(staff_id, event)

    async def tap(self, staff_id: int, name: str, button_id: str, language: str | None) -> None:
        """The staff tapped a button shown earlier (the engine refuses stale ones, as Telegram)."""
        button_id = button_id.strip()
        if not button_id:
            return
        transcript = self.transcript(staff_id)
        transcript.bubbles.append(Bubble(False, transcript.label_of(button_id)))
        user_id = throwaway_user_id(staff_id)
        event = Event.button(user_id, button_id, display_name=name, language_code=language)
        await self._handle(staff_id, event)

    async def reset(self, staff_id: int) -> None:
        """Throw the throwaway youth away (freeing any seat it holds) with its conversation."""
        panel = self._panel
        async with panel.database.transaction() as session:
            await discard_staff_preview(
                session,
                throwaway_user_id(staff_id),
                panel.clock.now(),
                reminder_offsets=panel.settings.reminder_offsets_for,
            )
        self._transcripts.pop(staff_id, None)

    async def _handle(self, staff_id: int, event: Event) -> None:
        outcome = await self._engine.handle(event)
        replies = render_outcome(outcome, self._panel.catalogs, self._panel.settings.tz)
        self.transcript(staff_id).add_replies(replies)


def preview_chats(app: FastAPI, panel: Panel) -> PreviewChats:
    """The app's preview conversations, made at first use (nothing is built at import)."""
    chats: PreviewChats | None = getattr(app.state, "preview_chats", None)
    if chats is None:
        chats = PreviewChats(panel)
        app.state.preview_chats = chats
    return chats
