"""Conversation state and update bookkeeping, shared by every adapter and process."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from core.models.types import JSONDocument, UTCDateTime


class ConversationState(SQLModel, table=True):
    """Where one Telegram user is in the conversation.

    Keyed by the Telegram user id rather than the youth, because a conversation
    starts (language, notice, safety keywords) before anything about the youth
    may be stored. `version` makes concurrent writers from two processes detect
    each other: a save only succeeds against the version it read.
    """

    __tablename__ = "conversation_state"

    user_id: int = Field(
        sa_type=sa.BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    youth_id: int | None = Field(
        default=None, foreign_key="youth.id", ondelete="CASCADE", index=True
    )
    locale: str | None = Field(default=None, max_length=8)
    flow: str = Field(default="", max_length=64)
    step: str = Field(default="", max_length=64)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSONDocument)
    # Button ids of the last keyboard shown: anything else tapped is stale.
    offered: list[str] = Field(default_factory=list, sa_type=JSONDocument)
    last_button: str | None = Field(default=None, max_length=128)
    version: int = Field(default=1)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class ProcessedUpdate(SQLModel, table=True):
    """A Telegram update id already handled; Telegram redelivers, we must not re-run."""

    __tablename__ = "processed_update"

    update_id: int = Field(
        sa_type=sa.BigInteger, primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    user_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    processed_at: datetime = Field(sa_type=UTCDateTime, index=True)
