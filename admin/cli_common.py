"""What the `python -m admin` commands share: their type, exit codes, checks and messages."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from core import migrate
from core.config import Settings
from core.db import Database
from core.i18n import Catalogs, Text, render_text

EXIT_CONFIG = 2

Command = Callable[[Settings, argparse.Namespace], Coroutine[Any, Any, int]]


def french(text: Text, settings: Settings) -> str:
    """A core message for the terminal: the product's source language, French."""
    return render_text(text, "fr", Catalogs(), settings.tz)


async def migrated(database: Database) -> bool:
    if await migrate.current_revision(database) == migrate.head_revision():
        return True
    print("The database is not up to date: run `python -m bot migrate` first.", file=sys.stderr)
    return False
