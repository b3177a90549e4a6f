"""What every benchmark shares: the two databases, measured one after the other in one run.

Each benchmark measures something on a fresh, migrated-or-empty database of a
backend; this module provides those databases (a SQLite file, a throwaway
PostgreSQL server), the `--backend` option, and the command's ending: the
report, then the exit code (1 when a result is unsound, 2 when PostgreSQL
cannot start).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Protocol, TypeVar

from tests.support import databases
from tests.support.pgserver import PostgresUnavailable, start_server

BACKENDS = ("sqlite", "postgresql")


class Measured(Protocol):
    @property
    def backend(self) -> str: ...

    @property
    def sound(self) -> bool: ...


R = TypeVar("R", bound=Measured)


def add_backend_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--backend",
        choices=[*BACKENDS, "both"],
        default="both",
        help="which databases to run on (both)",
    )


@asynccontextmanager
async def fresh_database(backend: str) -> AsyncIterator[str]:
    """The URL of a new, empty database of `backend`; everything is removed on exit."""
    if backend == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix="passerelle-bench-"))
        try:
            yield databases.sqlite_url(directory / "bench.db")
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return
    server = await asyncio.to_thread(start_server)
    try:
        yield await databases.fresh_postgres(server, migrated=False)
    finally:
        await asyncio.to_thread(server.stop)


def run_and_report(
    choice: str,
    measure: Callable[[str, str], Awaitable[R]],
    report: Callable[[Sequence[R]], None],
    unsound_means: str,
) -> int:
    """Measure on each chosen backend in turn, print the report, and give the exit code."""

    async def on_each() -> list[R]:
        results = []
        for backend in BACKENDS:
            if choice in (backend, "both"):
                async with fresh_database(backend) as url:
                    results.append(await measure(backend, url))
        return results

    try:
        results = asyncio.run(on_each())
    except PostgresUnavailable as error:
        print(f"PostgreSQL could not start: {error}", file=sys.stderr)
        return 2
    report(results)
    unsound = [result.backend for result in results if not result.sound]
    if unsound:
        print(f"FAILED: {unsound_means} on {', '.join(unsound)}")
        return 1
    return 0


def ratio_line(results: Sequence[R], label: str, value: Callable[[R], float]) -> str | None:
    """ "PostgreSQL/SQLite <label>: 1.40x" when both backends ran, else None."""
    by_backend = {result.backend: result for result in results}
    if not set(BACKENDS) <= by_backend.keys():
        return None
    ratio = value(by_backend["postgresql"]) / value(by_backend["sqlite"])
    return f"PostgreSQL/SQLite {label}: {ratio:.2f}x"
