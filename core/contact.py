"""Contact requests: a youth asking the advisers of their site to get in touch.

Two kinds reach the advisers' inbox:
- a request on a topic the youth picked, with an optional short message;
- an urgent alert ("Prévenir mon conseiller") after an urgent situation, whose
  topic names the situations: "urgent:no_shelter", "urgent:danger+no_food".

The rules are small pure functions (message length, the topic of an alert, when
an alert repeats one already sent); the operations take a session that is
already inside a transaction and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.models import ContactRequest, ContactStatus, Youth
from core.safety.responses import SITUATION_ORDER
from core.safety.situations import Situation

# The column's size: what an adviser can read in one glance, and what Telegram users
# type in a few lines. Longer is refused with a kind message, never cut silently.
MAX_MESSAGE_LENGTH = 1000
MAX_TOPIC_LENGTH = 64
ALERT_TOPIC_PREFIX = "urgent:"
# Joins situations in an alert's topic and in the button that raises the alert.
_SITUATION_SEPARATOR = "+"


class ContactError(ValueError):
    """A contact request that cannot be stored as asked."""


class MessageTooLong(ContactError):
    def __init__(self, length: int) -> None:
        super().__init__(f"a message of {length} characters; at most {MAX_MESSAGE_LENGTH}")
        self.length = length


class InvalidTopic(ContactError):
    pass


# -- rules -------------------------------------------------------------------------


def clean_message(message: str) -> str:
    """The message as stored: without surrounding blanks; refused when too long."""
    cleaned = message.strip()
    if len(cleaned) > MAX_MESSAGE_LENGTH:
        raise MessageTooLong(len(cleaned))
    return cleaned


def check_topic(topic: str) -> str:
    if not topic or len(topic) > MAX_TOPIC_LENGTH or topic != topic.strip():
        raise InvalidTopic(f"a topic is 1 to {MAX_TOPIC_LENGTH} characters: {topic!r}")
    return topic


def situations_code(situations: Iterable[Situation]) -> str:
    """The situations as one short word, most serious first: "danger+no_shelter"."""
    given = set(situations)
    if not given:
        raise ValueError("an alert names at least one situation")
    return _SITUATION_SEPARATOR.join(s.value for s in SITUATION_ORDER if s in given)


def parse_situations(code: str) -> frozenset[Situation] | None:
    """The situations of a code written by `situations_code`; None when it is not one."""
    try:
        situations = [Situation(part) for part in code.split(_SITUATION_SEPARATOR)]
    except ValueError:
        return None
    if len(set(situations)) != len(situations) or situations_code(situations) != code:
        return None
    return frozenset(situations)


def alert_topic(situations: Iterable[Situation]) -> str:
    """The topic of an urgent alert, which tells advisers why before they open it."""
    return ALERT_TOPIC_PREFIX + situations_code(situations)


def is_alert(topic: str) -> bool:
    return topic.startswith(ALERT_TOPIC_PREFIX)


def local_day_bounds(now: datetime, tz: tzinfo) -> tuple[datetime, datetime]:
    """The start of `now`'s calendar day in `tz` and of the next one, in UTC."""
    day = now.astimezone(tz).date()
    start = datetime.combine(day, time(), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def repeats_alert(earlier: ContactRequest, now: datetime, tz: tzinfo) -> bool:
    """Whether an alert now would repeat `earlier`: one a day is enough.

    A second tap on "Prévenir mon conseiller" the same day adds nothing the
    advisers don't already have first in their inbox. Once an adviser closed the
    earlier alert, though, a new one is a new call for help and goes through.
    """
    start, end = local_day_bounds(now, tz)
    return (
        earlier.urgent
        and is_alert(earlier.topic)
        and earlier.status != ContactStatus.CLOSED
        and start <= earlier.created_at < end
    )


# -- operations --------------------------------------------------------------------


async def create_contact_request(
    session: AsyncSession,
    *,
    youth: Youth,
    topic: str,
    message: str,
    urgent: bool,
    now: datetime,
) -> ContactRequest:
    """A new open request for the advisers of the youth's site (of any site when none)."""
    if youth.id is None:
        raise ValueError("the youth must be saved first")
    request = ContactRequest(
        youth_id=youth.id,
        site_id=youth.site_id,
        topic=check_topic(topic),
        message=clean_message(message),
        urgent=urgent,
        status=ContactStatus.OPEN,
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    await session.flush()
    return request


async def alert_sent_today(
    session: AsyncSession, *, youth_id: int, now: datetime, tz: tzinfo
) -> ContactRequest | None:
    """Today's urgent alert of this youth that a new one would repeat, if any."""
    start, end = local_day_bounds(now, tz)
    statement = (
        select(ContactRequest)
        .where(
            col(ContactRequest.youth_id) == youth_id,
            col(ContactRequest.urgent).is_(True),
            col(ContactRequest.topic).startswith(ALERT_TOPIC_PREFIX),
            col(ContactRequest.created_at) >= start,
            col(ContactRequest.created_at) < end,
        )
        .order_by(col(ContactRequest.created_at).desc(), col(ContactRequest.id).desc())
    )
    for request in (await session.scalars(statement)).all():
        if repeats_alert(request, now, tz):
            return request
    return None
