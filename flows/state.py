"""Conversation state in the database, saved with an optimistic version check.

Every process (both Telegram adapters, several webhook workers) reads and writes
the same `conversation_state` row. A save only succeeds against the version it
read; if another process saved in between, the save matches no row and raises
`StateConflict`, and the engine re-runs the whole event on fresh state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.models import ConversationState, ProcessedUpdate


class StateConflict(Exception):
    """Another process saved this user's state since it was read."""


@dataclass
class SavedState:
    """A working copy of one user's row; `version` is None until the row exists."""

    user_id: int
    version: int | None = None
    flow: str = ""
    step: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    offered: list[str] = field(default_factory=list)
    last_button: str | None = None
    locale: str | None = None
    youth_id: int | None = None
    updated_at: datetime | None = None


async def load_state(session: AsyncSession, user_id: int) -> SavedState:
    row = await session.get(ConversationState, user_id)
    if row is None:
        return SavedState(user_id)
    return SavedState(
        user_id=user_id,
        version=row.version,
        flow=row.flow,
        step=row.step,
        data=dict(row.data),
        offered=list(row.offered),
        last_button=row.last_button,
        locale=row.locale,
        youth_id=row.youth_id,
        updated_at=row.updated_at,
    )


async def save_state(session: AsyncSession, state: SavedState, now: datetime) -> None:
    values = {
        "flow": state.flow,
        "step": state.step,
        "data": state.data,
        "offered": state.offered,
        "last_button": state.last_button,
        "locale": state.locale,
        "youth_id": state.youth_id,
        "updated_at": now,
    }
    if state.version is None:
        insert = sa.insert(ConversationState).values(user_id=state.user_id, version=1, **values)
        try:
            await session.execute(insert)
        except IntegrityError as error:
            # Another process created the row for this user's first event.
            raise StateConflict(state.user_id) from error
        return
    update = (
        sa.update(ConversationState)
        .where(col(ConversationState.user_id) == state.user_id)
        .where(col(ConversationState.version) == state.version)
        .values(version=state.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    result = cast("CursorResult[Any]", await session.execute(update))
    if result.rowcount != 1:
        raise StateConflict(state.user_id)


async def claim_update(session: AsyncSession, update_id: int, user_id: int, now: datetime) -> bool:
    """Record a Telegram update as handled; False if it already was (a redelivery)."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(ProcessedUpdate)
        .values(update_id=update_id, user_id=user_id, processed_at=now)
        .on_conflict_do_nothing(index_elements=["update_id"])
    )
    result = cast("CursorResult[Any]", await session.execute(statement))
    return result.rowcount == 1
