"""Sending one rendered reply to a chat: the map pin, the file, then the text in parts.

Shared by answers to updates (`bot.conversation`) and by messages sent outside
any update (`bot.dispatcher`), so both cut long texts, edit or fall back, and
stop the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot.port import Keyboard, TelegramPort, split_message
from bot.sender import FailureKind, Sender, SendResult, SendStatus
from flows.render import RenderedReply

log = logging.getLogger("passerelle.bot")

_NOTHING_SENT = SendResult(SendStatus.SENT, attempts=0)


async def deliver(
    sender: Sender,
    port: TelegramPort,
    chat_id: int,
    reply: RenderedReply,
    *,
    edit_message_id: int | None = None,
) -> SendResult:
    """Send `reply`; the result of its text (its last part), or of the call that stopped it.

    A call that can never succeed (400) is logged and the rest still goes, since a
    refused map pin should not hold back the message itself. A blocked chat, or
    one paused for longer than the sender waits, stops the reply there: the rest
    would meet the same fate.
    """
    result = _NOTHING_SENT
    calls = 0
    for call in _attachments(port, chat_id, reply):
        result = await _send(sender, chat_id, call)
        calls += result.attempts
        if _stops(result):
            return _with_calls(result, calls)
    chunks = split_message(reply.html) if reply.html is not None else []
    for index, chunk in enumerate(chunks):
        keyboard = reply.keyboard if index == len(chunks) - 1 else []
        if reply.edit and len(chunks) == 1 and edit_message_id is not None:
            edited = await sender.send(
                chat_id, _edit_call(port, chat_id, edit_message_id, chunk, keyboard)
            )
            calls += edited.attempts
            if edited.sent:
                return _with_calls(edited, calls)
        result = await _send(sender, chat_id, text_call(port, chat_id, chunk, keyboard))
        calls += result.attempts
        if _stops(result):
            break
    return _with_calls(result, calls)


def _attachments(
    port: TelegramPort, chat_id: int, reply: RenderedReply
) -> list[Callable[[], Awaitable[int | None]]]:
    calls: list[Callable[[], Awaitable[int | None]]] = []
    venue, document = reply.venue, reply.document
    if venue is not None:
        calls.append(lambda: port.send_venue(chat_id, venue))
    if document is not None:
        calls.append(lambda: port.send_document(chat_id, document))
    return calls


async def _send(
    sender: Sender, chat_id: int, call: Callable[[], Awaitable[int | None]]
) -> SendResult:
    result = await sender.send(chat_id, call)
    if not result.sent:
        failure = result.failure
        if failure is not None and failure.kind is FailureKind.BLOCKED:
            log.info("Chat %s blocked the bot; not sending the rest", chat_id)
        else:
            log.warning("Message to chat %s not sent: %s", chat_id, failure or result.status)
    return result


def _stops(result: SendResult) -> bool:
    return result.blocked or result.status == SendStatus.RETRY_LATER


def _with_calls(result: SendResult, calls: int) -> SendResult:
    return replace(result, attempts=calls)


def text_call(
    port: TelegramPort, chat_id: int, html: str, keyboard: Keyboard
) -> Callable[[], Awaitable[int | None]]:
    async def send() -> int | None:
        return await port.send_text(chat_id, html, keyboard)

    return send


def _edit_call(
    port: TelegramPort, chat_id: int, message_id: int, html: str, keyboard: Keyboard
) -> Callable[[], Awaitable[int | None]]:
    async def edit() -> int | None:
        return await port.edit_text(chat_id, message_id, html, keyboard)

    return edit
