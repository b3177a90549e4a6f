"""Trigram index for the youth search

The staff panel finds youths by a piece of their name or username
(`core.youth_search`). On PostgreSQL a GIN index of trigrams (pg_trgm, a
trusted extension the database owner may create) answers `ILIKE '%term%'`
without reading every youth. SQLite has no such index type: the same
declaration makes a plain index there, which the search does not use.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 22:20:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with op.batch_alter_table("youth", schema=None) as batch_op:
        batch_op.create_index(
            "ix_youth_name_trigrams",
            ["display_name", "username"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"display_name": "gin_trgm_ops", "username": "gin_trgm_ops"},
        )


def downgrade() -> None:
    with op.batch_alter_table("youth", schema=None) as batch_op:
        batch_op.drop_index("ix_youth_name_trigrams")
    # pg_trgm stays: other objects of the database may have come to use it since.
