"""Reading a youth's page in the staff panel; finding them is `core.youth_search`.

An adviser sees the youths of their sites (see `core.staff_scope` for youths with
no site), plus any youth booked on a slot of their sites, whom they meet on a
roster. The diagnostic summary shows only when the youth agreed to share it
(DESIGN.md §9).

Reads work inside the caller's session; `set_food_parcel_eligible` writes inside
the caller's transaction; nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.audit import record
from core.booking.eligibility import food_parcel_eligible, has_food_signal
from core.models import Booking, ContactRequest, DiagnosticResult, Site, Slot, StaffUser, Youth
from core.staff_scope import (
    DEFAULT_PER_PAGE,
    NotFound,
    Page,
    SiteIds,
    fetch_page,
    in_scope,
    site_visible,
)
from core.youth_search import YouthSummary, search_youths

# The search lives in `core.youth_search`; it is offered here too, with the rest of
# what the panel reads about youths.
__all__ = [
    "ACTION_FOOD_PARCEL",
    "CONTACT_REQUESTS_SHOWN",
    "DiagnosticSummary",
    "FoodParcelEligibility",
    "YouthErased",
    "YouthPage",
    "YouthSummary",
    "scoped_youth",
    "search_youths",
    "set_food_parcel_eligible",
    "visible_youths",
    "youth_page",
]

ACTION_FOOD_PARCEL = "youth.food_parcel_eligible"
# The latest requests are what the page is for; older ones are in the inbox's history.
CONTACT_REQUESTS_SHOWN = 20


class YouthErased(NotFound):
    """No such youth any more: they erased their data (or never existed)."""

    code = "youth_erased"

    def __init__(self, youth_id: int) -> None:
        super().__init__("youth", youth_id)


@dataclass(frozen=True)
class DiagnosticSummary:
    completed_at: datetime
    # As stored: [{"theme": data·inclusion code, "priority": "P0"|"P1"|"P2", ...}].
    signals: list[dict[str, Any]]
    orientations: list[dict[str, Any]]


@dataclass(frozen=True)
class FoodParcelEligibility:
    # What the booking rule answers: may the youth book a Linkee pickup?
    eligible: bool
    # The adviser's toggle.
    referred_by_adviser: bool
    # Whether the diagnostic found a food need; None when the youth does not share it.
    from_diagnostic: bool | None


@dataclass(frozen=True)
class YouthPage:
    youth: Youth
    site: Site | None
    # The youth's bookings on slots in scope, the latest slot first.
    bookings: Page[tuple[Booking, Slot]]
    contact_requests: list[ContactRequest]
    contact_requests_total: int
    diagnostic_shared: bool
    # The latest completed diagnostic; None when not shared or none completed.
    diagnostic: DiagnosticSummary | None
    food_parcel: FoodParcelEligibility


def visible_youths(site_ids: SiteIds) -> ColumnElement[bool]:
    """SQL: youths of the scope, or booked on one of its slots."""
    if site_ids is None:
        return sa.true()
    booked_here = (
        select(col(Booking.id))
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .where(col(Booking.youth_id) == col(Youth.id), col(Slot.site_id).in_(sorted(site_ids)))
        .exists()
    )
    return sa.or_(in_scope(col(Youth.site_id), site_ids), booked_here)


async def scoped_youth(session: AsyncSession, youth_id: int, site_ids: SiteIds) -> Youth:
    youth = await session.get(Youth, youth_id)
    if youth is None:
        raise YouthErased(youth_id)
    if site_visible(youth.site_id, site_ids):
        return youth
    visible = select(col(Youth.id)).where(col(Youth.id) == youth_id, visible_youths(site_ids))
    if await session.scalar(visible) is None:
        raise NotFound("youth", youth_id)
    return youth


# -- a youth's page -----------------------------------------------------------------------


async def youth_page(
    session: AsyncSession,
    youth_id: int,
    *,
    site_ids: SiteIds,
    now: datetime,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
) -> YouthPage:
    """What an adviser reads about one youth; `page` pages their bookings."""
    youth = await scoped_youth(session, youth_id, site_ids)
    bookings = (
        select(Booking, Slot)
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .where(col(Booking.youth_id) == youth_id, in_scope(col(Slot.site_id), site_ids))
        .order_by(col(Slot.starts_at).desc(), col(Booking.id).desc())
    )
    rows, total, page, per_page = await fetch_page(session, bookings, page, per_page)
    requests = (
        select(ContactRequest)
        .where(
            col(ContactRequest.youth_id) == youth_id,
            in_scope(col(ContactRequest.site_id), site_ids),
        )
        .order_by(col(ContactRequest.created_at).desc(), col(ContactRequest.id).desc())
    )
    requests_total = await session.scalar(
        select(sa.func.count()).select_from(requests.order_by(None).subquery())
    )
    diagnostic = await _latest_diagnostic(session, youth_id) if youth.share_diagnostic else None
    return YouthPage(
        youth=youth,
        site=await session.get(Site, youth.site_id) if youth.site_id is not None else None,
        bookings=Page([(b, s) for b, s in rows], total, page, per_page),
        contact_requests=list(
            (await session.scalars(requests.limit(CONTACT_REQUESTS_SHOWN))).all()
        ),
        contact_requests_total=int(requests_total or 0),
        diagnostic_shared=youth.share_diagnostic,
        diagnostic=diagnostic,
        food_parcel=FoodParcelEligibility(
            eligible=await food_parcel_eligible(session, youth),
            referred_by_adviser=youth.food_parcel_eligible,
            from_diagnostic=(
                has_food_signal(diagnostic.signals) if diagnostic is not None else None
            )
            if youth.share_diagnostic
            else None,
        ),
    )


async def _latest_diagnostic(session: AsyncSession, youth_id: int) -> DiagnosticSummary | None:
    statement = (
        select(DiagnosticResult)
        .where(
            col(DiagnosticResult.youth_id) == youth_id,
            col(DiagnosticResult.completed_at).is_not(None),
        )
        .order_by(col(DiagnosticResult.completed_at).desc(), col(DiagnosticResult.id).desc())
        .limit(1)
    )
    result = await session.scalar(statement)
    if result is None or result.completed_at is None:
        return None
    return DiagnosticSummary(result.completed_at, result.signals, result.orientations)


async def set_food_parcel_eligible(
    session: AsyncSession,
    youth_id: int,
    value: bool,
    *,
    by: StaffUser,
    site_ids: SiteIds,
    now: datetime,
) -> Youth:
    """The adviser's referral for food parcels, on or off; audited when it changes."""
    youth = await scoped_youth(session, youth_id, site_ids)
    if youth.food_parcel_eligible == value:
        return youth
    before = {"food_parcel_eligible": youth.food_parcel_eligible}
    youth.food_parcel_eligible = value
    await record(
        session,
        staff=by,
        now=now,
        action=ACTION_FOOD_PARCEL,
        entity="youth",
        entity_id=youth_id,
        before=before,
        after={"food_parcel_eligible": value},
    )
    await session.flush()
    return youth
