"""The conversation engine with every flow of the product registered."""

from __future__ import annotations

from core.clock import Clock
from core.config import Settings
from core.db import Database
from core.i18n import Catalogs
from flows.engine import ConversationEngine
from flows.start import start_flow


def build_engine(
    database: Database, clock: Clock, settings: Settings, catalogs: Catalogs
) -> ConversationEngine:
    return ConversationEngine(database, clock, settings, catalogs, flows=[start_flow()])
