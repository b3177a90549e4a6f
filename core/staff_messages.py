"""An adviser writing to a youth from the panel.

The message is an outbox row like a reminder (DESIGN.md §6): the dispatcher
sends it at its next tick, in the youth's chat, with a button to answer
(`flows.outbox_messages`), and records whether Telegram took it. Nothing is
sent from the web request, so a Telegram outage delays a message and loses none.

Works inside the caller's transaction and never commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import record
from core.models import OutboxKind, OutboxStatus, Reminder, StaffUser
from core.staff_scope import SiteIds, StaffActionError
from core.youth_directory import scoped_youth

# What a youth reads in one screen of a phone; the panel's text area says so.
MAX_MESSAGE_LENGTH = 1000
ACTION_SEND = "youth.message"


class MessageBlank(StaffActionError):
    code = "message_blank"

    def __init__(self) -> None:
        super().__init__("a message needs some text")


class MessageTooLong(StaffActionError):
    code = "message_too_long"

    def __init__(self, length: int) -> None:
        super().__init__(f"a message of {length} characters; at most {MAX_MESSAGE_LENGTH}")
        self.length = length


class YouthUnreachable(StaffActionError):
    """The youth blocked the bot: Telegram would refuse the message."""

    code = "youth_unreachable"

    def __init__(self, youth_id: int) -> None:
        super().__init__(f"youth {youth_id} blocked the bot and cannot be written to")
        self.youth_id = youth_id


def clean_text(text: str) -> str:
    """The message as sent: without surrounding blanks; refused when blank or too long."""
    cleaned = text.strip()
    if not cleaned:
        raise MessageBlank()
    if len(cleaned) > MAX_MESSAGE_LENGTH:
        raise MessageTooLong(len(cleaned))
    return cleaned


async def send_staff_message(
    session: AsyncSession,
    youth_id: int,
    text: str,
    *,
    by: StaffUser,
    site_ids: SiteIds,
    now: datetime,
) -> Reminder:
    """Queue `text` for the youth, due now; refused for an erased or unreachable youth.

    The audit log keeps who wrote, to whom and how long it was.

    The text itself is not copied into the audit log: it lives in the outbox row,
    which erasure and retention clean up, while the log is kept longer.
    """
    cleaned = clean_text(text)
    youth = await scoped_youth(session, youth_id, site_ids)
    if not youth.reachable:
        raise YouthUnreachable(youth_id)
    queued: dict[str, Any] = {
        "at": now.isoformat(),
        "event": "queued",
        "detail": OutboxKind.STAFF_MESSAGE.value,
        "by_staff_id": by.id,
    }
    message = Reminder(
        kind=OutboxKind.STAFF_MESSAGE,
        youth_id=youth_id,
        due_at=now,
        status=OutboxStatus.PENDING,
        payload={"text": cleaned},
        history=[queued],
        created_at=now,
    )
    session.add(message)
    await session.flush()
    await record(
        session,
        staff=by,
        now=now,
        action=ACTION_SEND,
        entity="youth",
        entity_id=youth_id,
        before=None,
        after={"outbox_id": message.id, "length": len(cleaned)},
    )
    await session.flush()
    return message
