"""One process of a multi-process booking race, run as `python -m tests.support.booking_worker`.

Arguments: DATABASE_URL SLOT_ID NOW_ISO YOUTH_ID... It prints `ready` once its
imports and engine are up, waits for a `go` line on stdin so that every process
starts booking at the same moment, books the slot for all the youths at once,
and prints one JSON line: `[[youth_id, booking_id, status, created], ...]`.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime

from core.booking import BookingService
from core.clock import ManualClock
from core.config import load_settings
from core.db import make_database


async def race(url: str, slot_id: int, now: datetime, youth_ids: list[int]) -> list[object]:
    database = make_database(url)
    try:
        service = BookingService(database, ManualClock(now), load_settings(None, database_url=url))
        async with database.engine.connect():
            pass  # connect before the start signal, not after
        print("ready", flush=True)
        if (await asyncio.to_thread(sys.stdin.readline)).strip() != "go":
            raise SystemExit("expected 'go' on stdin")
        outcomes = await asyncio.gather(
            *(service.book(youth_id=youth_id, slot_id=slot_id) for youth_id in youth_ids)
        )
        return [
            [youth_id, outcome.booking.id, outcome.booking.status.value, outcome.created]
            for youth_id, outcome in zip(youth_ids, outcomes, strict=True)
        ]
    finally:
        await database.dispose()


def main(argv: list[str]) -> None:
    url, slot_id, now, *youth_ids = argv
    results = asyncio.run(
        race(url, int(slot_id), datetime.fromisoformat(now), [int(y) for y in youth_ids])
    )
    print(json.dumps(results), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
