"""Rows for tests, with sensible defaults and keyword overrides.

Each factory adds to a session that is already inside a transaction and only
flushes (so ids are set); committing stays the caller's business, e.g.
`async with database.transaction() as session: slot = await make_slot(session, now)`.
Codes and Telegram ids come from a counter, so rows never collide within a run.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from core.models import Booking, BookingStatus, Partner, Site, Slot, SlotKind, Youth

RowT = TypeVar("RowT", Site, Partner, Youth, Slot, Booking)

_sequence = itertools.count(1)
FIRST_TELEGRAM_USER_ID = 7_000_000_000

_TITLES = {
    SlotKind.WORKSHOP: "Atelier CV",
    SlotKind.FOOD_PARCEL: "Colis alimentaire Linkee",
    SlotKind.APPOINTMENT: "Rendez-vous Emmaüs Connect",
}


async def _saved(session: AsyncSession, row: RowT) -> RowT:
    session.add(row)
    await session.flush()
    return row


def _id_of(row: Youth | Slot | int) -> int:
    if isinstance(row, int):
        return row
    assert row.id is not None, "flush the row before referencing it"
    return row.id


async def make_site(session: AsyncSession, **overrides: Any) -> Site:
    n = next(_sequence)
    values: dict[str, Any] = {
        "code": f"site-{n}",
        "name": f"Mission Locale site {n}",
        "address": f"{n} rue de Belleville, 75020 Paris",
        "arrondissement": 20,
    }
    return await _saved(session, Site(**(values | overrides)))


async def make_partner(session: AsyncSession, **overrides: Any) -> Partner:
    n = next(_sequence)
    values: dict[str, Any] = {
        "code": f"partner-{n}",
        "name": f"Partenaire {n}",
        "category": "insertion",
    }
    return await _saved(session, Partner(**(values | overrides)))


def youth_row(now: datetime, **overrides: Any) -> Youth:
    """An unsaved youth, for callers adding many at once."""
    n = next(_sequence)
    values: dict[str, Any] = {
        "telegram_user_id": FIRST_TELEGRAM_USER_ID + n,
        "display_name": f"Jeune {n}",
        "locale": "fr",
        "consent_version": 1,
        "consented_at": now,
        "created_at": now,
        "last_seen_at": now,
    }
    return Youth(**(values | overrides))


async def make_youth(session: AsyncSession, now: datetime, **overrides: Any) -> Youth:
    return await _saved(session, youth_row(now, **overrides))


async def make_youths(session: AsyncSession, now: datetime, count: int) -> list[Youth]:
    """`count` youths in one flush."""
    youths = [youth_row(now) for _ in range(count)]
    session.add_all(youths)
    await session.flush()
    return youths


async def make_slot(
    session: AsyncSession,
    now: datetime,
    kind: SlotKind = SlotKind.WORKSHOP,
    starts_in: timedelta = timedelta(days=2),
    duration: timedelta = timedelta(hours=2),
    capacity: int = 10,
    **overrides: Any,
) -> Slot:
    """A scheduled slot `starts_in` from `now`; `starts_at=` overrides the start directly.

    Appointments get no waitlist by default, like the real ones.
    """
    starts_at: datetime = overrides.pop("starts_at", now + starts_in)
    values: dict[str, Any] = {
        "kind": kind,
        "title": _TITLES[kind],
        "starts_at": starts_at,
        "ends_at": starts_at + duration,
        "capacity": capacity,
        "waitlist_enabled": kind != SlotKind.APPOINTMENT,
        "created_at": now,
        "updated_at": now,
    }
    return await _saved(session, Slot(**(values | overrides)))


async def make_booking(
    session: AsyncSession,
    now: datetime,
    youth: Youth | int,
    slot: Slot | int,
    status: BookingStatus = BookingStatus.BOOKED,
    **overrides: Any,
) -> Booking:
    """A booking row as it would be stored, without the service's checks: for setting
    up a past or unusual state (attended, no-show, a full slot) directly."""
    values: dict[str, Any] = {
        "youth_id": _id_of(youth),
        "slot_id": _id_of(slot),
        "status": status,
        "created_at": now,
        "updated_at": now,
    }
    return await _saved(session, Booking(**(values | overrides)))
