"""PostgreSQL finds youths by a piece of a name through the trigram index, with the same results."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import ManualClock
from core.db import Database
from core.youth_search import search_youths
from tests.support.factories import make_youth

pytestmark = pytest.mark.postgres_only

INDEX = "ix_youth_name_trigrams"


async def _plan_and_names(session: AsyncSession, query: str) -> tuple[str, set[str]]:
    """The plan of the search's query, and the names it finds, with table scans
    priced out: a test's few rows would otherwise always be scanned."""
    await session.execute(text("SET LOCAL enable_seqscan = off"))
    connection = await session.connection()
    statements: list[tuple[str, Any]] = []

    def capture(*args: Any) -> None:
        statements.append((args[2], args[3]))

    event.listen(connection.sync_connection, "before_cursor_execute", capture)
    try:
        page = await search_youths(session, query, site_ids=None)
    finally:
        event.remove(connection.sync_connection, "before_cursor_execute", capture)
    statement, parameters = statements[0]
    plan = await connection.exec_driver_sql("EXPLAIN " + statement, parameters)
    return "\n".join(row[0] for row in plan), {youth.display_name for youth in page.items}


async def test_terms_with_a_trigram_are_looked_up_in_the_index(
    database: Database, clock: ManualClock
) -> None:
    async with database.transaction() as session:
        for name, username in (
            ("Marie-Élodie", None),
            ("ÉLODIE Camara", "elo_c"),
            ("Lé Martin", None),
            ("100% Paul", "paul_100"),
        ):
            await make_youth(session, clock.now(), display_name=name, username=username)

    async with database.reading() as session:
        plan, found = await _plan_and_names(session, "élodie")
        assert INDEX in plan
        assert found == {"Marie-Élodie", "ÉLODIE Camara"}
        plan, found = await _plan_and_names(session, "@PAUL_1")
        assert INDEX in plan
        assert found == {"100% Paul"}
        plan, found = await _plan_and_names(session, "mart")
        assert INDEX in plan
        assert found == {"Lé Martin"}
        # No three letters or digits in a row: nothing to look up, the names are read.
        plan, found = await _plan_and_names(session, "lé")
        assert INDEX not in plan
        assert found == {"Lé Martin"}
        plan, found = await _plan_and_names(session, "0%")
        assert INDEX not in plan
        assert found == {"100% Paul"}
