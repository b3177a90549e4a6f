"""One update through the engine and its answer back to Telegram, the same for both adapters.

An adapter (aiogram or python-telegram-bot) receives updates its own way,
polling or webhook, and hands each one here as the Bot API's JSON; it also
provides a `TelegramPort`, the few API calls the answers need, made with its
library. Everything between is shared: the event, one youth's updates in order,
the engine, rendering in the youth's language, pacing through the `Sender`,
editing a message or sending a new one when the edit is refused, and answering
every tapped button even when something fails.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import tzinfo
from typing import Any, Protocol

from bot.sender import FailureKind, Sender, SendResult
from bot.updates import Incoming, incoming_from_update
from core.i18n import Catalogs, render_text
from flows.engine import ConversationEngine
from flows.locks import KeyedLock
from flows.notices import SOMETHING_WENT_WRONG
from flows.render import RenderedDocument, RenderedReply, RenderedVenue, render_outcome
from flows.replies import Outcome

log = logging.getLogger("passerelle.bot")

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


class Conversations:
    def __init__(
        self,
        engine: ConversationEngine,
        catalogs: Catalogs,
        tz: tzinfo,
        sender: Sender,
        port: TelegramPort,
    ) -> None:
        self._engine = engine
        self._catalogs = catalogs
        self._tz = tz
        self._sender = sender
        self._port = port
        # Held from the engine call to the last reply sent, so one youth's answers
        # never interleave; the engine's own lock only covers its transaction.
        self._locks = KeyedLock()
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def handle_update(self, update: Mapping[str, Any]) -> Outcome | None:
        """Handle one update's JSON; None when it is nothing the bot serves."""
        incoming = incoming_from_update(update)
        if incoming is None:
            return None
        return await self.handle(incoming)

    async def handle(self, incoming: Incoming) -> Outcome:
        self._in_flight += 1
        self._idle.clear()
        try:
            return await self._handle(incoming)
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def drain(self, seconds: float) -> bool:
        """Wait for the updates in flight to be answered; False if some remain after `seconds`."""
        try:
            async with asyncio.timeout(seconds):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True

    async def _handle(self, incoming: Incoming) -> Outcome:
        event = incoming.event
        async with self._locks.hold(event.user_id):
            answered = False
            outcome = Outcome(self._engine.default_locale)
            try:
                outcome = await self._engine.handle(event)
                answered = await self._answer(incoming)
                for reply in render_outcome(outcome, self._catalogs, self._tz):
                    if not await self._deliver(incoming, reply):
                        break
            except Exception:
                # The engine answers its own failures; this is sending that broke.
                log.exception(
                    "Could not answer update %s of user %s", event.update_id, event.user_id
                )
                await self._say_something_went_wrong(incoming, outcome.locale)
            finally:
                if not answered:
                    await self._answer(incoming)
            return outcome

    async def register_commands(self) -> None:
        """Telegram's command menu, in each language, and in the default one for the rest."""
        default = self._engine.default_locale
        for locale in (*self._engine.locales, None):
            listed = [
                (name, render_text(description, locale or default, self._catalogs, self._tz))
                for name, description in self._engine.commands(locale or default)
            ]
            await self._port.set_commands(listed, locale)

    # -- sending -------------------------------------------------------------------------

    async def _answer(self, incoming: Incoming) -> bool:
        """Stop the button's spinner; never raises, a late answer is refused by Telegram."""
        if incoming.callback_id is None:
            return True
        callback_id = incoming.callback_id

        async def answer() -> None:
            await self._port.answer_callback(callback_id)

        try:
            await self._sender.send(incoming.chat_id, _no_message(answer), counts=False)
        except Exception:
            log.exception("Could not answer callback %s", callback_id)
        return True

    async def _deliver(self, incoming: Incoming, reply: RenderedReply) -> bool:
        """Send one rendered reply; False when the chat cannot be reached any more."""
        chat = incoming.chat_id
        if reply.venue is not None:
            venue = reply.venue
            if not await self._sent(chat, lambda: self._port.send_venue(chat, venue)):
                return False
        if reply.document is not None:
            document = reply.document
            if not await self._sent(chat, lambda: self._port.send_document(chat, document)):
                return False
        if reply.html is None:
            return True
        chunks = split_message(reply.html)
        for index, chunk in enumerate(chunks):
            keyboard = reply.keyboard if index == len(chunks) - 1 else []
            editable = reply.edit and len(chunks) == 1 and incoming.message_id is not None
            if editable and await self._edited(
                incoming.chat_id, incoming.message_id, chunk, keyboard
            ):
                continue
            if not await self._sent(chat, _text_sender(self._port, chat, chunk, keyboard)):
                return False
        return True

    async def _edited(
        self, chat: int, message_id: int | None, html: str, keyboard: Keyboard
    ) -> bool:
        """Edit the tapped message; False when Telegram refused (then a new message is sent)."""
        if message_id is None:
            return False

        async def edit() -> int | None:
            return await self._port.edit_text(chat, message_id, html, keyboard)

        result = await self._sender.send(chat, edit)
        return result.sent

    async def _sent(self, chat_id: int, call: Callable[[], Awaitable[int | None]]) -> bool:
        result = await self._sender.send(chat_id, call)
        if not result.sent:
            _log_unsent(chat_id, result)
        return not result.blocked

    async def _say_something_went_wrong(self, incoming: Incoming, locale: str) -> None:
        html = render_text(SOMETHING_WENT_WRONG, locale, self._catalogs, self._tz)
        try:
            await self._sender.send(
                incoming.chat_id, _text_sender(self._port, incoming.chat_id, html, [])
            )
        except Exception:
            log.exception("Could not tell user %s that something went wrong", incoming.chat_id)


def _text_sender(
    port: TelegramPort, chat_id: int, html: str, keyboard: Keyboard
) -> Callable[[], Awaitable[int | None]]:
    async def send() -> int | None:
        return await port.send_text(chat_id, html, keyboard)

    return send


def _no_message(call: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[int | None]]:
    async def run() -> int | None:
        await call()
        return None

    return run


def _log_unsent(chat_id: int, result: SendResult) -> None:
    failure = result.failure
    if failure is not None and failure.kind is FailureKind.BLOCKED:
        log.info("Chat %s blocked the bot; not sending the rest", chat_id)
    else:
        log.warning("Reply to chat %s not sent: %s", chat_id, failure or result.status)


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
