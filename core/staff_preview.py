"""The bot preview's throwaway youths: staff trying the bot in the panel, never young people.

They speak as negative Telegram user ids, which Telegram never gives. Their
bookings are real rows on real slots (staff see what a youth sees, on the roster
too), but nothing is sent to them, and the coordinators' figures leave them out.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.models import Youth


def is_staff_preview(telegram_user_id: int) -> bool:
    return telegram_user_id < 0


async def staff_preview_youth_ids(session: AsyncSession) -> list[int]:
    """The preview youths there are now: one per staff account that tried the bot, at most."""
    found = await session.scalars(select(col(Youth.id)).where(col(Youth.telegram_user_id) < 0))
    return [youth_id for youth_id in found if youth_id is not None]


def not_staff_preview(youth_id: Any, preview_ids: list[int]) -> sa.ColumnElement[bool]:
    """Rows of young people only; an erased youth's (no youth any more) still counts."""
    if not preview_ids:
        return sa.true()
    return sa.or_(youth_id.is_(None), youth_id.not_in(preview_ids))
