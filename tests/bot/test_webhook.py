"""The webhook endpoint on its own: the secret, what is not an update, and when to say 5xx."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import pytest

from bot.serve import check_serving_settings
from bot.webhook import SECRET_HEADER, webhook_app, webhook_path
from core.config import ConfigError, load_settings
from flows.replies import Outcome

SECRET = "s3cret-of-twenty-chars"


class Recorder:
    def __init__(self, outcome: Outcome | None) -> None:
        self.outcome = outcome
        self.handled: list[Mapping[str, Any]] = []

    async def handle(self, update: Mapping[str, Any]) -> Outcome | None:
        self.handled.append(update)
        return self.outcome


def _parse(data: Mapping[str, Any]) -> Mapping[str, Any]:
    if "update_id" not in data:
        raise ValueError("not an update")
    return data


async def _post(recorder: Recorder, body: bytes, headers: dict[str, str]) -> int:
    app = webhook_app(path="/hook/abc", secret=SECRET, parse=_parse, handle=recorder.handle)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        response = await client.post("/hook/abc", content=body, headers=headers)
    return response.status_code


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET[:-1]}])
async def test_a_wrong_or_missing_secret_is_refused_unhandled(headers: dict[str, str]) -> None:
    recorder = Recorder(Outcome("fr"))
    assert await _post(recorder, b'{"update_id": 1}', headers) == 401
    assert recorder.handled == []


async def test_an_update_is_handled_then_acknowledged() -> None:
    recorder = Recorder(Outcome("fr"))
    assert await _post(recorder, b'{"update_id": 1}', {SECRET_HEADER: SECRET}) == 200
    assert recorder.handled == [{"update_id": 1}]


@pytest.mark.parametrize("body", [b"not json", b'{"hello": 1}'])
async def test_what_is_not_an_update_gets_400(body: bytes) -> None:
    recorder = Recorder(Outcome("fr"))
    assert await _post(recorder, body, {SECRET_HEADER: SECRET}) == 400
    assert recorder.handled == []


async def test_an_update_that_could_not_be_stored_gets_503_for_redelivery() -> None:
    recorder = Recorder(Outcome("fr", retry_later=True))
    assert await _post(recorder, b'{"update_id": 1}', {SECRET_HEADER: SECRET}) == 503


async def test_nothing_served_is_still_acknowledged() -> None:
    recorder = Recorder(None)
    assert await _post(recorder, b'{"update_id": 1}', {SECRET_HEADER: SECRET}) == 200


def test_the_path_comes_from_the_webhook_url() -> None:
    assert webhook_path("https://bot.example.org/telegram/hook") == "/telegram/hook"
    assert webhook_path("https://bot.example.org") == "/"


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({"webhook_url": "", "webhook_secret": SECRET}, "WEBHOOK_URL"),
        ({"webhook_url": "https://x.org/h", "webhook_secret": "short"}, "WEBHOOK_SECRET"),
    ],
)
def test_webhook_mode_needs_a_url_and_a_long_secret(
    overrides: dict[str, str], variable: str
) -> None:
    settings = load_settings(None, bot_mode="webhook", **overrides)
    with pytest.raises(ConfigError, match=variable):
        check_serving_settings(settings)
    check_serving_settings(load_settings(None, bot_mode="polling"))
