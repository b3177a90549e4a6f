"""The one-question survey after a workshop: a score from 1 to 5 and an optional comment.

The MLP's associative project asks to collect satisfaction (DESIGN.md §6). The
answer is stored against the booking only (`SatisfactionAnswer`), so erasing the
youth leaves an anonymous score. A youth may change their mind for a week after
answering; after that the answer stands, as in a paper survey handed in.

The operations take a session already inside a transaction and never commit.
Two taps racing in two processes both try to insert the answer: the unique index
on the booking refuses the second, and the conversation engine runs that event
again, when it finds the first answer and replaces its score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.booking.errors import BookingNotFound, NotYourBooking
from core.models import Booking, BookingStatus, SatisfactionAnswer, Slot

SCORES = range(1, 6)
# The column's size: a few lines typed on a phone.
MAX_COMMENT_LENGTH = 500
# How long after answering a youth may still change the score or the comment.
CHANGE_WINDOW = timedelta(days=7)


class SatisfactionError(Exception):
    """An answer that cannot be stored as asked; `code` is what flows map to words."""

    code: ClassVar[str] = "satisfaction_error"


class NothingToRate(SatisfactionError):
    """The booking is not (or no longer) marked attended: there is no visit to rate."""

    code = "nothing_to_rate"

    def __init__(self, booking_id: int, status: str) -> None:
        super().__init__(f"booking {booking_id} is {status}: nothing to rate")
        self.booking_id = booking_id
        self.status = status


class NotAnsweredYet(SatisfactionError):
    """A comment comes after a score, never alone."""

    code = "not_answered_yet"

    def __init__(self, booking_id: int) -> None:
        super().__init__(f"booking {booking_id} has no survey answer to comment on")
        self.booking_id = booking_id


class AnswerClosed(SatisfactionError):
    code = "answer_closed"

    def __init__(self, booking_id: int) -> None:
        super().__init__(f"the answer for booking {booking_id} can no longer change")
        self.booking_id = booking_id


class CommentTooLong(SatisfactionError):
    code = "comment_too_long"

    def __init__(self, length: int) -> None:
        super().__init__(f"a comment of {length} characters; at most {MAX_COMMENT_LENGTH}")
        self.length = length


@dataclass(frozen=True)
class Recorded:
    answer: SatisfactionAnswer
    # False when the youth had answered already and this score replaced theirs.
    first: bool


def clean_comment(comment: str) -> str:
    """The comment as stored: without surrounding blanks; refused when too long or empty."""
    cleaned = comment.strip()
    if len(cleaned) > MAX_COMMENT_LENGTH:
        raise CommentTooLong(len(cleaned))
    if not cleaned:
        raise ValueError("an empty comment")
    return cleaned


async def record_satisfaction(
    session: AsyncSession, booking_id: int, youth_id: int, score: int, now: datetime
) -> Recorded:
    """Store the youth's score for an attended booking, or replace it within the week."""
    if score not in SCORES:
        raise ValueError(f"a score is 1 to 5, not {score}")
    booking = await _own_booking(session, booking_id, youth_id)
    answer = await _answer(session, booking_id)
    if answer is not None:
        _check_open(answer, now)
        answer.score = score
        await session.flush()
        return Recorded(answer, first=False)
    if booking.status != BookingStatus.ATTENDED:
        raise NothingToRate(booking_id, booking.status)
    slot = await session.get(Slot, booking.slot_id)
    assert slot is not None  # the booking's foreign key: a slot's deletion deletes its bookings
    answer = SatisfactionAnswer(
        booking_id=booking_id,
        slot_id=slot.id,
        site_id=slot.site_id,
        slot_kind=slot.kind,
        score=score,
        answered_at=now,
    )
    session.add(answer)
    await session.flush()
    return Recorded(answer, first=True)


async def add_satisfaction_comment(
    session: AsyncSession, booking_id: int, youth_id: int, comment: str, now: datetime
) -> SatisfactionAnswer:
    """Add (or replace) the comment of the youth's answer, within the week after it."""
    cleaned = clean_comment(comment)
    await _own_booking(session, booking_id, youth_id)
    answer = await _answer(session, booking_id)
    if answer is None:
        raise NotAnsweredYet(booking_id)
    _check_open(answer, now)
    answer.comment = cleaned
    await session.flush()
    return answer


async def _own_booking(session: AsyncSession, booking_id: int, youth_id: int) -> Booking:
    booking = await session.get(Booking, booking_id, populate_existing=True)
    if booking is None:
        raise BookingNotFound(booking_id)
    if booking.youth_id != youth_id:
        raise NotYourBooking(booking_id, youth_id)
    return booking


async def _answer(session: AsyncSession, booking_id: int) -> SatisfactionAnswer | None:
    statement = (
        select(SatisfactionAnswer)
        .where(col(SatisfactionAnswer.booking_id) == booking_id)
        .execution_options(populate_existing=True)
    )
    return await session.scalar(statement)


def _check_open(answer: SatisfactionAnswer, now: datetime) -> None:
    if now >= answer.answered_at + CHANGE_WINDOW:
        raise AnswerClosed(answer.booking_id or 0)
