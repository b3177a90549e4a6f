"""Schema migrations: the only way the schema is made or changed.

Callers inside an event loop (the CLI, tests) hand Alembic a live connection,
so Alembic's environment never has to start a loop of its own.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from core.db import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url)
    return config


async def upgrade(database: Database, revision: str = "head") -> None:
    await _run(database, lambda config: command.upgrade(config, revision))


async def downgrade(database: Database, revision: str = "base") -> None:
    await _run(database, lambda config: command.downgrade(config, revision))


async def current_revision(database: Database) -> str | None:
    async with database.engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def _run(database: Database, operation: object) -> None:
    def with_connection(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        operation(config)  # type: ignore[operator]

    async with database.engine.begin() as connection:
        await connection.run_sync(with_connection)
