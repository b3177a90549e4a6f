"""Counting what changed for the dashboard in the background, so that a view rarely has to.

`core.stats.dashboard` brings its counts up to date before it reads. With nothing
changed that is one small query; after a busy day it would be every slot, answer and
youth that changed since the previous view, counted while the coordinator waits. The
panel counts them every `DASHBOARD_REFRESH` instead, so a view is left with the last
seconds' changes at most. Several panels may do so at once: the counts stay right
(`core.stats_tally`). A pass that fails, say while the database restarts, is logged
and the next one tries again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import tzinfo

from admin.state import Panel
from core.db import Database
from core.stats_tally import bring_up_to_date

logger = logging.getLogger(__name__)


async def keep_counting(database: Database, tz: tzinfo, every: float) -> None:
    """Bring the dashboard's counts up to date every `every` seconds, until cancelled."""
    while True:
        await asyncio.sleep(every)
        try:
            await bring_up_to_date(database, tz)
        except Exception:
            logger.exception("counting the dashboard's changes failed; next try in %.0f s", every)


@asynccontextmanager
async def counting_in_background(panel: Panel) -> AsyncIterator[None]:
    """While the panel runs, keep the dashboard's counts up to date (unless turned off)."""
    every = panel.settings.dashboard_refresh
    if not every:
        yield
        return
    task = asyncio.create_task(keep_counting(panel.database, panel.settings.tz, every))
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
