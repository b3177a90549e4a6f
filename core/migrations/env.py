"""Alembic environment: async engines, and a connection handed in by `core.migrate`."""

import asyncio
from logging import getLogger
from typing import Any, Literal

import sqlalchemy as sa
from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from core.models import metadata
from core.models.types import UTCDateTime

log = getLogger("passerelle.migrations")


def _render_type(kind: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write plain SQLAlchemy types into revisions.

    A revision must keep working after the model code it was generated from has
    changed, so it never imports the models' own column types.
    """
    if kind != "type":
        return False
    if isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if isinstance(obj, sa.TypeDecorator) and isinstance(obj.impl_instance, sa.String):
        # Enum values and SQLModel's AutoString are plain VARCHARs underneath.
        return f"sa.String(length={obj.impl_instance.length})"
    if isinstance(obj, sa.JSON) and "postgresql" in getattr(obj, "_variant_mapping", {}):
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return "sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')"
    return False


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode recreates the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_type,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure_and_run)
            await connection.commit()
    finally:
        await engine.dispose()


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL given to the migrations")
    asyncio.run(_run_with_own_engine(url))


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run()
