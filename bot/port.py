"""The Bot API calls an answer needs, as both adapters make them, and messages cut to size."""

from __future__ import annotations

from typing import Protocol

from flows.render import RenderedDocument, RenderedVenue

Keyboard = list[list[tuple[str, str]]]
"""Rows of (button id, label), as rendered."""

# Telegram refuses longer messages; a longer answer goes out as several, cut between
# paragraphs, with the buttons under the last one.
MAX_MESSAGE_LENGTH = 4096


class TelegramPort(Protocol):
    """The Bot API calls the answers need; each raises `bot.sender.ApiError` on a refusal."""

    async def send_text(self, chat_id: int, html: str, keyboard: Keyboard) -> int | None: ...

    async def edit_text(
        self, chat_id: int, message_id: int, html: str, keyboard: Keyboard
    ) -> int | None: ...

    async def send_venue(self, chat_id: int, venue: RenderedVenue) -> int | None: ...

    async def send_document(self, chat_id: int, document: RenderedDocument) -> int | None: ...

    async def answer_callback(self, callback_id: str) -> None: ...

    async def set_commands(
        self, commands: list[tuple[str, str]], language_code: str | None
    ) -> None: ...


def split_message(html: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Cut a message that Telegram would refuse into parts, between paragraphs if possible.

    Tags never span paragraphs in our messages, so a cut at a blank line keeps the
    HTML valid; a single paragraph longer than the limit is cut between lines, then
    anywhere outside an entity (only escaped user text gets that long).
    """
    parts: list[str] = []
    current = ""
    for paragraph in html.split("\n\n"):
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        while len(paragraph) > limit:
            cut = paragraph.rfind("\n", 0, limit)
            cut = cut if cut > 0 else _outside_entity(paragraph, limit)
            parts.append(paragraph[:cut])
            paragraph = paragraph[cut:].lstrip("\n")
        current = paragraph
    if current:
        parts.append(current)
    return parts


def _outside_entity(text: str, limit: int) -> int:
    """Where to cut at most `limit` characters in without splitting an entity such as &amp;."""
    amp = text.rfind("&", max(limit - 8, 0), limit)
    return amp if amp > 0 and ";" not in text[amp:limit] else limit
