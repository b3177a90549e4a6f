"""What every request of the panel shares: settings, database, clock, catalogues, templates."""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment
from starlette.requests import HTTPConnection

from core.clock import Clock
from core.config import Settings
from core.db import Database
from core.i18n import Catalogs


@dataclass(frozen=True)
class Panel:
    settings: Settings
    database: Database
    clock: Clock
    catalogs: Catalogs
    templates: Environment


def panel_of(connection: HTTPConnection) -> Panel:
    panel: Panel = connection.app.state.panel
    return panel
