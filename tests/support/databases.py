"""Test databases: a migrated template per backend, and a fresh copy for each test.

Migrating once and copying (a file copy for SQLite, `CREATE DATABASE … TEMPLATE`
for PostgreSQL) keeps a fresh database per test cheap.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

from sqlalchemy import text

from core import migrate
from core.db import Database, make_database
from tests.support.pgserver import PostgresServer

TEMPLATE = "passerelle_template"
_counter = itertools.count(1)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def build_sqlite_template(directory: Path) -> Path:
    path = directory / "template.db"
    database = make_database(sqlite_url(path))
    try:
        await migrate.upgrade(database)
    finally:
        await database.dispose()
    return path


async def build_postgres_template(server: PostgresServer) -> None:
    await _admin(server, f"CREATE DATABASE {TEMPLATE}")
    database = make_database(server.url(TEMPLATE))
    try:
        await migrate.upgrade(database)
    finally:
        await database.dispose()


def fresh_sqlite(template: Path | None, directory: Path) -> str:
    path = directory / f"test-{next(_counter)}.db"
    if template is not None:
        shutil.copyfile(template, path)
    return sqlite_url(path)


async def fresh_postgres(server: PostgresServer, *, migrated: bool) -> str:
    name = f"test_{next(_counter)}"
    template = f" TEMPLATE {TEMPLATE}" if migrated else ""
    await _admin(server, f"CREATE DATABASE {name}{template}")
    return server.url(name)


async def drop_postgres(server: PostgresServer, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    await _admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


async def _admin(server: PostgresServer, statement: str) -> None:
    admin: Database = make_database(server.admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await admin.dispose()
