"""The survey's answers: a score, a comment, a change of mind, and erasure, on both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from core.booking.errors import BookingNotFound, NotYourBooking
from core.clock import ManualClock
from core.db import Database
from core.erasure import erase_youth
from core.models import Booking, BookingStatus, SatisfactionAnswer, SlotKind
from core.satisfaction import (
    CHANGE_WINDOW,
    MAX_COMMENT_LENGTH,
    AnswerClosed,
    CommentTooLong,
    NotAnsweredYet,
    NothingToRate,
    Recorded,
    add_satisfaction_comment,
    record_satisfaction,
)
from tests.support.factories import make_booking, make_site, make_slot, make_youth

H = timedelta(hours=1)


class Visit:
    """A youth's attended workshop, and the answers they give about it."""

    def __init__(self, database: Database, clock: ManualClock) -> None:
        self.database = database
        self.clock = clock
        self.youth_id = self.booking_id = self.slot_id = self.site_id = 0

    async def start(self, status: BookingStatus = BookingStatus.ATTENDED) -> Visit:
        async with self.database.transaction() as session:
            now = self.clock.now()
            site = await make_site(session)
            slot = await make_slot(session, now - 3 * H, starts_in=H, site_id=site.id)
            youth = await make_youth(session, now)
            booking = await make_booking(session, now, youth, slot, status)
        self.youth_id, self.booking_id = youth.id or 0, booking.id or 0
        self.slot_id, self.site_id = slot.id or 0, site.id or 0
        return self

    async def score(self, score: int, youth_id: int | None = None) -> Recorded:
        async with self.database.transaction() as session:
            return await record_satisfaction(
                session, self.booking_id, youth_id or self.youth_id, score, self.clock.now()
            )

    async def comment(self, text: str) -> SatisfactionAnswer:
        async with self.database.transaction() as session:
            return await add_satisfaction_comment(
                session, self.booking_id, self.youth_id, text, self.clock.now()
            )

    async def answers(self) -> list[SatisfactionAnswer]:
        async with self.database.reading() as session:
            return list(await session.scalars(select(SatisfactionAnswer)))


@pytest.fixture
async def visit(database: Database, clock: ManualClock) -> Visit:
    return await Visit(database, clock).start()


async def test_a_score_is_stored_with_what_coordinators_count_by(visit: Visit) -> None:
    recorded = await visit.score(4)

    assert recorded.first
    [answer] = await visit.answers()
    assert (answer.booking_id, answer.slot_id, answer.site_id) == (
        visit.booking_id,
        visit.slot_id,
        visit.site_id,
    )
    assert (answer.slot_kind, answer.score, answer.comment) == (SlotKind.WORKSHOP, 4, None)
    assert answer.answered_at == visit.clock.now()


async def test_a_second_score_within_the_week_replaces_the_first(visit: Visit) -> None:
    first_at = visit.clock.now()
    await visit.score(2)
    visit.clock.advance(CHANGE_WINDOW - timedelta(seconds=1))

    recorded = await visit.score(5)

    assert not recorded.first
    [answer] = await visit.answers()
    assert (answer.score, answer.answered_at) == (5, first_at)


async def test_after_a_week_the_answer_stands(visit: Visit) -> None:
    await visit.score(2)
    await visit.comment("Bien")
    visit.clock.advance(CHANGE_WINDOW)

    with pytest.raises(AnswerClosed):
        await visit.score(5)
    with pytest.raises(AnswerClosed):
        await visit.comment("Finalement, super")
    [answer] = await visit.answers()
    assert (answer.score, answer.comment) == (2, "Bien")


@pytest.mark.parametrize("status", [BookingStatus.NO_SHOW, BookingStatus.BOOKED])
async def test_only_an_attended_visit_is_rated(
    database: Database, clock: ManualClock, status: BookingStatus
) -> None:
    visit = await Visit(database, clock).start(status)
    with pytest.raises(NothingToRate):
        await visit.score(3)
    assert await visit.answers() == []


async def test_someone_elses_or_a_missing_booking_is_refused(
    visit: Visit, database: Database, clock: ManualClock
) -> None:
    other = await Visit(database, clock).start()
    with pytest.raises(NotYourBooking):
        await visit.score(3, youth_id=other.youth_id)
    visit.booking_id += 1000
    with pytest.raises(BookingNotFound):
        await visit.score(3)


@pytest.mark.parametrize("score", [0, 6, -1])
async def test_a_score_is_1_to_5(visit: Visit, score: int) -> None:
    with pytest.raises(ValueError, match="1 to 5"):
        await visit.score(score)


async def test_the_database_refuses_a_score_out_of_range_too(visit: Visit) -> None:
    await visit.score(3)
    with pytest.raises(IntegrityError):
        async with visit.database.transaction() as session:
            await session.execute(sa.update(SatisfactionAnswer).values(score=6))


async def test_one_answer_per_booking_in_the_database(visit: Visit) -> None:
    await visit.score(3)
    with pytest.raises(IntegrityError):
        async with visit.database.transaction() as session:
            session.add(
                SatisfactionAnswer(
                    booking_id=visit.booking_id,
                    slot_kind=SlotKind.WORKSHOP,
                    score=4,
                    answered_at=visit.clock.now(),
                )
            )


async def test_a_comment_is_stored_trimmed_and_replaced(visit: Visit) -> None:
    await visit.score(4)
    await visit.comment("  Merci, c'était utile.  ")
    assert (await visit.answers())[0].comment == "Merci, c'était utile."

    await visit.comment("x" * MAX_COMMENT_LENGTH)
    assert (await visit.answers())[0].comment == "x" * MAX_COMMENT_LENGTH


async def test_a_comment_too_long_empty_or_before_a_score_is_refused(visit: Visit) -> None:
    with pytest.raises(NotAnsweredYet):
        await visit.comment("Super")
    await visit.score(4)
    with pytest.raises(CommentTooLong) as error:
        await visit.comment("x" * (MAX_COMMENT_LENGTH + 1))
    assert error.value.length == MAX_COMMENT_LENGTH + 1
    with pytest.raises(ValueError, match="empty"):
        await visit.comment("   ")
    assert (await visit.answers())[0].comment is None


async def test_erasure_keeps_the_score_without_the_youth_or_the_comment(visit: Visit) -> None:
    await visit.score(5)
    await visit.comment("Merci Sophie, je m'appelle Sam")

    async with visit.database.transaction() as session:
        assert await erase_youth(session, visit.youth_id, visit.clock.now()) is not None

    [answer] = await visit.answers()
    assert (answer.booking_id, answer.score, answer.comment) == (visit.booking_id, 5, None)
    async with visit.database.reading() as session:
        booking = await session.get(Booking, visit.booking_id)
    assert booking is not None
    assert booking.youth_id is None, "the answer leads to no youth any more"


async def test_an_answer_outlives_its_booking(visit: Visit) -> None:
    await visit.score(3)
    async with visit.database.transaction() as session:
        await session.execute(sa.delete(Booking).where(col(Booking.id) == visit.booking_id))

    [answer] = await visit.answers()
    assert (answer.booking_id, answer.slot_id, answer.score) == (None, visit.slot_id, 3)
