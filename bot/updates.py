"""A Telegram update, as both adapters receive it, turned into the engine's `Event`.

Both adapters hand over the update as the Bot API's JSON (when polling, aiogram
and python-telegram-bot each dump their own objects back to it; a webhook's JSON
is checked here and passed on as it came), so one function decides, for both
libraries, what a youth did. Only private chats are served:
the bot is not meant for groups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flows.events import Event

# What a message can carry besides text, in the order Telegram documents them; the
# first one present names the unsupported event ("sticker", "photo"…).
UNSUPPORTED_CONTENT = (
    "sticker", "photo", "video", "video_note", "animation", "voice", "audio", "document",
    "location", "venue", "contact", "poll", "dice", "game", "story",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Incoming:
    """An event, and where its answer goes."""

    event: Event
    chat_id: int
    # A tapped button's query, to answer so the client stops its spinner.
    callback_id: str | None = None
    # The bot's message holding the tapped button, for replies that edit it.
    message_id: int | None = None


def checked_update(data: object) -> Mapping[str, Any]:
    """A webhook's JSON if it is an update, as is; ValueError if it is not.

    The webhook does not build the library's objects to check it: nothing would
    use them, since the conversation reads the JSON itself. What it must hold is
    what that reading needs: an integer `update_id`, and a message or tap it can
    read (or nothing the bot serves, which is acknowledged and left alone).
    """
    if not isinstance(data, Mapping):
        raise ValueError("not an update: not a JSON object")
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise ValueError("not an update: no update_id")
    try:
        incoming_from_update(data)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"not an update: {error!r}") from error
    return data


def incoming_from_update(update: Mapping[str, Any]) -> Incoming | None:
    """The event of an update, or None for what the bot does not serve (groups, polls…)."""
    update_id = update.get("update_id")
    if isinstance(query := update.get("callback_query"), Mapping):
        return _from_callback(query, update_id)
    if isinstance(message := update.get("edited_message"), Mapping):
        return _from_message(message, update_id, edited=True)
    if isinstance(message := update.get("message"), Mapping):
        return _from_message(message, update_id, edited=False)
    return None


def _from_callback(query: Mapping[str, Any], update_id: int | None) -> Incoming | None:
    user = query.get("from")
    if not isinstance(user, Mapping):
        return None
    message = _mapping(query.get("message"))
    chat = _mapping(message.get("chat"))
    if chat and chat.get("type") != "private":
        return None
    meta = _meta(user, update_id)
    data = query.get("data")
    event = (
        Event.button(int(user["id"]), data, **meta)
        if isinstance(data, str) and data
        else Event.unsupported(int(user["id"]), "callback_without_data", **meta)
    )
    message_id = message.get("message_id")
    return Incoming(
        event,
        chat_id=int(chat.get("id") or user["id"]),
        callback_id=str(query.get("id", "")) or None,
        message_id=message_id if isinstance(message_id, int) else None,
    )


def _from_message(
    message: Mapping[str, Any], update_id: int | None, *, edited: bool
) -> Incoming | None:
    user, chat = message.get("from"), message.get("chat")
    if not isinstance(user, Mapping) or not isinstance(chat, Mapping):
        return None
    if chat.get("type") != "private" or user.get("is_bot"):
        return None
    user_id, meta = int(user["id"]), _meta(user, update_id)
    text = message.get("text")
    if edited:
        # An edit would silently change an answer already acted on: say we read new messages only.
        event = Event.unsupported(user_id, "edited_message", **meta)
    elif isinstance(text, str):
        event = Event.from_text(user_id, text, **meta)
    else:
        kind = next((name for name in UNSUPPORTED_CONTENT if name in message), "other")
        event = Event.unsupported(user_id, kind, **meta)
    return Incoming(event, chat_id=int(chat["id"]))


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _meta(user: Mapping[str, Any], update_id: int | None) -> dict[str, Any]:
    language = user.get("language_code")
    username = user.get("username")
    return {
        "update_id": update_id if isinstance(update_id, int) else None,
        "language_code": language if isinstance(language, str) else None,
        "display_name": str(user.get("first_name") or ""),
        "username": username if isinstance(username, str) else None,
    }
