"""The fake Telegram server against the real aiogram and python-telegram-bot clients.

Each library must work against the fake unchanged: requests decoded as Telegram
would, answers parsed by the library, faults raised as the library's own errors,
and every update builder accepted by both parsers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import aiogram
import aiohttp
import pytest
import telegram
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)
from aiohttp import web
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from tests.support.fake_telegram import (
    DEFAULT_TOKEN,
    FakeTelegram,
    UploadedFile,
    callback_update,
    contact_update,
    document_update,
    edited_message_update,
    location_update,
    message_update,
    photo_update,
    sticker_update,
    voice_update,
)

YOUTH = 4242
KEYBOARD = {"inline_keyboard": [[{"text": "Oui", "callback_data": "consent:yes"}]]}
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def aiogram_bot(fake: FakeTelegram) -> AsyncIterator[aiogram.Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
    bot = aiogram.Bot(fake.token, session=session)
    yield bot
    await bot.session.close()


@pytest.fixture
async def ptb_bot(
    fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[telegram.Bot]:
    # PTB 22 warns on every integer time period (retry_after included) unless opted in
    # to timedelta values, and the suite turns warnings into errors.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    bot = telegram.Bot(fake.token, base_url=f"{fake.base_url}/bot")
    async with bot:
        yield bot


async def _raw(
    fake: FakeTelegram, method: str, *, token: str | None = None, **kwargs: Any
) -> tuple[int, dict[str, Any]]:
    """A request made by hand, for what neither library sends."""
    url = f"{fake.base_url}/bot{token or fake.token}/{method}"
    verb = "GET" if "params" in kwargs else "POST"
    async with (
        aiohttp.ClientSession() as session,
        session.request(verb, url, **kwargs) as response,
    ):
        return response.status, await response.json()


# aiogram


async def test_aiogram_get_me(fake: FakeTelegram, aiogram_bot: aiogram.Bot) -> None:
    me = await aiogram_bot.get_me()

    assert me.id == 123456
    assert me.is_bot
    assert me.first_name == "Passerelle"
    assert me.username == "passerelle_test_bot"
    assert me.can_join_groups is True
    assert [call.method for call in fake.calls] == ["getMe"]


async def test_aiogram_send_message_with_keyboard(
    fake: FakeTelegram, aiogram_bot: aiogram.Bot
) -> None:
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Oui", callback_data="consent:yes")]]
    )

    first = await aiogram_bot.send_message(YOUTH, "<b>Bonjour</b>", reply_markup=markup)
    second = await aiogram_bot.send_message(YOUTH, "Encore")

    (call, _) = fake.calls_to("sendMessage")
    assert call.params["chat_id"] == YOUTH
    assert call.params["reply_markup"] == KEYBOARD
    assert first.reply_markup is not None
    assert first.reply_markup.model_dump(exclude_none=True) == KEYBOARD
    assert first.from_user is not None
    assert first.from_user.is_bot
    assert second.message_id == first.message_id + 1
    assert second.reply_markup is None
    assert [sent["text"] for sent in fake.messages_to(YOUTH)] == ["<b>Bonjour</b>", "Encore"]
    assert fake.messages_to(YOUTH)[0]["message_id"] == first.message_id
    assert fake.last_text(YOUTH) == "Encore"


async def test_aiogram_send_document_uploads_the_file(
    fake: FakeTelegram, aiogram_bot: aiogram.Bot
) -> None:
    sent = await aiogram_bot.send_document(
        YOUTH, BufferedInputFile(ICS, filename="atelier.ics"), caption="Votre rendez-vous"
    )

    upload = fake.calls_to("sendDocument")[0].params["document"]
    assert isinstance(upload, UploadedFile)
    assert upload.filename == "atelier.ics"
    assert upload.content == ICS
    assert sent.document is not None
    assert sent.document.file_name == "atelier.ics"
    assert sent.caption == "Votre rendez-vous"
    assert fake.messages_to(YOUTH)[0]["method"] == "sendDocument"


async def test_aiogram_send_venue_and_chat_action(
    fake: FakeTelegram, aiogram_bot: aiogram.Bot
) -> None:
    await aiogram_bot.send_chat_action(YOUTH, "typing")
    sent = await aiogram_bot.send_venue(
        YOUTH, latitude=48.8712, longitude=2.3958, title="Linkee", address="Paris 20e"
    )

    assert sent.venue is not None
    assert sent.venue.title == "Linkee"
    assert sent.venue.location.latitude == pytest.approx(48.8712)
    assert fake.calls_to("sendChatAction")[0].params["action"] == "typing"
    (venue,) = fake.messages_to(YOUTH)
    assert (venue["method"], venue["latitude"], venue["address"]) == (
        "sendVenue",
        48.8712,
        "Paris 20e",
    )


async def test_aiogram_retry_after(fake: FakeTelegram, aiogram_bot: aiogram.Bot) -> None:
    fake.fail_next("sendMessage", 429, retry_after=7)

    with pytest.raises(TelegramRetryAfter) as raised:
        await aiogram_bot.send_message(YOUTH, "Trop vite")
    await aiogram_bot.send_message(YOUTH, "Plus tard")

    assert raised.value.retry_after == 7
    assert "retry after 7" in raised.value.message
    assert [call.status for call in fake.calls_to("sendMessage")] == [429, 200]
    assert [sent["text"] for sent in fake.messages_to(YOUTH)] == ["Plus tard"]


async def test_aiogram_blocked_user(fake: FakeTelegram, aiogram_bot: aiogram.Bot) -> None:
    fake.block(YOUTH)

    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await aiogram_bot.send_message(YOUTH, "Rappel")
    await aiogram_bot.send_message(YOUTH + 1, "Autre jeune")
    fake.unblock(YOUTH)
    await aiogram_bot.send_message(YOUTH, "Rappel")

    assert [call.status for call in fake.calls_to("sendMessage")] == [403, 200, 200]


async def test_aiogram_edits(fake: FakeTelegram, aiogram_bot: aiogram.Bot) -> None:
    markup = InlineKeyboardMarkup.model_validate(KEYBOARD)
    sent = await aiogram_bot.send_message(YOUTH, "Question", reply_markup=markup)

    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await aiogram_bot.edit_message_text(text="?", chat_id=YOUTH, message_id=999)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await aiogram_bot.edit_message_text(
            text="Question", chat_id=YOUTH, message_id=sent.message_id, reply_markup=markup
        )
    fake.fail_next("editMessageText", 400)
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await aiogram_bot.edit_message_text(text="Merci", chat_id=YOUTH, message_id=sent.message_id)
    edited = await aiogram_bot.edit_message_text(
        text="Merci", chat_id=YOUTH, message_id=sent.message_id
    )

    assert isinstance(edited, aiogram.types.Message)
    assert edited.text == "Merci"
    assert edited.reply_markup is None  # editing without a keyboard removes it
    assert fake.last_text(YOUTH) == "Merci"
    assert [sent["text"] for sent in fake.messages_to(YOUTH)] == ["Question"]
    await aiogram_bot.edit_message_reply_markup(
        chat_id=YOUTH, message_id=sent.message_id, reply_markup=markup
    )
    current = fake.message(YOUTH, sent.message_id)
    assert current is not None
    assert current["reply_markup"] == KEYBOARD


async def test_aiogram_webhook_and_commands(fake: FakeTelegram, aiogram_bot: aiogram.Bot) -> None:
    await aiogram_bot.set_webhook("https://bot.example/telegram", secret_token="s3cret")
    info = await aiogram_bot.get_webhook_info()
    with pytest.raises(aiogram.exceptions.TelegramConflictError, match="webhook is active"):
        await aiogram_bot.get_updates()
    await aiogram_bot.delete_webhook()
    await aiogram_bot.set_my_commands(
        [BotCommand(command="start", description="Commencer")],
        scope=BotCommandScopeAllPrivateChats(),
        language_code="fr",
    )

    assert info.url == "https://bot.example/telegram"
    assert fake.calls_to("setWebhook")[0].params["secret_token"] == "s3cret"
    assert fake.webhook == (None, None)
    assert fake.commands == {
        ("fr", "all_private_chats"): [{"command": "start", "description": "Commencer"}]
    }


async def test_aiogram_callback_query_answer(fake: FakeTelegram, aiogram_bot: aiogram.Bot) -> None:
    markup = InlineKeyboardMarkup.model_validate(KEYBOARD)
    sent = await aiogram_bot.send_message(YOUTH, "Tu acceptes ?", reply_markup=markup)
    update = aiogram.types.Update.model_validate(
        callback_update(YOUTH, "consent:yes", message_id=sent.message_id, text=sent.text or "")
    )

    query = update.callback_query
    assert query is not None
    assert isinstance(query.message, aiogram.types.Message)
    assert query.message.message_id == sent.message_id
    assert query.message.text == "Tu acceptes ?"
    await aiogram_bot.answer_callback_query(query.id, text="Merci")
    assert fake.callback_answers == [query.id]


async def test_aiogram_dispatcher_polls_and_answers(
    fake: FakeTelegram, aiogram_bot: aiogram.Bot
) -> None:
    dispatcher = aiogram.Dispatcher()

    @dispatcher.message()
    async def echo(message: aiogram.types.Message) -> None:
        await message.answer(f"Reçu : {message.text}")

    polling = asyncio.create_task(
        dispatcher.start_polling(aiogram_bot, handle_signals=False, polling_timeout=10)
    )
    fake.push(message_update(YOUTH, "/start"))
    await fake.wait_for(lambda: fake.last_text(YOUTH) is not None)
    await dispatcher.stop_polling()
    await asyncio.wait_for(polling, 5)

    assert fake.last_text(YOUTH) == "Reçu : /start"


# python-telegram-bot


async def test_ptb_get_me_and_send_message(fake: FakeTelegram, ptb_bot: telegram.Bot) -> None:
    markup = telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("Oui", callback_data="consent:yes")]]
    )

    sent = await ptb_bot.send_message(YOUTH, "Bonjour", reply_markup=markup)

    assert ptb_bot.username == "passerelle_test_bot"
    assert fake.calls_to("getMe")
    assert fake.calls_to("sendMessage")[0].params["reply_markup"] == KEYBOARD
    assert sent.reply_markup == markup
    assert sent.chat.id == YOUTH
    assert fake.last_text(YOUTH) == "Bonjour"


async def test_ptb_send_document(fake: FakeTelegram, ptb_bot: telegram.Bot) -> None:
    sent = await ptb_bot.send_document(YOUTH, ICS, filename="atelier.ics")

    upload = fake.calls_to("sendDocument")[0].params["document"]
    assert isinstance(upload, UploadedFile)
    assert (upload.filename, upload.content) == ("atelier.ics", ICS)
    assert sent.document is not None
    assert sent.document.file_name == "atelier.ics"


async def test_ptb_retry_after_and_forbidden(fake: FakeTelegram, ptb_bot: telegram.Bot) -> None:
    fake.fail_next("sendMessage", 429, retry_after=3)
    fake.block(YOUTH + 1)

    with pytest.raises(RetryAfter) as raised:
        await ptb_bot.send_message(YOUTH, "Trop vite")
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await ptb_bot.send_message(YOUTH + 1, "Rappel")
    # PTB drops Telegram's "Bad Request: " prefix and capitalises the rest.
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await ptb_bot.edit_message_text("?", chat_id=YOUTH, message_id=77)

    assert raised.value.retry_after == timedelta(seconds=3)


async def test_ptb_commands(fake: FakeTelegram, ptb_bot: telegram.Bot) -> None:
    commands = [telegram.BotCommand("start", "Start"), telegram.BotCommand("help", "Help")]

    await ptb_bot.set_my_commands(commands, language_code="en")
    mine = await ptb_bot.get_my_commands(language_code="en")
    await ptb_bot.delete_my_commands(language_code="en")

    assert tuple(mine) == tuple(commands)
    assert fake.calls_to("setMyCommands")[0].params["commands"][1] == {
        "command": "help",
        "description": "Help",
    }
    assert fake.commands == {}


async def test_ptb_application_polls_and_answers(
    fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")

    async def echo(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"Reçu : {update.effective_message.text}")

    app = ApplicationBuilder().token(fake.token).base_url(f"{fake.base_url}/bot").build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=10)
        fake.push(message_update(YOUTH, "Salut"))
        await fake.wait_for(lambda: fake.last_text(YOUTH) is not None)
        await app.updater.stop()
        await app.stop()

    assert fake.last_text(YOUTH) == "Reçu : Salut"
    assert fake.calls_to("deleteWebhook")


# getUpdates


async def test_push_answers_a_pending_long_poll_at_once(
    fake: FakeTelegram, aiogram_bot: aiogram.Bot
) -> None:
    poll = asyncio.create_task(aiogram_bot.get_updates(timeout=10))
    await fake.wait_for(lambda: fake.polls_waiting == 1)
    (waiting,) = fake.calls_to("getUpdates")
    assert waiting.status is None  # recorded on arrival, answered later

    started = time.monotonic()
    update = message_update(YOUTH, "Bonjour")
    fake.push(update)
    (received,) = await asyncio.wait_for(poll, 5)

    assert time.monotonic() - started < 1.0
    assert received.update_id == update["update_id"]
    assert waiting.status == 200


async def test_stop_answers_a_pending_long_poll_quickly() -> None:
    fake = FakeTelegram()
    await fake.start()
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
    bot = aiogram.Bot(fake.token, session=session)
    try:
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await fake.wait_for(lambda: fake.polls_waiting == 1)

        started = time.monotonic()
        await fake.stop()
        updates = await asyncio.wait_for(poll, 5)
        elapsed = time.monotonic() - started
    finally:
        await fake.stop()
        await session.close()

    assert updates == []
    assert elapsed < 1.0


async def test_get_updates_offset_limit_and_get(fake: FakeTelegram) -> None:
    updates = [message_update(YOUTH, f"m{n}") for n in range(3)]
    for update in updates:
        fake.push(update)
    ids = [update["update_id"] for update in updates]

    status, body = await _raw(fake, "getUpdates", params={"limit": "2"})
    assert status == 200
    assert [update["update_id"] for update in body["result"]] == ids[:2]
    _, body = await _raw(fake, "getupdates", params={"offset": str(ids[1])})
    assert [update["update_id"] for update in body["result"]] == ids[1:]
    assert fake.pending_updates() == updates[1:]

    started = time.monotonic()
    _, body = await _raw(fake, "getUpdates", json={"offset": ids[2] + 1, "timeout": 0.2})
    assert body == {"ok": True, "result": []}
    assert time.monotonic() - started >= 0.15
    assert fake.pending_updates() == []
    assert [call.method for call in fake.calls] == ["getUpdates"] * 3


# Decoding and errors


async def test_form_bodies_decode_nested_json(fake: FakeTelegram) -> None:
    form = {
        "chat_id": str(YOUTH),
        "text": "42",
        "reply_markup": '{"inline_keyboard": [[{"text": "Oui", "callback_data": "consent:yes"}]]}',
        "disable_notification": "true",
    }
    status, body = await _raw(fake, "sendMessage", data=form)

    params = fake.calls[0].params
    assert status == 200
    assert body["result"]["reply_markup"] == KEYBOARD
    assert params == {
        "chat_id": YOUTH,
        "text": "42",
        "reply_markup": KEYBOARD,
        "disable_notification": True,
    }
    await _raw(fake, "answerCallbackQuery", data={"callback_query_id": "1234567"})
    assert fake.callback_answers == ["1234567"]


async def test_bad_token_and_unknown_method(fake: FakeTelegram) -> None:
    assert await _raw(fake, "getMe", token="654321:OTHER") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert await _raw(fake, "sendSticker", data={"chat_id": "1"}) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    assert fake.token == DEFAULT_TOKEN
    assert [(call.method, call.status) for call in fake.calls] == [
        ("getMe", 401),
        ("sendSticker", 404),
    ]


async def test_fail_next_for_one_chat_and_default_descriptions(fake: FakeTelegram) -> None:
    fake.fail_next("sendMessage", 502, chat_id=YOUTH, times=2)

    other = await _raw(fake, "sendMessage", json={"chat_id": YOUTH + 1, "text": "a"})
    first = await _raw(fake, "sendMessage", json={"chat_id": YOUTH, "text": "b"})
    second = await _raw(fake, "sendMessage", json={"chat_id": YOUTH, "text": "c"})
    third = await _raw(fake, "sendMessage", json={"chat_id": YOUTH, "text": "d"})

    assert other[0] == 200
    assert first == second == (502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    assert third[0] == 200
    fake.fail_next("sendMessage", 429)
    assert await _raw(fake, "sendMessage", json={"chat_id": YOUTH, "text": "e"}) == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        },
    )


async def test_fail_share_is_seeded() -> None:
    async def statuses(seed: int) -> list[int | None]:
        async with FakeTelegram() as fake:
            fake.fail_share(0.5, 500, seed=seed)
            for n in range(20):
                await _raw(fake, "sendMessage", json={"chat_id": YOUTH, "text": str(n)})
            await _raw(fake, "getMe")
            return [call.status for call in fake.calls]

    first, again = await statuses(1), await statuses(1)

    assert first == again
    assert 3 <= first.count(500) <= 17
    assert first[-1] == 200  # getMe is not a send


async def test_slow_delays_answers(fake: FakeTelegram) -> None:
    fake.slow("getMe", 0.3)

    started = time.monotonic()
    status, _ = await _raw(fake, "getMe")

    assert status == 200
    assert time.monotonic() - started >= 0.25


async def test_wait_for_calls_dumps_the_calls_on_timeout(fake: FakeTelegram) -> None:
    await _raw(fake, "sendMessage", json={"chat_id": YOUTH, "text": "Bonjour"})

    calls = await fake.wait_for_calls("sendMessage", 1)
    with pytest.raises(
        AssertionError, match=r"expected 2 answered call\(s\) to sendMessage(.|\n)*Bonjour"
    ):
        await fake.wait_for_calls("sendMessage", 2, timeout=0.1)
    with pytest.raises(AssertionError, match="condition still false"):
        await fake.wait_for(lambda: False, timeout=0.1)

    assert len(calls) == 1


async def test_deliver_webhook_sends_the_secret(fake: FakeTelegram) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/telegram", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/telegram"
    try:
        update = message_update(YOUTH, "Bonjour")
        assert await fake.deliver_webhook(url, update, secret="s3cret") == 200
        assert await fake.deliver_webhook(url + "/missing", update) == 404
    finally:
        await runner.cleanup()

    assert received == [("s3cret", update)]


# Update builders

Builder = Callable[[], dict[str, Any]]
# What each builder makes, and the kind of update aiogram sees in it.
BUILDERS: dict[str, tuple[Builder, str]] = {
    "message": (lambda: message_update(YOUTH, "Bonjour"), "message"),
    "command": (
        lambda: message_update(YOUTH, "/start site-paris", language_code=None, username="sam75"),
        "message",
    ),
    "callback": (lambda: callback_update(YOUTH, "menu:book", message_id=3), "callback_query"),
    "sticker": (lambda: sticker_update(YOUTH), "message"),
    "photo": (lambda: photo_update(YOUTH, caption="mon CV"), "message"),
    "voice": (lambda: voice_update(YOUTH, first_name="Aïcha"), "message"),
    "document": (lambda: document_update(YOUTH), "message"),
    "location": (lambda: location_update(YOUTH), "message"),
    "contact": (lambda: contact_update(YOUTH), "message"),
    "edited": (lambda: edited_message_update(YOUTH, "Bonjour !"), "edited_message"),
}


@pytest.mark.parametrize("kind", BUILDERS)
async def test_builders_parse_with_both_libraries(kind: str, ptb_bot: telegram.Bot) -> None:
    build, event_type = BUILDERS[kind]
    data = build()

    parsed = aiogram.types.Update.model_validate(data)
    update = telegram.Update.de_json(data, ptb_bot)

    assert parsed.update_id == update.update_id == data["update_id"]
    assert parsed.event_type == event_type
    assert update.effective_user is not None
    assert update.effective_user.id == YOUTH
    assert update.effective_chat is not None
    assert update.effective_chat.id == YOUTH


def test_builders_number_updates_and_messages() -> None:
    first = message_update(YOUTH, "/start")
    second = message_update(YOUTH, "/aide")
    other = message_update(YOUTH + 1, "Bonjour")

    assert other["update_id"] == second["update_id"] + 1 == first["update_id"] + 2
    assert second["message"]["message_id"] == first["message"]["message_id"] + 1
    assert first["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert "entities" not in other["message"]
    assert message_update(YOUTH, "/café")["message"]["entities"][0]["length"] == 5
    assert message_update(YOUTH, "/a😀 b")["message"]["entities"][0]["length"] == 4


async def test_bot_messages_follow_the_youths_in_a_chat(
    fake: FakeTelegram, aiogram_bot: aiogram.Bot
) -> None:
    update = message_update(YOUTH, "Bonjour", first_name="Aïcha")
    fake.push(update)

    sent = await aiogram_bot.send_message(YOUTH, "Salut")

    assert sent.message_id == update["message"]["message_id"] + 1
    assert sent.chat.first_name == "Aïcha"
