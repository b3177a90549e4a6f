"""The advisers' inbox of contact requests.

Urgent requests come first (the alerts raised after an urgent situation,
`core.contact`), then the oldest: whoever has waited longest is answered next.
An adviser takes a request so colleagues know it is handled, answers it (the
answer reaches the youth on Telegram through the outbox) and closes it.

Rules: a closed request is neither taken nor answered again; a youth writing
again makes a new request. Taking a request someone else took is allowed (a
colleague is away) and recorded as a take-over in the audit log. Answering a
request nobody took takes it.

Every change is audited and works inside the caller's transaction; nothing here commits.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.audit import record
from core.models import ContactRequest, ContactStatus, StaffUser, Youth
from core.staff_messages import send_staff_message
from core.staff_scope import (
    DEFAULT_PER_PAGE,
    NotFound,
    Page,
    SiteIds,
    StaffActionError,
    fetch_page,
    in_scope,
    site_visible,
)

# What the inbox shows unless asked otherwise: what still needs someone.
OPEN_STATUSES = (ContactStatus.OPEN, ContactStatus.TAKEN)
ENTITY = "contact_request"
ACTION_TAKE = "contact.take"
ACTION_TAKE_OVER = "contact.take_over"
ACTION_ANSWER = "contact.answer"
ACTION_CLOSE = "contact.close"


class RequestClosed(StaffActionError):
    code = "contact_request_closed"

    def __init__(self, request_id: int) -> None:
        super().__init__(f"contact request {request_id} is closed")
        self.request_id = request_id


@dataclass(frozen=True)
class InboxItem:
    request: ContactRequest
    youth_name: str
    youth_username: str | None
    # The display name (or email) of the adviser who took it, if anyone.
    taken_by_name: str | None


async def inbox(
    session: AsyncSession,
    *,
    site_ids: SiteIds,
    statuses: Collection[ContactStatus] = OPEN_STATUSES,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
) -> Page[InboxItem]:
    """The requests of the scope's sites (and those of youths with no site), urgent first."""
    statement = (
        sa.select(ContactRequest, col(Youth.display_name), col(Youth.username), StaffUser)
        .join(Youth, col(Youth.id) == col(ContactRequest.youth_id))
        .outerjoin(StaffUser, col(StaffUser.id) == col(ContactRequest.taken_by))
        .where(
            in_scope(col(ContactRequest.site_id), site_ids),
            col(ContactRequest.status).in_(list(statuses)),
        )
        .order_by(
            col(ContactRequest.urgent).desc(),
            col(ContactRequest.created_at),
            col(ContactRequest.id),
        )
    )
    rows, total, page, per_page = await fetch_page(session, statement, page, per_page)
    items = [
        InboxItem(
            request=request,
            youth_name=name,
            youth_username=username,
            taken_by_name=(staff.display_name or staff.email) if staff is not None else None,
        )
        for request, name, username, staff in rows
    ]
    return Page(items, total, page, per_page)


async def inbox_item(session: AsyncSession, request_id: int, *, site_ids: SiteIds) -> InboxItem:
    """One request of the scope, with its youth's name and who took it; for its own page."""
    request = await session.get(ContactRequest, request_id)
    if request is None or not site_visible(request.site_id, site_ids):
        raise NotFound(ENTITY, request_id)
    youth = await session.get(Youth, request.youth_id)
    staff = await session.get(StaffUser, request.taken_by) if request.taken_by is not None else None
    return InboxItem(
        request=request,
        youth_name=youth.display_name if youth is not None else "",
        youth_username=youth.username if youth is not None else None,
        taken_by_name=(staff.display_name or staff.email) if staff is not None else None,
    )


async def take(
    session: AsyncSession,
    request_id: int,
    *,
    by: StaffUser,
    site_ids: SiteIds,
    now: datetime,
) -> ContactRequest:
    """`by` handles the request from now on; taking one's own request again changes nothing."""
    request = await _scoped_request(session, request_id, site_ids)
    if request.status == ContactStatus.CLOSED:
        raise RequestClosed(request_id)
    if request.status == ContactStatus.TAKEN and request.taken_by == by.id:
        return request
    taken_from_someone = request.taken_by is not None
    before = _state(request)
    request.status = ContactStatus.TAKEN
    request.taken_by = by.id
    request.updated_at = now
    action = ACTION_TAKE_OVER if taken_from_someone else ACTION_TAKE
    await _audit(session, request, by, now, action, before)
    return request


async def answer(
    session: AsyncSession,
    request_id: int,
    text: str,
    *,
    by: StaffUser,
    site_ids: SiteIds,
    now: datetime,
) -> ContactRequest:
    """Send `text` to the youth (`core.staff_messages`) and keep it as the request's answer.

    The request stays taken, not closed: the youth may write back, and the
    adviser closes it when the matter is settled. A second answer replaces the
    first on the request; both were sent.
    """
    request = await _scoped_request(session, request_id, site_ids)
    if request.status == ContactStatus.CLOSED:
        raise RequestClosed(request_id)
    message = await send_staff_message(
        session, request.youth_id, text, by=by, site_ids=site_ids, now=now
    )
    before = _state(request)
    request.answer = str(message.payload["text"])
    request.status = ContactStatus.TAKEN
    request.taken_by = request.taken_by or by.id
    request.updated_at = now
    await _audit(session, request, by, now, ACTION_ANSWER, before, outbox_id=message.id)
    return request


async def close(
    session: AsyncSession,
    request_id: int,
    *,
    by: StaffUser,
    site_ids: SiteIds,
    now: datetime,
) -> ContactRequest:
    """Close the request; closing a closed one changes nothing (a second click, two tabs)."""
    request = await _scoped_request(session, request_id, site_ids)
    if request.status == ContactStatus.CLOSED:
        return request
    before = _state(request)
    request.status = ContactStatus.CLOSED
    request.closed_at = now
    request.updated_at = now
    await _audit(session, request, by, now, ACTION_CLOSE, before)
    return request


async def _scoped_request(
    session: AsyncSession, request_id: int, site_ids: SiteIds
) -> ContactRequest:
    # Locked on PostgreSQL, so two advisers acting at once are recorded one after
    # the other, each against the state the other left (SQLite has one writer anyway).
    statement = (
        select(ContactRequest)
        .where(col(ContactRequest.id) == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    request = await session.scalar(statement)
    if request is None or not site_visible(request.site_id, site_ids):
        raise NotFound(ENTITY, request_id)
    return request


def _state(request: ContactRequest) -> dict[str, Any]:
    return {
        "status": request.status.value,
        "taken_by": request.taken_by,
        "answered": request.answer is not None,
    }


async def _audit(
    session: AsyncSession,
    request: ContactRequest,
    by: StaffUser,
    now: datetime,
    action: str,
    before: dict[str, Any],
    **extra: Any,
) -> None:
    await record(
        session,
        staff=by,
        action=action,
        entity=ENTITY,
        entity_id=request.id,
        before=before,
        after=_state(request) | extra,
        now=now,
    )
