"""An adviser's message to a youth: queued in the outbox, audited, refused when it cannot go."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.clock import ManualClock
from core.db import Database
from core.models import AuditEntry, OutboxKind, OutboxStatus, Reminder, StaffRole, StaffUser
from core.staff_messages import (
    ACTION_SEND,
    MAX_MESSAGE_LENGTH,
    MessageBlank,
    MessageTooLong,
    YouthUnreachable,
    send_staff_message,
)
from core.staff_scope import NotFound
from core.youth_directory import YouthErased
from tests.support.factories import make_site, make_youth


async def make_staff(session: AsyncSession, now: datetime, email: str) -> StaffUser:
    staff = StaffUser(email=email, password_hash="x", role=StaffRole.ADVISER, created_at=now)
    session.add(staff)
    await session.flush()
    return staff


async def test_a_message_is_queued_due_now_and_audited(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        site = await make_site(session)
        youth = await make_youth(session, now, site_id=site.id)
        staff = await make_staff(session, now, "lea@ml.fr")
        assert youth.id is not None
        assert site.id is not None
        message = await send_staff_message(
            session,
            youth.id,
            "  Bonjour, rappelle-moi demain.  ",
            by=staff,
            site_ids={site.id},
            now=now,
        )

    async with database.reading() as session:
        stored = await session.get(Reminder, message.id)
        entries = (await session.scalars(select(AuditEntry))).all()
    assert stored is not None
    assert (stored.kind, stored.status, stored.due_at) == (
        OutboxKind.STAFF_MESSAGE,
        OutboxStatus.PENDING,
        now,
    )
    assert (stored.youth_id, stored.booking_id) == (youth.id, None)
    assert stored.payload == {"text": "Bonjour, rappelle-moi demain."}
    [entry] = entries
    assert (entry.actor, entry.action, entry.entity, entry.entity_id) == (
        "lea@ml.fr",
        ACTION_SEND,
        "youth",
        str(youth.id),
    )
    assert entry.after == {"outbox_id": message.id, "length": 29}


@pytest.mark.parametrize(
    ("text", "error"),
    [("   \n ", MessageBlank), ("x" * (MAX_MESSAGE_LENGTH + 1), MessageTooLong)],
)
async def test_blank_or_too_long_is_refused(
    database: Database, clock: ManualClock, text: str, error: type[Exception]
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        youth = await make_youth(session, now)
        staff = await make_staff(session, now, "lea@ml.fr")
        assert youth.id is not None
        with pytest.raises(error):
            await send_staff_message(session, youth.id, text, by=staff, site_ids=None, now=now)
        # Exactly the limit goes through.
        await send_staff_message(
            session, youth.id, "y" * MAX_MESSAGE_LENGTH, by=staff, site_ids=None, now=now
        )
    async with database.reading() as session:
        queued = (await session.scalars(select(Reminder))).all()
    assert [len(str(m.payload["text"])) for m in queued] == [MAX_MESSAGE_LENGTH]


async def test_erased_unreachable_or_other_site_youth_is_refused(
    database: Database, clock: ManualClock
) -> None:
    now = clock.now()
    async with database.transaction() as session:
        mine, theirs = await make_site(session), await make_site(session)
        blocked = await make_youth(session, now, site_id=mine.id, reachable=False)
        elsewhere = await make_youth(session, now, site_id=theirs.id)
        staff = await make_staff(session, now, "lea@ml.fr")
        assert mine.id is not None
        assert blocked.id is not None
        assert elsewhere.id is not None
        scope = {mine.id}
        with pytest.raises(YouthUnreachable):
            await send_staff_message(
                session, blocked.id, "Salut", by=staff, site_ids=scope, now=now
            )
        with pytest.raises(YouthErased):
            await send_staff_message(session, 987_654, "Salut", by=staff, site_ids=scope, now=now)
        with pytest.raises(NotFound) as refused:
            await send_staff_message(
                session, elsewhere.id, "Salut", by=staff, site_ids=scope, now=now
            )
        assert not isinstance(refused.value, YouthErased)
    async with database.reading() as session:
        assert (await session.scalars(select(col(Reminder.id)))).all() == []
        assert (await session.scalars(select(col(AuditEntry.id)))).all() == []
