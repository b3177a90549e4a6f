"""A fake Telegram Bot API server on loopback, for tests of the bot with either library.

    async with FakeTelegram() as fake:
        session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))  # aiogram
        app = ApplicationBuilder().token(fake.token).base_url(f"{fake.base_url}/bot").build()
        fake.push(message_update(42, "/start"))
        await fake.wait_for_calls("sendMessage", 1)
        assert "Bonjour" in fake.last_text(42)

It serves `/bot{token}/{method}` over GET and POST with JSON, form or multipart
bodies, and answers like Telegram: `{"ok": true, "result": ...}` or
`{"ok": false, "error_code": N, "description": ...}` with the same HTTP status.
Every call is recorded on arrival, in order (`ApiCall.at` is its `time.monotonic()`,
so tests can check pacing), and gets its status once answered: a long-poll shows
up in `calls` while it waits, with `status` None. Failed calls are recorded too.

Faults are injected per call (`fail_next`), per chat (`block`), at random with a
seed (`fail_share`), or as latency (`slow`). Tests wait with `wait_for` and
`wait_for_calls`, which wake on every call instead of sleeping.

The update builders (`message_update`, `callback_update`, ...) are plain
functions: they need no server, and their dicts parse with both libraries.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import random
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, NamedTuple, Self, TypedDict, Unpack

import aiohttp
from aiohttp import web

Params = dict[str, Any]
Update = dict[str, Any]
ChatId = int | str

DEFAULT_TOKEN = "123456:TEST-TOKEN"
DEFAULT_BOT_ID = 123456
BOT_FIRST_NAME = "Passerelle"
BOT_USERNAME = "passerelle_test_bot"
SEND_METHODS = ("sendMessage", "sendVenue", "sendDocument")
MAX_TEXT = 4096
MAX_CAPTION = 1024
# Telegram accepts uploads of up to 50 MB from bots; aiohttp's default cap is 1 MiB.
MAX_BODY = 50 * 1024 * 1024

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup"
    " are exactly the same as a content and reply markup of the current message"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active;"
    " use deleteWebhook to delete the webhook first"
)
_DESCRIPTIONS = {
    400: "Bad Request: message can't be edited",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
# Both libraries send every form field as a string, JSON-encoding the rest; Telegram
# types fields by the method's schema. These are always strings, even when they look
# like numbers or JSON (a text "42", a callback query id); every other field is decoded.
_STRING_FIELDS = frozenset(
    {
        "action",
        "address",
        "animation",
        "audio",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "data",
        "description",
        "document",
        "emoji",
        "file_id",
        "first_name",
        "foursquare_id",
        "foursquare_type",
        "google_place_id",
        "google_place_type",
        "inline_message_id",
        "ip_address",
        "language_code",
        "last_name",
        "message_effect_id",
        "name",
        "parse_mode",
        "phone_number",
        "photo",
        "query",
        "secret_token",
        "short_description",
        "sticker",
        "text",
        "thumbnail",
        "title",
        "url",
        "vcard",
        "video",
        "voice",
    }
)
_TAG = re.compile(r"<[^>]*>")
_RECHECK = 0.05


@dataclass
class ApiCall:
    """One request to the fake, as decoded: `status` is the HTTP status it was answered with
    (None while it waits, as a long-poll does), `message_id` that of the message it sent or
    edited, `description` the error's."""

    method: str
    params: Params
    at: float
    status: int | None = None
    description: str | None = None
    message_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status == HTTPStatus.OK


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, in place of the field that named it."""

    filename: str
    content: bytes = field(repr=False)
    content_type: str = "application/octet-stream"


class Webhook(NamedTuple):
    url: str | None = None
    secret: str | None = None


@dataclass
class _Fault:
    method: str
    status: int
    description: str
    retry_after: int | None
    chat_id: ChatId | None
    remaining: int


@dataclass
class _Share:
    share: float
    status: int
    methods: frozenset[str]
    retry_after: int
    rng: random.Random = field(repr=False)


class _ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = int(status)
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _fault(status: int, description: str | None, retry_after: int | None) -> _ApiError:
    """The error a fault answers with; a 429 always says when to retry, as Telegram's do."""
    if status == HTTPStatus.TOO_MANY_REQUESTS and retry_after is None:
        retry_after = 1
    if description is None:
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            description = f"Too Many Requests: retry after {retry_after}"
        elif status in _DESCRIPTIONS:
            description = _DESCRIPTIONS[status]
        else:
            known = status in HTTPStatus._value2member_map_
            description = HTTPStatus(status).phrase if known else f"Error {status}"
    return _ApiError(status, description, retry_after)


class FakeTelegram:
    """The Bot API on 127.0.0.1 (a free port), with records, waits and fault injection."""

    def __init__(self, token: str = DEFAULT_TOKEN) -> None:
        self.token = token
        head = token.split(":", 1)[0]
        self.bot_id = int(head) if head.isdigit() else DEFAULT_BOT_ID
        self.calls: list[ApiCall] = []
        self.callback_answers: list[str] = []
        self.webhook = Webhook()
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.polls_waiting = 0
        self._queue: list[Update] = []
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._last_message_ids: dict[int, int] = {}
        self._names: dict[int, str] = {}
        self._faults: list[_Fault] = []
        self._blocked: set[ChatId] = set()
        self._share: _Share | None = None
        self._delays: dict[str, float] = {}
        self._stopping = False
        # Set and replaced on every change, so any number of waiters wake without a lock.
        self._pulse = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        handlers: dict[str, Callable[[Params], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "sendVenue": self._send_venue,
            "sendDocument": self._send_document,
            "sendChatAction": self._true,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "close": self._true,
            "logOut": self._true,
        }
        # Telegram matches method names case-insensitively; records use the documented case.
        self._handlers = {name.lower(): (name, handler) for name, handler in handlers.items()}

    # Lifecycle

    async def start(self) -> None:
        self._stopping = False
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        # Pending long-polls are woken before cleanup, so a short grace period is plenty.
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Answer every pending long-poll with no update at once, then close the server."""
        if self._runner is None:
            return
        self._stopping = True
        self._signal()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://127.0.0.1:{self._port}"

    # Records

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    def messages_to(self, chat_id: ChatId) -> list[Params]:
        """What was delivered to a chat, in order: each successful send's params (reply_markup
        parsed, a document as an `UploadedFile`) plus its `method` and `message_id`."""
        return [
            call.params | {"method": call.method, "message_id": call.message_id}
            for call in self._delivered()
            if call.params.get("chat_id") == chat_id
        ]

    def last_text(self, chat_id: ChatId) -> str | None:
        """The text last shown in a chat: of the last message sent there, or of its last edit."""
        for call in reversed(self.calls):
            if (
                call.ok
                and call.method in ("sendMessage", "editMessageText")
                and call.params.get("chat_id") == chat_id
            ):
                return str(call.params.get("text"))
        return None

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The current state of a message the bot sent (after edits), as Telegram shows it."""
        return self._messages.get((chat_id, message_id))

    def pending_updates(self) -> list[Update]:
        """Pushed updates that no getUpdates offset has confirmed yet."""
        return list(self._queue)

    # A timeout argument, not asyncio.timeout: on expiry the error dumps the recorded calls.
    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> None:
        """Return once `predicate()` is true. It is checked after every call and push, and
        every 50 ms for state that the bot changes after its call was answered."""
        if not await self._wait_until(predicate, timeout):
            raise AssertionError(f"condition still false after {timeout} s\n{self.dump()}")

    async def wait_for_calls(
        self,
        method: str,
        n: int,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[ApiCall]:
        """The answered calls to `method` (failed ones too), once there are at least `n`."""

        def answered() -> list[ApiCall]:
            return [call for call in self.calls_to(method) if call.status is not None]

        if not await self._wait_until(lambda: len(answered()) >= n, timeout):
            raise AssertionError(
                f"expected {n} answered call(s) to {method} within {timeout} s, got"
                f" {len(answered())}\n{self.dump()}"
            )
        return answered()

    def dump(self) -> str:
        if not self.calls:
            return "no call recorded"
        origin = self.calls[0].at
        lines = [f"{len(self.calls)} call(s) recorded:"]
        for call in self.calls:
            params = json.dumps(call.params, ensure_ascii=False, default=repr)
            if len(params) > 300:
                params = params[:300] + "..."
            error = f" {call.description!r}" if call.description else ""
            status = "waiting" if call.status is None else call.status
            lines.append(f"  +{call.at - origin:.3f}s {call.method} {status}{error} {params}")
        return "\n".join(lines)

    # Updates

    def push(self, update: Update) -> None:
        """Queue an update for getUpdates, waking a pending long-poll."""
        if not isinstance(update.get("update_id"), int):
            raise ValueError("an update needs an integer update_id")
        self._observe(update)
        self._queue.append(update)
        self._signal()

    async def deliver_webhook(self, url: str, update: Update, secret: str | None = None) -> int:
        """POST an update to a webhook as Telegram does; the HTTP status the bot answered."""
        self._observe(update)
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, json=update, headers=headers) as response,
        ):
            await response.read()
            return response.status

    # Faults

    def fail_next(
        self,
        method: str,
        status: int,
        *,
        times: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
        chat_id: ChatId | None = None,
    ) -> None:
        """Answer the next `times` calls to `method` (to `chat_id` only, if given) with an error."""
        error = _fault(status, description, retry_after)
        self._faults.append(
            _Fault(
                self._canonical(method),
                status,
                error.description,
                error.retry_after,
                chat_id,
                times,
            )
        )

    def block(self, user_id: ChatId) -> None:
        """The youth blocks the bot: every call aimed at their chat answers 403 until unblocked."""
        self._blocked.add(user_id)

    def unblock(self, user_id: ChatId) -> None:
        self._blocked.discard(user_id)

    def fail_share(
        self,
        share: float,
        status: int,
        *,
        methods: Iterable[str] | None = None,
        seed: int = 0,
        retry_after: int = 1,
    ) -> None:
        """Fail a random `share` of the calls to `methods` (the sends by default), the same
        ones for the same seed and sequence of calls; a share of 0 turns this off."""
        chosen = SEND_METHODS if methods is None else methods
        self._share = _Share(
            share,
            status,
            frozenset(self._canonical(name) for name in chosen),
            retry_after,
            random.Random(seed),
        )

    def slow(self, method: str, seconds: float) -> None:
        """Delay every answer to `method` by `seconds` (0 to stop); stop() cuts delays short."""
        self._delays[self._canonical(method)] = seconds

    # The server

    async def _handle(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        name = request.match_info["method"]
        method, handler = self._handlers.get(name.lower(), (name, None))
        call = ApiCall(method, await _read_params(request), arrived)
        self._record(call)
        params = call.params
        try:
            if request.match_info["token"] != self.token:
                raise _ApiError(HTTPStatus.UNAUTHORIZED, "Unauthorized")
            if handler is None:
                raise _ApiError(HTTPStatus.NOT_FOUND, "Not Found")
            if delay := self._delays.get(method):
                await self._wait_until(lambda: self._stopping, delay)
            self._inject_fault(method, params)
            result = await handler(params)
        except _ApiError as error:
            call.status, call.description = error.status, error.description
            self._signal()
            return web.json_response(error.body(), status=error.status)
        call.status = int(HTTPStatus.OK)
        if isinstance(result, dict):
            call.message_id = result.get("message_id")
        self._signal()
        return web.json_response({"ok": True, "result": result})

    def _inject_fault(self, method: str, params: Params) -> None:
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int | str) and chat_id in self._blocked:
            raise _fault(HTTPStatus.FORBIDDEN, None, None)
        for fault in self._faults:
            if fault.method == method and fault.chat_id in (None, chat_id):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                raise _ApiError(fault.status, fault.description, fault.retry_after)
        share = self._share
        if share and method in share.methods and share.rng.random() < share.share:
            retry_after = (
                share.retry_after if share.status == HTTPStatus.TOO_MANY_REQUESTS else None
            )
            raise _fault(share.status, None, retry_after)

    def _record(self, call: ApiCall) -> None:
        self.calls.append(call)
        self._signal()

    def _delivered(self) -> list[ApiCall]:
        return [call for call in self.calls if call.ok and call.method in SEND_METHODS]

    def _signal(self) -> None:
        self._pulse.set()
        self._pulse = asyncio.Event()

    async def _wait_until(self, predicate: Callable[[], bool], seconds: float) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            pulse = self._pulse
            try:
                async with asyncio.timeout(min(remaining, _RECHECK)):
                    await pulse.wait()
            except TimeoutError:
                pass
        return True

    def _canonical(self, method: str) -> str:
        return self._handlers.get(method.lower(), (method, None))[0]

    # Methods

    async def _true(self, params: Params) -> bool:
        return True

    async def _get_me(self, params: Params) -> dict[str, Any]:
        return self._bot_sender() | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, params: Params) -> list[Update]:
        if self.webhook.url:
            raise _ApiError(HTTPStatus.CONFLICT, WEBHOOK_CONFLICT)
        offset = _int(params.get("offset"), 0)
        limit = min(max(_int(params.get("limit"), 100), 1), 100)
        # Telegram takes whole seconds; fractions let tests wait less.
        timeout = max(_float(params.get("timeout")), 0.0)
        # An offset confirms every update below it; a negative one keeps the last -offset.
        if offset > 0:
            self._queue = [update for update in self._queue if update["update_id"] >= offset]
        elif offset < 0:
            self._queue = self._queue[offset:]
        self.polls_waiting += 1
        self._signal()
        try:
            await self._wait_until(lambda: bool(self._queue) or self._stopping, timeout)
        finally:
            self.polls_waiting -= 1
            self._signal()
        return [] if self._stopping else self._queue[:limit]

    async def _send_message(self, params: Params) -> dict[str, Any]:
        chat_id = _chat_id(params)
        text = str(params.get("text") or "")
        if not text.strip():
            raise _ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: message text is empty")
        if _visible_length(text, params.get("parse_mode")) > MAX_TEXT:
            raise _ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: message is too long")
        return self._bot_message(chat_id, params, {"text": text})

    async def _send_venue(self, params: Params) -> dict[str, Any]:
        chat_id = _chat_id(params)
        location = {"latitude": params.get("latitude"), "longitude": params.get("longitude")}
        if not all(isinstance(value, int | float) for value in location.values()):
            raise _ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: wrong latitude or longitude")
        venue = {
            "location": location,
            "title": str(params.get("title", "")),
            "address": str(params.get("address", "")),
        }
        for key in ("foursquare_id", "foursquare_type", "google_place_id", "google_place_type"):
            if key in params:
                venue[key] = params[key]
        # Telegram fills `location` too, so clients reading either field see the pin.
        return self._bot_message(chat_id, params, {"venue": venue, "location": location})

    async def _send_document(self, params: Params) -> dict[str, Any]:
        chat_id = _chat_id(params)
        upload = params.get("document")
        if isinstance(upload, UploadedFile):
            document = _file("document") | {
                "file_name": upload.filename,
                "mime_type": upload.content_type,
                "file_size": len(upload.content),
            }
        elif isinstance(upload, str) and upload:
            document = {"file_id": upload, "file_unique_id": f"u-{upload[:16]}"}
        else:
            raise _ApiError(
                HTTPStatus.BAD_REQUEST, "Bad Request: there is no document in the request"
            )
        content: dict[str, Any] = {"document": document}
        if caption := params.get("caption"):
            if _visible_length(str(caption), params.get("parse_mode")) > MAX_CAPTION:
                raise _ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: message caption is too long")
            content["caption"] = str(caption)
        return self._bot_message(chat_id, params, content)

    async def _edit_message_text(self, params: Params) -> dict[str, Any] | bool:
        if "inline_message_id" in params:
            return True
        message = self._message_to_edit(params)
        if "text" not in message:
            raise _ApiError(
                HTTPStatus.BAD_REQUEST, "Bad Request: there is no text in the message to edit"
            )
        text = str(params.get("text") or "")
        if not text.strip():
            raise _ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: message text is empty")
        # Without reply_markup, Telegram removes the message's inline keyboard.
        return self._edit(message, {"text": text}, params)

    async def _edit_message_reply_markup(self, params: Params) -> dict[str, Any] | bool:
        if "inline_message_id" in params:
            return True
        return self._edit(self._message_to_edit(params), {}, params)

    async def _answer_callback_query(self, params: Params) -> bool:
        query_id = params.get("callback_query_id")
        if not query_id:
            raise _ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: query ID is empty")
        self.callback_answers.append(str(query_id))
        return True

    async def _delete_webhook(self, params: Params) -> bool:
        self.webhook = Webhook()
        if params.get("drop_pending_updates") is True:
            self._queue.clear()
        return True

    async def _set_webhook(self, params: Params) -> bool:
        url = params.get("url")
        if not url:
            return await self._delete_webhook(params)
        secret = params.get("secret_token")
        self.webhook = Webhook(str(url), None if secret is None else str(secret))
        if params.get("drop_pending_updates") is True:
            self._queue.clear()
        return True

    async def _get_webhook_info(self, params: Params) -> dict[str, Any]:
        return {
            "url": self.webhook.url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }

    async def _set_my_commands(self, params: Params) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: can't parse commands JSON object")
        self.commands[_commands_key(params)] = commands
        return True

    async def _delete_my_commands(self, params: Params) -> bool:
        self.commands.pop(_commands_key(params), None)
        return True

    async def _get_my_commands(self, params: Params) -> list[dict[str, Any]]:
        return self.commands.get(_commands_key(params), [])

    # Messages the bot sends

    def _bot_message(self, chat_id: int, params: Params, content: dict[str, Any]) -> dict[str, Any]:
        message = {
            "message_id": self._next_message_id(chat_id),
            "date": _now(),
            "chat": self._chat(chat_id),
            "from": self._bot_sender(),
            **content,
        }
        if markup := _inline_markup(params):
            message["reply_markup"] = markup
        self._messages[(chat_id, message["message_id"])] = message
        return dict(message)

    def _message_to_edit(self, params: Params) -> dict[str, Any]:
        chat_id = _chat_id(params)
        message = self._messages.get((chat_id, _int(params.get("message_id"))))
        if message is None:
            raise _ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: message to edit not found")
        return message

    def _edit(
        self, message: dict[str, Any], content: dict[str, Any], params: Params
    ) -> dict[str, Any]:
        markup = _inline_markup(params)
        if all(message.get(key) == value for key, value in content.items()) and (
            message.get("reply_markup") == markup
        ):
            raise _ApiError(HTTPStatus.BAD_REQUEST, NOT_MODIFIED)
        message.update(content)
        message["edit_date"] = _now()
        if markup:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        return dict(message)

    # The chats

    def _observe(self, update: Update) -> None:
        """Learn a youth's name, and keep one message-id sequence per chat, as Telegram does:
        the bot's next message comes after the youth's last one."""
        message = update.get("message") or update.get("edited_message")
        if not isinstance(message, dict):
            return
        chat = message.get("chat", {})
        chat_id, message_id = chat.get("id"), message.get("message_id")
        if isinstance(chat_id, int) and isinstance(message_id, int):
            self._names[chat_id] = str(chat.get("first_name", "Sam"))
            self._last_message_ids[chat_id] = max(
                self._last_message_ids.get(chat_id, 0), message_id
            )

    def _next_message_id(self, chat_id: int) -> int:
        self._last_message_ids[chat_id] = self._last_message_ids.get(chat_id, 0) + 1
        return self._last_message_ids[chat_id]

    def _bot_sender(self) -> dict[str, Any]:
        return _bot(self.bot_id)

    def _chat(self, chat_id: int) -> dict[str, Any]:
        return _private_chat(chat_id, self._names.get(chat_id, "Sam"), None)


# Update builders. Like Telegram, they number updates per bot, not per chat: one sequence
# for the test run. Message ids count per chat; the fake numbers the bot's own messages
# after the youth's last one when it sees an update go through push or deliver_webhook.

_update_ids = itertools.count(1)
_user_message_ids: dict[int, itertools.count[int]] = {}
_serials = itertools.count(1)


class Sender(TypedDict, total=False):
    """Who the youth is on Telegram; every builder takes these keywords."""

    language_code: str | None  # default "fr"; None for a client that sends none
    first_name: str  # default "Sam"
    username: str | None  # default None: most youths have none


def message_update(user_id: int, text: str, **sender: Unpack[Sender]) -> Update:
    """A text message; a leading /command gets its bot_command entity, as Telegram adds."""
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16(command)}]
    return _update("message", _user_message(user_id, content, sender))


def callback_update(
    user_id: int,
    data: str,
    *,
    message_id: int,
    text: str = "...",
    bot_id: int = DEFAULT_BOT_ID,
    **sender: Unpack[Sender],
) -> Update:
    """A tap on a button of the bot's message `message_id` (whose text is `text`)."""
    serial = next(_serials)
    user = _user(user_id, sender)
    query = {
        # Telegram's ids are long numeric strings, unique per tap.
        "id": f"{user_id}{serial:06d}",
        "from": user,
        "message": {
            "message_id": message_id,
            "date": _now(),
            "chat": _private_chat(user_id, user["first_name"], sender.get("username")),
            "from": _bot(bot_id),
            "text": text,
        },
        "chat_instance": str(-(user_id * 1000 + 7)),
        "data": data,
    }
    return _update("callback_query", query)


def sticker_update(user_id: int, *, emoji: str = "👍", **sender: Unpack[Sender]) -> Update:
    sticker = _file("sticker") | {
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
    }
    return _update("message", _user_message(user_id, {"sticker": sticker}, sender))


def photo_update(user_id: int, *, caption: str | None = None, **sender: Unpack[Sender]) -> Update:
    # Telegram sends each photo in several sizes, smallest first.
    sizes = [
        _file("photo") | {"width": width, "height": height, "file_size": width * 40}
        for width, height in ((90, 67), (320, 240), (1280, 960))
    ]
    content: dict[str, Any] = {"photo": sizes}
    if caption is not None:
        content["caption"] = caption
    return _update("message", _user_message(user_id, content, sender))


def voice_update(user_id: int, *, duration: int = 3, **sender: Unpack[Sender]) -> Update:
    voice = _file("voice") | {
        "duration": duration,
        "mime_type": "audio/ogg",
        "file_size": duration * 4000,
    }
    return _update("message", _user_message(user_id, {"voice": voice}, sender))


def document_update(
    user_id: int,
    *,
    file_name: str = "cv.pdf",
    mime_type: str = "application/pdf",
    caption: str | None = None,
    **sender: Unpack[Sender],
) -> Update:
    document = _file("document") | {
        "file_name": file_name,
        "mime_type": mime_type,
        "file_size": 48213,
    }
    content: dict[str, Any] = {"document": document}
    if caption is not None:
        content["caption"] = caption
    return _update("message", _user_message(user_id, content, sender))


def location_update(
    user_id: int,
    *,
    latitude: float = 48.8566,
    longitude: float = 2.3522,
    **sender: Unpack[Sender],
) -> Update:
    location = {"latitude": latitude, "longitude": longitude}
    return _update("message", _user_message(user_id, {"location": location}, sender))


def contact_update(
    user_id: int, *, phone_number: str = "+33612345678", **sender: Unpack[Sender]
) -> Update:
    """The youth sharing their own contact, as a "share my number" button does."""
    contact = {
        "phone_number": phone_number,
        "first_name": sender.get("first_name", "Sam"),
        "user_id": user_id,
    }
    return _update("message", _user_message(user_id, {"contact": contact}, sender))


def edited_message_update(
    user_id: int, text: str, *, message_id: int | None = None, **sender: Unpack[Sender]
) -> Update:
    """The youth editing a text message: `message_id`, or a new one if not given."""
    message = _user_message(user_id, {"text": text}, sender, message_id=message_id)
    message["edit_date"] = message["date"] + 1
    return _update("edited_message", message)


def _update(kind: str, payload: dict[str, Any]) -> Update:
    return {"update_id": next(_update_ids), kind: payload}


def _user_message(
    user_id: int,
    content: dict[str, Any],
    sender: Sender,
    *,
    message_id: int | None = None,
) -> dict[str, Any]:
    if message_id is None:
        message_id = next(_user_message_ids.setdefault(user_id, itertools.count(1)))
    user = _user(user_id, sender)
    return {
        "message_id": message_id,
        "date": _now(),
        # Private chats only: a youth's chat id is their user id.
        "chat": _private_chat(user_id, user["first_name"], sender.get("username")),
        "from": user,
        **content,
    }


def _user(user_id: int, sender: Sender) -> dict[str, Any]:
    user: dict[str, Any] = {
        "id": user_id,
        "is_bot": False,
        "first_name": sender.get("first_name", "Sam"),
    }
    if (username := sender.get("username")) is not None:
        user["username"] = username
    if (language_code := sender.get("language_code", "fr")) is not None:
        user["language_code"] = language_code
    return user


def _private_chat(chat_id: int, first_name: str, username: str | None) -> dict[str, Any]:
    chat: dict[str, Any] = {"id": chat_id, "type": "private", "first_name": first_name}
    if username is not None:
        chat["username"] = username
    return chat


def _bot(bot_id: int) -> dict[str, Any]:
    return {"id": bot_id, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME}


def _file(kind: str) -> dict[str, Any]:
    serial = next(_serials)
    return {"file_id": f"fake-{kind}-{serial}", "file_unique_id": f"u{kind}{serial}"}


# Request decoding


async def _read_params(request: web.Request) -> Params:
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                body = None  # no parameters then: the method says which one is missing
            if isinstance(body, dict):
                raw.update(body)
        else:
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    with value.file:
                        content = value.file.read()
                    files[key] = UploadedFile(
                        value.filename, content, value.content_type or "application/octet-stream"
                    )
                elif isinstance(value, bytes):
                    raw[key] = value.decode()
                else:
                    raw[key] = value
    params = {key: _decode(key, value) for key, value in raw.items()}
    return _attach(params, files)


def _decode(key: str, value: Any) -> Any:
    if not isinstance(value, str) or key in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _attach(params: Params, files: dict[str, UploadedFile]) -> Params:
    """Put each file where an `attach://name` value names it (aiogram's way); a part that no
    field names stays under its own name (PTB sends `document` as the part itself)."""
    used: set[str] = set()

    def resolve(value: Any) -> Any:
        if isinstance(value, str) and value.startswith("attach://"):
            name = value.removeprefix("attach://")
            if name in files:
                used.add(name)
                return files[name]
        if isinstance(value, dict):
            return {key: resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [resolve(item) for item in value]
        return value

    resolved = {key: resolve(value) for key, value in params.items()}
    return resolved | {name: file for name, file in files.items() if name not in used}


# Small helpers


def _now() -> int:
    return int(time.time())


def _utf16(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets and lengths."""
    return len(text.encode("utf-16-le")) // 2


def _visible_length(text: str, parse_mode: Any) -> int:
    # Telegram measures limits after parsing: HTML tags do not count, entities count as one.
    if str(parse_mode).upper() == "HTML":
        text = html.unescape(_TAG.sub("", text))
    return _utf16(text)


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _chat_id(params: Params) -> int:
    chat_id = params.get("chat_id")
    if chat_id is None or chat_id == "":
        raise _ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: chat_id is empty")
    if not isinstance(chat_id, int) or isinstance(chat_id, bool):
        # The fake knows private chats only, and those have numeric ids.
        raise _ApiError(HTTPStatus.BAD_REQUEST, "Bad Request: chat not found")
    return chat_id


def _inline_markup(params: Params) -> dict[str, Any] | None:
    # A sent message carries only an inline keyboard: reply keyboards and keyboard
    # removals live on the client, and Message.reply_markup cannot hold them.
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return markup
    return None


def _commands_key(params: Params) -> tuple[str, str]:
    """(language_code, scope): "default", "all_private_chats", "chat:42", "chat_member:42:7"..."""
    scope = params.get("scope")
    if not isinstance(scope, dict):
        scope = {"type": "default"}
    parts = [str(scope.get("type", "default"))]
    parts += [str(scope[key]) for key in ("chat_id", "user_id") if key in scope]
    return str(params.get("language_code") or ""), ":".join(parts)
