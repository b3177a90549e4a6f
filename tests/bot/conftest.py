"""Fixtures of the bot's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.dispatcher import Dispatcher
from bot.serve import make_adapter, make_sender
from core.clock import ManualClock
from core.config import load_settings
from core.db import Database
from tests.support.chat import compiled_catalogs
from tests.support.dispatching import Dispatching
from tests.support.fake_telegram import FakeTelegram


@pytest.fixture
async def dispatching(
    database: Database, database_url: str, clock: ManualClock
) -> AsyncIterator[Dispatching]:
    async with FakeTelegram() as fake:
        settings = load_settings(
            None,
            database_url=database_url,
            bot_token=fake.token,
            telegram_api_base=fake.base_url,
            send_rate=1000,
            send_chat_interval=0,
            dispatch_batch=20,
        )
        adapter = make_adapter(settings)
        await adapter.start()
        sender = make_sender(settings, database, clock)
        dispatcher = Dispatcher(
            database, clock, settings, compiled_catalogs(), sender, adapter.port, worker="test"
        )
        try:
            yield Dispatching(fake, database, clock, settings, dispatcher, adapter.port)
        finally:
            await adapter.close()
