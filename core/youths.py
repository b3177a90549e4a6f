"""Youths as the conversation knows them: consent, their site, and their own data.

Erasing it all is in `core.erasure`.

A youth row exists only once they gave consent (DESIGN.md §9): before that the
conversation state holds their language and nothing else. Every function here
works inside the caller's transaction and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.models import (
    Booking,
    ContactRequest,
    DiagnosticResult,
    Reminder,
    SatisfactionAnswer,
    Site,
    Slot,
    Youth,
)
from core.outbox import not_in_flight, skip_pending

# Bump when the privacy notice changes: every youth is asked to consent again.
CONSENT_VERSION = 1

SKIP_REASON_YOUTH_UNREACHABLE = "youth_unreachable"
# Seen this recently: no need to write `last_seen_at` again on every message.
LAST_SEEN_PRECISION = timedelta(hours=1)


class AgeGroup(StrEnum):
    """The age groups stored on a youth; under 16 is never stored."""

    MINOR = "16-17"
    ADULT = "18-25"
    OVER_25 = "over-25"


async def load_youth(session: AsyncSession, youth_id: int | None) -> Youth | None:
    if youth_id is None:
        return None
    return await session.get(Youth, youth_id)


def has_current_consent(youth: Youth | None) -> bool:
    return youth is not None and youth.consent_version == CONSENT_VERSION


async def find_youth(session: AsyncSession, telegram_user_id: int) -> Youth | None:
    statement = select(Youth).where(col(Youth.telegram_user_id) == telegram_user_id)
    return await session.scalar(statement)


async def register_or_reconsent(
    session: AsyncSession,
    *,
    user_id: int,
    display_name: str,
    username: str | None,
    locale: str,
    age_group: AgeGroup,
    origin: str | None,
    share_diagnostic: bool,
    now: datetime,
) -> Youth:
    """Record consent to the current notice: a new youth row, or the existing one updated.

    A youth keeps the origin they first came from: a later campaign link does not
    rewrite where they were first met.
    """
    youth = await find_youth(session, user_id)
    if youth is None:
        youth = Youth(telegram_user_id=user_id, origin=origin, created_at=now, last_seen_at=now)
        session.add(youth)
    elif youth.origin is None:
        youth.origin = origin
    youth.display_name = display_name[:200]
    youth.username = username[:64] if username else None
    youth.locale = locale
    youth.age_group = age_group
    youth.consent_version = CONSENT_VERSION
    youth.consented_at = now
    youth.share_diagnostic = share_diagnostic
    youth.last_seen_at = now
    await session.flush()
    return youth


async def set_site(session: AsyncSession, youth: Youth, site_id: int) -> Site | None:
    """Attach the youth to a site; None (and nothing changed) if the site does not exist."""
    site = await session.get(Site, site_id)
    if site is not None:
        youth.site_id = site.id
        await session.flush()
    return site


async def touch(session: AsyncSession, youth_id: int, now: datetime) -> None:
    """Note that the youth is active, for the erasure of inactive accounts (DESIGN.md §9).

    A youth who writes has unblocked the bot, so they are reachable again; the
    messages skipped while they were not stay skipped.
    """
    seen_long_ago = col(Youth.last_seen_at) < now - LAST_SEEN_PRECISION
    statement = (
        sa.update(Youth)
        .where(col(Youth.id) == youth_id)
        .where(sa.or_(seen_long_ago, sa.not_(col(Youth.reachable))))
        .values(last_seen_at=now, reachable=True, unreachable_since=None)
        .execution_options(synchronize_session=False)
    )
    await session.execute(statement)


async def mark_unreachable(
    session: AsyncSession, telegram_user_id: int, now: datetime
) -> Youth | None:
    """The youth blocked the bot (DESIGN.md §7): stop their pending messages.

    None when no youth has that Telegram id. `unreachable_since` keeps the first
    time the bot found them gone.
    """
    # Locked as the booking operations lock it: a cancellation skipping the same
    # reminders at the same time would otherwise lose one of the two history entries.
    locked = (
        select(Youth)
        .where(col(Youth.telegram_user_id) == telegram_user_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    youth = await session.scalar(locked)
    if youth is None:
        return None
    youth.reachable = False
    if youth.unreachable_since is None:
        youth.unreachable_since = now
    # Not a message a dispatcher is sending right now: that one learns of the 403 too,
    # and records it as failed, which is what coordinators must see for it.
    await skip_pending(
        session,
        (col(Reminder.youth_id) == youth.id) & not_in_flight(now),
        now,
        SKIP_REASON_YOUTH_UNREACHABLE,
    )
    await session.flush()
    return youth


# -- their own data ------------------------------------------------------------


@dataclass(frozen=True)
class YouthData:
    """Everything stored about one youth, as rows."""

    youth: Youth
    site: Site | None
    bookings: list[tuple[Booking, Slot]]
    messages: list[Reminder]
    contact_requests: list[ContactRequest]
    diagnostics: list[DiagnosticResult]
    # Survey answers after workshops, by booking id.
    satisfaction: dict[int, SatisfactionAnswer]


async def collect_youth_data(session: AsyncSession, youth_id: int) -> YouthData | None:
    youth = await session.get(Youth, youth_id)
    if youth is None:
        return None
    site = await session.get(Site, youth.site_id) if youth.site_id is not None else None
    bookings = (
        await session.execute(
            select(Booking, Slot)
            .join(Slot, col(Slot.id) == col(Booking.slot_id))
            .where(col(Booking.youth_id) == youth_id)
            .order_by(col(Slot.starts_at).desc(), col(Booking.id).desc())
        )
    ).all()
    messages = await session.scalars(
        select(Reminder).where(col(Reminder.youth_id) == youth_id).order_by(col(Reminder.due_at))
    )
    requests = await session.scalars(
        select(ContactRequest)
        .where(col(ContactRequest.youth_id) == youth_id)
        .order_by(col(ContactRequest.created_at).desc(), col(ContactRequest.id).desc())
    )
    diagnostics = await session.scalars(
        select(DiagnosticResult)
        .where(col(DiagnosticResult.youth_id) == youth_id)
        .order_by(col(DiagnosticResult.started_at).desc(), col(DiagnosticResult.id).desc())
    )
    booking_ids = [booking.id for booking, _ in bookings]
    answers = await session.scalars(
        select(SatisfactionAnswer).where(col(SatisfactionAnswer.booking_id).in_(booking_ids))
    )
    return YouthData(
        satisfaction={a.booking_id: a for a in answers.all() if a.booking_id is not None},
        youth=youth,
        site=site,
        bookings=[(booking, slot) for booking, slot in bookings],
        messages=list(messages.all()),
        contact_requests=list(requests.all()),
        diagnostics=list(diagnostics.all()),
    )


async def export_youth_data(session: AsyncSession, youth_id: int) -> dict[str, Any]:
    """Everything stored about the youth, JSON-serialisable; LookupError if there is none."""
    data = await collect_youth_data(session, youth_id)
    if data is None:
        raise LookupError(f"youth {youth_id} does not exist")
    return youth_data_document(data)


def youth_data_document(data: YouthData) -> dict[str, Any]:
    youth, site = data.youth, data.site
    return {
        "youth": {
            "telegram_user_id": youth.telegram_user_id,
            "display_name": youth.display_name,
            "username": youth.username,
            "locale": youth.locale,
            "site": {"code": site.code, "name": site.name} if site is not None else None,
            "consent_version": youth.consent_version,
            "consented_at": _iso(youth.consented_at),
            "age_group": youth.age_group,
            "origin": youth.origin,
            "share_diagnostic": youth.share_diagnostic,
            "food_parcel_eligible": youth.food_parcel_eligible,
            "reachable": youth.reachable,
            "unreachable_since": _iso(youth.unreachable_since),
            "created_at": _iso(youth.created_at),
            "last_seen_at": _iso(youth.last_seen_at),
        },
        "bookings": [
            _booking(booking, slot, data.satisfaction.get(booking.id or 0))
            for booking, slot in data.bookings
        ],
        "messages": [
            {
                "kind": message.kind.value,
                "due_at": _iso(message.due_at),
                "status": message.status.value,
                "sent_at": _iso(message.sent_at),
            }
            for message in data.messages
        ],
        "contact_requests": [
            {
                "topic": request.topic,
                "message": request.message,
                "urgent": request.urgent,
                "status": request.status.value,
                "answer": request.answer,
                "created_at": _iso(request.created_at),
                "closed_at": _iso(request.closed_at),
            }
            for request in data.contact_requests
        ],
        "diagnostics": [
            {
                "started_at": _iso(result.started_at),
                "completed_at": _iso(result.completed_at),
                "answers": result.answers,
                "signals": result.signals,
                "orientations": result.orientations,
            }
            for result in data.diagnostics
        ],
    }


def _booking(booking: Booking, slot: Slot, answer: SatisfactionAnswer | None) -> dict[str, Any]:
    return {
        "title": slot.title,
        "kind": slot.kind.value,
        "starts_at": _iso(slot.starts_at),
        "ends_at": _iso(slot.ends_at),
        "place": slot.place_name or slot.address or None,
        "status": booking.status.value,
        "booked_at": _iso(booking.created_at),
        "confirmation": booking.confirmation.value if booking.confirmation else None,
        "interpreter_language": booking.interpreter_language,
        "note": booking.note,
        "cancelled_at": _iso(booking.cancelled_at),
        "cancelled_by": booking.cancelled_by.value if booking.cancelled_by else None,
        "cancel_reason": booking.cancel_reason,
        "satisfaction": (
            {
                "score": answer.score,
                "comment": answer.comment,
                "answered_at": _iso(answer.answered_at),
            }
            if answer is not None
            else None
        ),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
