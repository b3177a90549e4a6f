"""`python -m bot run` with a token serves Telegram, by polling or webhook, and stops cleanly.

The real command, in its own process, against the fake Bot API server: what an
operator starts. SIGTERM (a container's stop) lets it finish and exit 0.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import pytest

from core.config import PROJECT_ROOT
from tests.support.fake_telegram import FakeTelegram, message_update

pytestmark = pytest.mark.sqlite_only
SECRET = "a-webhook-secret-of-some-length"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _run_bot(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        cwd=PROJECT_ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip


@pytest.mark.parametrize("framework", ["aiogram", "ptb"])
@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_run_serves_a_youth_then_stops_on_sigterm(
    database_url: str, tmp_path: Path, framework: str, mode: str
) -> None:
    port = _free_port()
    async with FakeTelegram() as fake:
        env = {
            **{key: value for key, value in os.environ.items() if not key.startswith("WEBHOOK")},
            "DATABASE_URL": database_url,
            "BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE": fake.base_url,
            "BOT_FRAMEWORK": framework,
            "BOT_MODE": mode,
            "WEBHOOK_URL": f"http://127.0.0.1:{port}/hook",
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_LISTEN": f"127.0.0.1:{port}",
        }
        process = await _run_bot(env)
        try:
            ready = "setWebhook" if mode == "webhook" else "deleteWebhook"
            # Importing a Telegram library takes seconds, many more on a busy machine.
            await fake.wait_for(lambda: bool(fake.calls_to(ready)), timeout=90)
            update = message_update(55, "/start", language_code="en")
            if mode == "webhook":
                assert await fake.deliver_webhook(env["WEBHOOK_URL"], update, SECRET) == 200
            else:
                fake.push(update)
            await fake.wait_for(lambda: "Choose your language" in (fake.last_text(55) or ""))
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == 0, output.decode()
        assert f"Serving Telegram with {framework}, {mode} mode" in output.decode()
