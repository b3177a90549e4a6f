"""The python-telegram-bot 22 adapter: its Application and Bot API client, around the shared
conversation.

No ConversationHandler and no persistence: one `TypeHandler` hands every update to
`bot.conversation.Conversations`, and the answers go out through `PtbPort`. PTB
would process updates one at a time; it is told to run them concurrently, and the
conversation keeps one youth's updates in order.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any, TypeVar

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.port import Keyboard
from bot.sender import ApiError, ApiFailure, FailureKind
from bot.updates import checked_update
from flows.render import RenderedDocument, RenderedVenue

# Opt in to PTB's coming time periods as timedelta (`RetryAfter.retry_after`): the
# integer form warns on every 429, from inside PTB itself. PTB reads it at each use.
os.environ.setdefault("PTB_TIMEDELTA", "true")

UpdateHandler = Callable[[Mapping[str, Any]], Awaitable[object]]
T = TypeVar("T")

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
POLLING_TIMEOUT_SECONDS = 30
# Updates of different youths run side by side, up to this many at once.
CONCURRENT_UPDATES = 256
NO_LINK_PREVIEW = LinkPreviewOptions(is_disabled=True)


class PtbPort:
    """The answers' API calls, made with PTB's bot."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self._bot = application.bot

    async def send_text(self, chat_id: int, html: str, keyboard: Keyboard) -> int | None:
        message = await _api(
            self._bot.send_message(
                chat_id,
                html,
                parse_mode="HTML",
                reply_markup=_markup(keyboard),
                link_preview_options=NO_LINK_PREVIEW,
            )
        )
        return int(message.message_id)

    async def edit_text(
        self, chat_id: int, message_id: int, html: str, keyboard: Keyboard
    ) -> int | None:
        edited = await _api(
            self._bot.edit_message_text(
                html,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode="HTML",
                reply_markup=_markup(keyboard),
                link_preview_options=NO_LINK_PREVIEW,
            )
        )
        return int(edited.message_id) if isinstance(edited, Message) else message_id

    async def send_venue(self, chat_id: int, venue: RenderedVenue) -> int | None:
        message = await _api(
            self._bot.send_venue(
                chat_id, venue.latitude, venue.longitude, venue.title, venue.address
            )
        )
        return int(message.message_id)

    async def send_document(self, chat_id: int, document: RenderedDocument) -> int | None:
        message = await _api(
            self._bot.send_document(
                chat_id,
                InputFile(document.content, filename=document.filename),
                caption=document.caption,
                parse_mode="HTML",
            )
        )
        return int(message.message_id)

    async def answer_callback(self, callback_id: str) -> None:
        await _api(self._bot.answer_callback_query(callback_id))

    async def set_commands(
        self, commands: list[tuple[str, str]], language_code: str | None
    ) -> None:
        listed = [BotCommand(name, text) for name, text in commands]
        await _api(self._bot.set_my_commands(listed, language_code=language_code))


class PtbAdapter:
    name = "ptb"

    def __init__(self, token: str, api_base: str) -> None:
        base = api_base.rstrip("/")
        self._application = (
            ApplicationBuilder()
            .token(token)
            .base_url(f"{base}/bot")
            .base_file_url(f"{base}/file/bot")
            .concurrent_updates(CONCURRENT_UPDATES)
            .build()
        )
        self.port = PtbPort(self._application)

    async def start(self) -> None:
        """PTB asks `getMe` when it initializes."""
        try:
            await self._application.initialize()
        except TelegramError as error:
            raise _api_error(error) from error

    def parse(self, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """A webhook's JSON, checked and passed on as it came (see `checked_update`)."""
        return checked_update(data)

    async def poll(self, handle: UpdateHandler, stop: asyncio.Event) -> None:
        """Long-poll until `stop` is set; PTB finishes the updates it already fetched."""

        async def on_update(update: object, _context: ContextTypes.DEFAULT_TYPE) -> None:
            if isinstance(update, Update):
                await handle(update.to_dict())

        self._application.add_handler(TypeHandler(Update, on_update))
        updater = self._application.updater
        assert updater is not None  # the builder makes one
        await self._application.start()
        await updater.start_polling(
            allowed_updates=ALLOWED_UPDATES, timeout=POLLING_TIMEOUT_SECONDS
        )
        try:
            await stop.wait()
        finally:
            await updater.stop()
            await self._application.stop()

    async def set_webhook(self, url: str, secret: str) -> None:
        await _api(
            self._application.bot.set_webhook(
                url, secret_token=secret or None, allowed_updates=ALLOWED_UPDATES
            )
        )

    async def delete_webhook(self) -> None:
        await _api(self._application.bot.delete_webhook())

    async def close(self) -> None:
        await self._application.shutdown()


def _markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return _built_markup(tuple(tuple(row) for row in keyboard))


@functools.lru_cache(maxsize=512)
def _built_markup(rows: tuple[tuple[tuple[str, str], ...], ...]) -> InlineKeyboardMarkup:
    """A keyboard's object, built once: the menu and the language buttons come back
    on most answers. PTB's objects are frozen, so one serves every message showing it."""
    buttons = [
        [InlineKeyboardButton(label, callback_data=id_) for id_, label in row] for row in rows
    ]
    return InlineKeyboardMarkup(buttons)


async def _api(call: Awaitable[T]) -> T:
    """Run a PTB call, turning its Telegram errors into the sender's `ApiError`."""
    try:
        return await call
    except TelegramError as error:
        raise _api_error(error) from error


def _api_error(error: TelegramError) -> ApiError:
    if isinstance(error, RetryAfter):
        return ApiError(ApiFailure(FailureKind.RATE_LIMITED, error.message, _seconds(error)))
    if isinstance(error, Forbidden):
        return ApiError(ApiFailure(FailureKind.BLOCKED, error.message))
    if isinstance(error, BadRequest):
        return ApiError(ApiFailure(FailureKind.BAD_REQUEST, error.message))
    if isinstance(error, NetworkError):
        # PTB reports 5xx answers and lost connections alike as network errors.
        return ApiError(ApiFailure(FailureKind.NETWORK, error.message))
    return ApiError(ApiFailure(FailureKind.BAD_REQUEST, error.message))


def _seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
