"""What there is to book, for the menus that lead to the slot lists, and one slot in full.

Read-only and non-committing, like `queries`: a conversation calls these inside
its event's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.booking.queries import SlotAvailability, SlotFilter, count_with_status
from core.models import BookingStatus, Partner, Site, Slot, SlotKind


@dataclass(frozen=True)
class SlotDetails:
    """A slot with what its detail screen shows beside it."""

    availability: SlotAvailability
    partner: Partner | None
    site: Site | None

    @property
    def slot(self) -> Slot:
        return self.availability.slot


async def bookable_topics(session: AsyncSession, *, now: datetime, kind: SlotKind) -> list[str]:
    """The topics of the slots of `kind` a youth could book now, in alphabetical order."""
    conditions = SlotFilter(kind=kind, hide_unavailable=True).conditions(now)
    statement = (
        select(col(Slot.topic))
        .where(*conditions, col(Slot.topic).is_not(None))
        .distinct()
        .order_by(col(Slot.topic))
    )
    return [topic for topic in (await session.scalars(statement)).all() if topic]


async def bookable_partners(
    session: AsyncSession, *, now: datetime, kind: SlotKind
) -> list[Partner]:
    """The partners offering slots of `kind` a youth could book now, by name."""
    offered = select(col(Slot.partner_id)).where(
        *SlotFilter(kind=kind, hide_unavailable=True).conditions(now)
    )
    statement = select(Partner).where(col(Partner.id).in_(offered)).order_by(col(Partner.name))
    return list((await session.scalars(statement)).all())


async def partner_by_code(session: AsyncSession, code: str) -> Partner | None:
    return await session.scalar(select(Partner).where(col(Partner.code) == code))


async def slot_details(session: AsyncSession, slot_id: int) -> SlotDetails | None:
    """The slot, its seat counts, partner and site; None when no such slot exists."""
    slot = await session.get(Slot, slot_id, populate_existing=True)
    if slot is None:
        return None
    booked = await count_with_status(session, slot_id, BookingStatus.BOOKED)
    waitlisted = await count_with_status(session, slot_id, BookingStatus.WAITLISTED)
    partner = await session.get(Partner, slot.partner_id) if slot.partner_id else None
    site = await session.get(Site, slot.site_id) if slot.site_id else None
    return SlotDetails(SlotAvailability(slot, booked, waitlisted), partner, site)
