"""Conversation state in the database, saved with an optimistic version check.

Every process (both Telegram adapters, several webhook workers) reads and writes
the same `conversation_state` row. A save only succeeds against the version it
read; if another process saved in between, the save matches no row and raises
`StateConflict`, and the engine re-runs the whole event on fresh state.

These run for every event, so they are Core statements built once, on the table
itself: no ORM identity map or attribute instrumentation for a row that is read,
copied into `SavedState` and written back by hand anyway.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from core.models import ConversationState, ProcessedUpdate

_STATE = SQLModel.metadata.tables[ConversationState.__tablename__]
_PROCESSED = SQLModel.metadata.tables[ProcessedUpdate.__tablename__]
# What a handler may change; `version` and `updated_at` are the save's own.
_FIELDS = ("flow", "step", "data", "offered", "last_button", "locale", "youth_id")
_READ = ("version", "updated_at", *_FIELDS)


def _of_user(name: str) -> sa.Label[Any]:
    """One column of the user's row, as a scalar subquery (NULL when there is no row)."""
    where = _STATE.c.user_id == sa.bindparam("state_user")
    return sa.select(_STATE.c[name]).where(where).scalar_subquery().label(name)


_LOAD = sa.select(*(_STATE.c[name] for name in _READ)).where(
    _STATE.c.user_id == sa.bindparam("state_user")
)
# The claim of an update returns the user's state with it: one statement instead of
# two. No row comes back when the update was claimed before (ON CONFLICT DO NOTHING).
_CLAIM = {
    dialect: insert(_PROCESSED)
    .on_conflict_do_nothing(index_elements=["update_id"])
    .returning(*(_of_user(name) for name in _READ))
    for dialect, insert in (("sqlite", sqlite_insert), ("postgresql", postgresql_insert))
}
_CREATE = sa.insert(_STATE)
# The SET clause comes from the parameters' keys; the WHERE names differ from any column's.
_UPDATE = sa.update(_STATE).where(
    _STATE.c.user_id == sa.bindparam("state_user"),
    _STATE.c.version == sa.bindparam("read_version"),
)


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
    # The row as read, to tell whether the event changed anything (`unchanged_since_read`).
    loaded: tuple[Any, ...] | None = field(default=None, repr=False, compare=False)

    def fingerprint(self) -> tuple[Any, ...]:
        """The stored fields, copied: `data` as JSON text, so a nested change shows too."""
        data = json.dumps(self.data)
        offered = tuple(self.offered)
        return (self.flow, self.step, data, offered, self.last_button, self.locale, self.youth_id)


async def load_state(session: AsyncSession, user_id: int) -> SavedState:
    row = (await session.execute(_LOAD, {"state_user": user_id})).first()
    return _state(user_id, row)


async def claim_and_load(
    session: AsyncSession, update_id: int, user_id: int, now: datetime
) -> SavedState | None:
    """Record a Telegram update as handled and read the user's state; None if the
    update was handled already (a redelivery)."""
    claim = _CLAIM[session.get_bind().dialect.name]
    parameters = {"update_id": update_id, "user_id": user_id, "processed_at": now}
    row = (await session.execute(claim, {**parameters, "state_user": user_id})).first()
    return None if row is None else _state(user_id, row)


def _state(user_id: int, row: sa.Row[Any] | None) -> SavedState:
    if row is None or row.version is None:
        return SavedState(user_id)
    state = SavedState(
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
    state.loaded = state.fingerprint()
    return state


async def save_state(session: AsyncSession, state: SavedState, now: datetime) -> None:
    values = {name: getattr(state, name) for name in _FIELDS}
    if state.version is None:
        try:
            await session.execute(
                _CREATE, {"user_id": state.user_id, "version": 1, "updated_at": now, **values}
            )
        except IntegrityError as error:
            # Another process created the row for this user's first event.
            raise StateConflict(state.user_id) from error
        return
    parameters = {"state_user": state.user_id, "read_version": state.version}
    update = {**parameters, "version": state.version + 1, "updated_at": now, **values}
    result = cast("CursorResult[Any]", await session.execute(_UPDATE, update))
    if result.rowcount != 1:
        raise StateConflict(state.user_id)


def unchanged_since_read(session: AsyncSession, state: SavedState) -> bool:
    """Whether saving can be left out, for a state read in this same transaction.

    Only on SQLite. Its writers begin IMMEDIATE, so no other process can have saved
    since this transaction read the row: the version check cannot fail, and the
    row as read is still the row, so an unchanged state has nothing to write or
    prove. On PostgreSQL the check is what detects a save from another worker,
    and must run even when the event changed nothing. The time of the save only
    matters to tell a double tap (`last_button`): a state holding one is saved.
    """
    return (
        session.get_bind().dialect.name == "sqlite"
        and state.last_button is None
        and state.loaded is not None
        and state.loaded == state.fingerprint()
    )
