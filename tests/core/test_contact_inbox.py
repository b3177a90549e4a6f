"""The advisers' inbox: urgent first, take, answer through the outbox, close; all audited."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.clock import ManualClock
from core.contact_inbox import (
    ACTION_ANSWER,
    ACTION_CLOSE,
    ACTION_TAKE,
    ACTION_TAKE_OVER,
    RequestClosed,
    answer,
    close,
    inbox,
    inbox_item,
    take,
)
from core.db import Database
from core.models import (
    AuditEntry,
    ContactRequest,
    ContactStatus,
    OutboxKind,
    Reminder,
    StaffRole,
    StaffUser,
)
from core.staff_messages import MessageBlank
from core.staff_scope import NotFound
from tests.support.factories import make_site, make_youth

H = timedelta(hours=1)


async def make_staff(session: AsyncSession, now: datetime, email: str) -> StaffUser:
    staff = StaffUser(
        email=email,
        display_name=email.split("@")[0],
        password_hash="x",
        role=StaffRole.ADVISER,
        created_at=now,
    )
    session.add(staff)
    await session.flush()
    return staff


async def make_request(
    session: AsyncSession, now: datetime, site_id: int | None, topic: str, **values: object
) -> ContactRequest:
    youth = await make_youth(session, now, site_id=site_id, display_name=f"Jeune {topic}")
    request = ContactRequest(
        youth_id=youth.id, site_id=site_id, topic=topic, created_at=now, updated_at=now, **values
    )
    session.add(request)
    await session.flush()
    return request


async def test_inbox_puts_urgent_first_then_the_oldest_within_scope(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        mine, theirs = await make_site(session), await make_site(session)
        await make_request(session, now - 3 * H, mine.id, "old")
        await make_request(session, now - H, mine.id, "alert", urgent=True)
        await make_request(session, now - 2 * H, None, "no-site")
        await make_request(session, now - 5 * H, theirs.id, "elsewhere", urgent=True)
        await make_request(session, now - 9 * H, mine.id, "done", status=ContactStatus.CLOSED)
        await make_request(session, now, mine.id, "taken", status=ContactStatus.TAKEN)
        assert mine.id is not None

    async with database.reading() as session:
        mine_open = await inbox(session, site_ids={mine.id})
        closed = await inbox(session, site_ids={mine.id}, statuses=[ContactStatus.CLOSED])
        everything = await inbox(session, site_ids=None, page=2, per_page=2)
    assert [i.request.topic for i in mine_open.items] == ["alert", "old", "no-site", "taken"]
    assert mine_open.items[0].youth_name == "Jeune alert"
    assert [i.request.topic for i in closed.items] == ["done"]
    assert [i.request.topic for i in everything.items] == ["old", "no-site"]
    assert everything.total == 5


async def test_take_answer_close_and_their_audit(database: Database, clock: ManualClock) -> None:
    now = clock.now()
    async with database.transaction() as session:
        site = await make_site(session)
        request = await make_request(session, now, site.id, "logement")
        lea = await make_staff(session, now, "lea@ml.fr")
        omar = await make_staff(session, now, "omar@ml.fr")
        assert site.id is not None
        assert request.id is not None
        scope = {site.id}

        await take(session, request.id, by=lea, site_ids=scope, now=now)
        # Taking one's own request again changes nothing.
        await take(session, request.id, by=lea, site_ids=scope, now=now)
        await take(session, request.id, by=omar, site_ids=scope, now=now + H)
        with pytest.raises(MessageBlank):
            await answer(session, request.id, "   ", by=omar, site_ids=scope, now=now)
        await answer(session, request.id, " Viens jeudi à 10 h. ", by=omar, site_ids=scope, now=now)
        await close(session, request.id, by=omar, site_ids=scope, now=now + 2 * H)
        await close(session, request.id, by=lea, site_ids=scope, now=now + 3 * H)
        with pytest.raises(RequestClosed):
            await answer(session, request.id, "Encore", by=lea, site_ids=scope, now=now)
        with pytest.raises(RequestClosed):
            await take(session, request.id, by=lea, site_ids=scope, now=now)

    async with database.reading() as session:
        stored = await session.get(ContactRequest, request.id)
        messages = (await session.scalars(select(Reminder))).all()
        entries = (await session.scalars(select(AuditEntry).order_by(col(AuditEntry.id)))).all()
    assert stored is not None
    assert (stored.status, stored.taken_by, stored.answer, stored.closed_at) == (
        ContactStatus.CLOSED,
        omar.id,
        "Viens jeudi à 10 h.",
        now + 2 * H,
    )
    [message] = messages
    assert (message.kind, message.youth_id, message.payload) == (
        OutboxKind.STAFF_MESSAGE,
        stored.youth_id,
        {"text": "Viens jeudi à 10 h."},
    )
    contact = [e for e in entries if e.entity == "contact_request"]
    assert [(e.actor, e.action) for e in contact] == [
        ("lea@ml.fr", ACTION_TAKE),
        ("omar@ml.fr", ACTION_TAKE_OVER),
        ("omar@ml.fr", ACTION_ANSWER),
        ("omar@ml.fr", ACTION_CLOSE),
    ]
    take_over = contact[1]
    assert (take_over.before, take_over.after) == (
        {"status": "taken", "taken_by": lea.id, "answered": False},
        {"status": "taken", "taken_by": omar.id, "answered": False},
    )
    assert contact[2].after == {
        "status": "taken",
        "taken_by": omar.id,
        "answered": True,
        "outbox_id": message.id,
    }
    # The message itself is audited once, by the staff-message service.
    assert [e.action for e in entries if e.entity == "youth"] == ["youth.message"]


async def test_answering_an_untaken_request_takes_it(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        request = await make_request(session, now, None, "papiers")
        lea = await make_staff(session, now, "lea@ml.fr")
        assert request.id is not None
        answered = await answer(session, request.id, "Oui", by=lea, site_ids={12345}, now=now)
    assert (answered.status, answered.taken_by) == (ContactStatus.TAKEN, lea.id)


async def test_another_sites_request_is_not_found(database: Database, clock: ManualClock) -> None:
    now = clock.now()
    async with database.transaction() as session:
        mine, theirs = await make_site(session), await make_site(session)
        request = await make_request(session, now, theirs.id, "ailleurs")
        lea = await make_staff(session, now, "lea@ml.fr")
        assert request.id is not None
        assert mine.id is not None
        for act in (take, close):
            with pytest.raises(NotFound):
                await act(session, request.id, by=lea, site_ids={mine.id}, now=now)
        with pytest.raises(NotFound):
            await answer(session, request.id, "Oui", by=lea, site_ids={mine.id}, now=now)
        assert request.status == ContactStatus.OPEN


async def test_one_request_with_its_youth_and_who_took_it(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        mine, theirs = await make_site(session), await make_site(session)
        request = await make_request(session, now, mine.id, "emploi")
        lea = await make_staff(session, now, "lea@ml.fr")
        assert request.id is not None
        assert mine.id is not None
        assert theirs.id is not None
        await take(session, request.id, by=lea, site_ids={mine.id}, now=now)
        item = await inbox_item(session, request.id, site_ids={mine.id})
        assert (item.request.id, item.youth_name, item.taken_by_name) == (
            request.id,
            "Jeune emploi",
            "lea",
        )
        assert (await inbox_item(session, request.id, site_ids=None)).request.id == request.id
        with pytest.raises(NotFound):
            await inbox_item(session, request.id, site_ids={theirs.id})
        with pytest.raises(NotFound):
            await inbox_item(session, 999_999, site_ids=None)
