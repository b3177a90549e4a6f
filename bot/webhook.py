"""The webhook: Telegram POSTs each update here; one small ASGI app for both adapters.

- A wrong or missing `X-Telegram-Bot-Api-Secret-Token` gets 401, compared in
  constant time so the secret cannot be guessed from response times.
- The update is handled before answering, and 200 means it is done (or was a
  duplicate). Only an update that could not be stored gets a 5xx, so Telegram
  delivers it again; any other failure was answered to the youth already, and a
  redelivery would only repeat it.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from flows.replies import Outcome

log = logging.getLogger("passerelle.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header's name)

Parse = Callable[[Mapping[str, Any]], Mapping[str, Any]]
Handle = Callable[[Mapping[str, Any]], Awaitable[Outcome | None]]


def webhook_path(webhook_url: str) -> str:
    """The path Telegram will POST to: the path of `WEBHOOK_URL` ("/" when it has none)."""
    return urlsplit(webhook_url).path or "/"


def webhook_app(*, path: str, secret: str, parse: Parse, handle: Handle) -> Starlette:
    expected = secret.encode()

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return JSONResponse({"ok": False, "error": "unauthorized"}, status_code=401)
        try:
            update = parse(json.loads(await request.body()))
        except Exception:
            # Not an update: Telegram never sends one; refusing it for good is right.
            log.warning("Webhook received something that is not an update")
            return JSONResponse({"ok": False, "error": "not an update"}, status_code=400)
        outcome = await handle(update)
        if outcome is not None and outcome.retry_later:
            return JSONResponse({"ok": False, "error": "try again"}, status_code=503)
        return JSONResponse({"ok": True})

    return Starlette(routes=[Route(path, receive, methods=["POST"])])
