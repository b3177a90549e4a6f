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
from typing import Any

from bot.delivery import deliver, text_call
from bot.port import TelegramPort
from bot.sender import Sender
from bot.updates import Incoming, incoming_from_update
from core.i18n import Catalogs, render_text
from flows.engine import ConversationEngine
from flows.locks import KeyedLock
from flows.notices import SOMETHING_WENT_WRONG
from flows.render import RenderedReply, render_outcome
from flows.replies import Outcome

log = logging.getLogger("passerelle.bot")


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
        result = await deliver(
            self._sender, self._port, incoming.chat_id, reply, edit_message_id=incoming.message_id
        )
        return not result.blocked

    async def _say_something_went_wrong(self, incoming: Incoming, locale: str) -> None:
        html = render_text(SOMETHING_WENT_WRONG, locale, self._catalogs, self._tz)
        try:
            await self._sender.send(
                incoming.chat_id, text_call(self._port, incoming.chat_id, html, [])
            )
        except Exception:
            log.exception("Could not tell user %s that something went wrong", incoming.chat_id)


def _no_message(call: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[int | None]]:
    async def run() -> int | None:
        await call()
        return None

    return run
