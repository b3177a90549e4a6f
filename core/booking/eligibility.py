"""Who may book a Linkee food parcel (DESIGN.md §5).

A youth is eligible when their latest completed self-diagnostic found a food
need, or when an adviser marked them eligible in the panel. Only the latest
completed run counts: a youth who said last month they skipped meals and says
today they no longer do has no food need any more, and an adviser can still
refer them. A run left unfinished says nothing yet, so it is ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.diagnostic.themes import Theme
from core.models import DiagnosticResult, Youth

FOOD_THEMES = frozenset({Theme.FOOD_AID, Theme.FOOD})


def has_food_signal(signals: Iterable[Mapping[str, Any]]) -> bool:
    """Whether stored diagnostic signals (as `DiagnosticResult.signals` keeps them)
    include a food need, at any priority."""
    # Stored runs outlive the code that wrote them: an entry with no theme, or one
    # that is not a string, is read as no food need rather than breaking the booking.
    return any(
        isinstance(theme := signal.get("theme"), str) and theme in FOOD_THEMES for signal in signals
    )


async def food_parcel_eligible(session: AsyncSession, youth: Youth) -> bool:
    """Whether the youth may book a food parcel; reads inside the caller's transaction."""
    if youth.food_parcel_eligible:
        return True
    if youth.id is None:
        return False
    latest_completed = (
        select(col(DiagnosticResult.signals))
        .where(
            col(DiagnosticResult.youth_id) == youth.id,
            col(DiagnosticResult.completed_at).is_not(None),
        )
        .order_by(col(DiagnosticResult.completed_at).desc(), col(DiagnosticResult.id).desc())
        .limit(1)
    )
    signals = await session.scalar(latest_completed)
    return signals is not None and has_food_signal(signals)
