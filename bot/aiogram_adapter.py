"""The aiogram 3 adapter: its polling loop and Bot API client, around the shared conversation.

aiogram keeps no state here (no FSM, no storage): every update goes straight to
`bot.conversation.Conversations` from an outer middleware, before aiogram's own
routing, and the answers go out through `AiogramPort`. aiogram runs each polled
update in a task of its own; the conversation orders one youth's updates.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteWebhook,
    EditMessageText,
    GetMe,
    SendDocument,
    SendMessage,
    SendVenue,
    SetMyCommands,
    SetWebhook,
)
from aiogram.methods.base import Response
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    TelegramObject,
)

from bot.port import Keyboard
from bot.sender import ApiError, ApiFailure, FailureKind
from bot.updates import checked_update
from flows.render import RenderedDocument, RenderedVenue

UpdateHandler = Callable[[Mapping[str, Any]], Awaitable[object]]
T = TypeVar("T")

# What the bot serves; anything else Telegram would send is not asked for.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
POLLING_TIMEOUT_SECONDS = 30
NO_LINK_PREVIEW = LinkPreviewOptions(is_disabled=True)


class AiogramPort:
    """The answers' API calls, made with aiogram's client."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

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
        return message.message_id

    async def edit_text(
        self, chat_id: int, message_id: int, html: str, keyboard: Keyboard
    ) -> int | None:
        edited = await _api(
            self._bot.edit_message_text(
                text=html,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode="HTML",
                reply_markup=_markup(keyboard),
                link_preview_options=NO_LINK_PREVIEW,
            )
        )
        return edited.message_id if isinstance(edited, Message) else message_id

    async def send_venue(self, chat_id: int, venue: RenderedVenue) -> int | None:
        message = await _api(
            self._bot.send_venue(
                chat_id, venue.latitude, venue.longitude, venue.title, venue.address
            )
        )
        return message.message_id

    async def send_document(self, chat_id: int, document: RenderedDocument) -> int | None:
        message = await _api(
            self._bot.send_document(
                chat_id,
                BufferedInputFile(document.content, filename=document.filename),
                caption=document.caption,
                parse_mode="HTML",
            )
        )
        return message.message_id

    async def answer_callback(self, callback_id: str) -> None:
        await _api(self._bot.answer_callback_query(callback_id))

    async def set_commands(
        self, commands: list[tuple[str, str]], language_code: str | None
    ) -> None:
        listed = [BotCommand(command=name, description=text) for name, text in commands]
        await _api(self._bot.set_my_commands(listed, language_code=language_code))


class AiogramAdapter:
    name = "aiogram"

    def __init__(self, token: str, api_base: str) -> None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_base.rstrip("/")))
        self.bot = Bot(token, session=session, default=DefaultBotProperties(parse_mode="HTML"))
        self.port = AiogramPort(self.bot)
        self._dispatcher = Dispatcher()
        self._response_models = _response_models()

    async def start(self) -> None:
        """Check the token and the server: aiogram asks `getMe`."""
        await _api(self.bot.get_me())

    def parse(self, data: Mapping[str, Any]) -> Mapping[str, Any]:
        """A webhook's JSON, checked and passed on as it came (see `checked_update`)."""
        return checked_update(data)

    async def poll(self, handle: UpdateHandler, stop: asyncio.Event) -> None:
        """Long-poll until `stop` is set; updates in flight are the caller's to wait for."""

        async def middleware(
            _handler: Callable[..., Awaitable[Any]], update: TelegramObject, _data: dict[str, Any]
        ) -> None:
            await handle(_json(update))

        self._dispatcher.update.outer_middleware(middleware)
        polling = asyncio.create_task(
            self._dispatcher.start_polling(
                self.bot,
                handle_signals=False,
                close_bot_session=False,
                allowed_updates=ALLOWED_UPDATES,
                polling_timeout=POLLING_TIMEOUT_SECONDS,
            )
        )
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({polling, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not polling.done():
            await self._dispatcher.stop_polling()
        stopping.cancel()
        await polling

    async def set_webhook(self, url: str, secret: str) -> None:
        await _api(
            self.bot.set_webhook(url, secret_token=secret or None, allowed_updates=ALLOWED_UPDATES)
        )

    async def delete_webhook(self) -> None:
        await _api(self.bot.delete_webhook())

    async def close(self) -> None:
        await self.bot.session.close()


def _response_models() -> list[type[Response[Any]]]:
    """The models of the answers to the calls the bot makes, to be kept for its lifetime.

    aiogram reads every answer with `Response[<the method's result>]`, a pydantic
    generic that pydantic caches only weakly: once the garbage collector has taken
    it, the next answer builds its whole schema again, milliseconds each time,
    which happened every 60 calls or so under load. Holding them keeps them built.
    """
    methods = (SendMessage, EditMessageText, SendVenue, SendDocument, AnswerCallbackQuery,
               SetMyCommands, GetMe, SetWebhook, DeleteWebhook)  # fmt: skip
    generic: Any = Response  # parametrised with values, which mypy cannot follow
    return [generic[method.__returning__] for method in methods]


def _markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return _built_markup(tuple(tuple(row) for row in keyboard))


@functools.lru_cache(maxsize=512)
def _built_markup(rows: tuple[tuple[tuple[str, str], ...], ...]) -> InlineKeyboardMarkup:
    """A keyboard's model, built once: the menu and the language buttons come back
    on most answers, and each button is a validated pydantic model. aiogram only
    reads the models it is given, so one can serve every message showing it."""
    buttons = [
        [InlineKeyboardButton(text=label, callback_data=id_) for id_, label in row] for row in rows
    ]
    return InlineKeyboardMarkup(inline_keyboard=buttons)


def _json(update: TelegramObject) -> Mapping[str, Any]:
    return update.model_dump(mode="json", exclude_none=True, by_alias=True)


async def _api(call: Awaitable[T]) -> T:
    """Run an aiogram call, turning its Telegram errors into the sender's `ApiError`."""
    try:
        return await call
    except TelegramRetryAfter as error:
        raise ApiError(
            ApiFailure(FailureKind.RATE_LIMITED, error.message, error.retry_after)
        ) from error
    except TelegramForbiddenError as error:
        raise ApiError(ApiFailure(FailureKind.BLOCKED, error.message)) from error
    except TelegramServerError as error:
        raise ApiError(ApiFailure(FailureKind.SERVER, error.message)) from error
    except TelegramNetworkError as error:
        raise ApiError(ApiFailure(FailureKind.NETWORK, error.message)) from error
    except (TelegramBadRequest, TelegramAPIError) as error:
        raise ApiError(ApiFailure(FailureKind.BAD_REQUEST, error.message)) from error
