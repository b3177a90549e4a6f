"""The schema is made by migrations only, and they match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from core import migrate
from core.db import make_database
from core.models import metadata


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def _drift(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_upgrade_from_empty_then_downgrade_to_nothing(empty_database_url: str) -> None:
    database = make_database(empty_database_url)
    try:
        await migrate.upgrade(database)
        assert await migrate.current_revision(database) == migrate.head_revision()
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_tables) == set(metadata.tables)

        await migrate.downgrade(database)
        assert await migrate.current_revision(database) is None
        async with database.engine.connect() as connection:
            assert await connection.run_sync(_tables) == set()
    finally:
        await database.dispose()


async def test_models_and_migrations_do_not_drift(empty_database_url: str) -> None:
    database = make_database(empty_database_url)
    try:
        await migrate.upgrade(database)
        async with database.engine.connect() as connection:
            drift = await connection.run_sync(_drift)
        assert drift == [], f"models differ from migrations; run `make migration`: {drift}"
    finally:
        await database.dispose()


async def test_upgrade_twice_is_a_no_op(database_url: str) -> None:
    database = make_database(database_url)
    try:
        await migrate.upgrade(database)
        assert await migrate.current_revision(database) == migrate.head_revision()
    finally:
        await database.dispose()
