"""The dashboard's per-slot tallies: every counted change reaches them, whoever makes it,
and a change made while a dashboard counts is never lost."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

import core.stats_tally as tally
from core.clock import ManualClock
from core.db import Database
from core.models import (
    Booking,
    BookingStatus,
    Confirmation,
    DatedChange,
    OutboxKind,
    OutboxStatus,
    Reminder,
    SatisfactionAnswer,
    Site,
    Slot,
    SlotFailureTally,
    SlotKind,
    SlotStatus,
    SlotTally,
    SlotTallyChange,
    TallyGeneration,
    WeekFailureTally,
    WeekNewYouths,
    WeekSatisfaction,
    WeekTally,
    Youth,
)
from core.stats import Dashboard, dashboard
from tests.conftest import PARIS
from tests.core.test_stats import FIRST_DAY, LAST_DAY, World, scenario
from tests.support.factories import make_youth

Change = Callable[[AsyncSession], Awaitable[object]]


async def board(database: Database) -> Dashboard:
    return await dashboard(
        database, site_ids=None, first_day=FIRST_DAY, last_day=LAST_DAY, tz=PARIS
    )


async def counted_afresh(database: Database) -> Dashboard:
    """The dashboard with every tally thrown away first: what the tallies must agree with."""
    async with database.transaction() as session:
        for table in (SlotTally, SlotFailureTally, SlotTallyChange, DatedChange, WeekTally,
                      WeekFailureTally, WeekSatisfaction, WeekNewYouths):  # fmt: skip
            await session.execute(sa.delete(table))
        await session.execute(sa.update(TallyGeneration).values(zone=None))
        # As the migration leaves it: every slot to be counted.
        every_slot = sa.select(col(Slot.id))
        await session.execute(sa.insert(SlotTallyChange).from_select(["slot_id"], every_slot))
    return await board(database)


async def a_booking(session: AsyncSession, status: BookingStatus) -> Booking:
    found = await session.scalars(
        select(Booking).where(col(Booking.status) == status).order_by(col(Booking.id))
    )
    return found.first()  # type: ignore[return-value]


async def a_reminder(session: AsyncSession, status: OutboxStatus) -> Reminder:
    found = await session.scalars(
        select(Reminder)
        .where(col(Reminder.status) == status, col(Reminder.kind) == OutboxKind.REMINDER)
        .order_by(col(Reminder.id))
    )
    return found.first()  # type: ignore[return-value]


async def workshop(session: AsyncSession) -> Slot:
    found = await session.scalars(
        select(Slot).where(col(Slot.kind) == SlotKind.WORKSHOP).order_by(col(Slot.starts_at))
    )
    return next(s for s in found if s.starts_at.day == 24)


async def mark_no_show(session: AsyncSession) -> None:
    booking = await a_booking(session, BookingStatus.BOOKED)
    booking.status, booking.attendance_marked_at = BookingStatus.NO_SHOW, booking.created_at


async def confirm(session: AsyncSession) -> None:
    (await a_booking(session, BookingStatus.NO_SHOW)).confirmation = Confirmation.COMING


async def send_a_failed_reminder(session: AsyncSession) -> None:
    (await a_reminder(session, OutboxStatus.FAILED)).status = OutboxStatus.SENT


async def fail_with_another_reason(session: AsyncSession) -> None:
    (await a_reminder(session, OutboxStatus.FAILED)).last_error = "Bad Request: chat not found"


async def delete_a_reminder(session: AsyncSession) -> None:
    await session.delete(await a_reminder(session, OutboxStatus.SENT))


async def delete_a_booking(session: AsyncSession) -> None:
    await session.delete(await a_booking(session, BookingStatus.ATTENDED))


async def book_again(session: AsyncSession) -> None:
    slot = await workshop(session)
    await World(session, slot.created_at).booking(
        slot, BookingStatus.BOOKED, (OutboxStatus.SENT, None)
    )


async def publish_a_slot(session: AsyncSession) -> None:
    slot = await workshop(session)
    world = World(session, slot.created_at)
    booked = await world.slot(SlotKind.WORKSHOP, "2026-11-27T09:00:00", slot.site_id)
    await world.booking(booked, BookingStatus.BOOKED, (OutboxStatus.FAILED, "Forbidden"))


async def move_a_booking(session: AsyncSession) -> None:
    parcels = (
        await session.scalars(select(Slot).where(col(Slot.kind) == SlotKind.FOOD_PARCEL))
    ).one()
    (await a_booking(session, BookingStatus.NO_SHOW)).slot_id = parcels.id  # type: ignore[assignment]


async def a_failing_workshop(session: AsyncSession) -> Slot:
    """The slot of a failed reminder: a slot change then moves failures too."""
    reminder = await a_reminder(session, OutboxStatus.FAILED)
    booking = await session.get(Booking, reminder.booking_id)
    assert booking is not None
    slot = await session.get(Slot, booking.slot_id)
    assert slot is not None
    return slot


async def cancel_a_slot(session: AsyncSession) -> None:
    (await workshop(session)).status = SlotStatus.CANCELLED


async def offer_more_seats(session: AsyncSession) -> None:
    (await workshop(session)).capacity += 5


async def move_a_slot_to_another_week(session: AsyncSession) -> None:
    slot = await a_failing_workshop(session)
    slot.starts_at -= timedelta(days=7)
    slot.ends_at -= timedelta(days=7)


async def move_a_slot_to_another_site(session: AsyncSession) -> None:
    slot = await a_failing_workshop(session)
    others = await session.scalars(select(Site).where(col(Site.id) != slot.site_id))
    slot.site_id = others.first().id  # type: ignore[union-attr]


async def delete_a_slot(session: AsyncSession) -> None:
    await session.delete(await a_failing_workshop(session))


async def answer_a_survey(session: AsyncSession) -> None:
    slot = await workshop(session)
    session.add(SatisfactionAnswer(site_id=slot.site_id, slot_kind=SlotKind.WORKSHOP, score=2,
                                   answered_at=slot.ends_at + timedelta(hours=1)))  # fmt: skip


async def an_answer(session: AsyncSession) -> SatisfactionAnswer:
    found = await session.scalars(select(SatisfactionAnswer).order_by(col(SatisfactionAnswer.id)))
    return next(a for a in found if a.answered_at.day == 24)


async def change_a_score(session: AsyncSession) -> None:
    (await an_answer(session)).score = 1


async def delete_an_answer(session: AsyncSession) -> None:
    await session.delete(await an_answer(session))


async def a_youth_writes_from_a_campaign(session: AsyncSession) -> None:
    slot = await workshop(session)
    await make_youth(session, slot.starts_at, origin="radio", site_id=slot.site_id)


async def the_youth(session: AsyncSession) -> Youth:
    return (await session.scalars(select(Youth).where(col(Youth.origin) == "radio"))).one()


async def a_youth_changes_site(session: AsyncSession) -> None:
    youth = await the_youth(session)
    others = await session.scalars(select(Site).where(col(Site.id) != youth.site_id))
    youth.site_id = others.first().id  # type: ignore[union-attr]


async def a_youth_is_erased(session: AsyncSession) -> None:
    await session.delete(await the_youth(session))


CHANGES: list[Change] = [
    mark_no_show,
    confirm,
    send_a_failed_reminder,
    fail_with_another_reason,
    delete_a_reminder,
    delete_a_booking,
    book_again,
    publish_a_slot,
    move_a_booking,
    offer_more_seats,
    cancel_a_slot,
    move_a_slot_to_another_week,
    move_a_slot_to_another_site,
    delete_a_slot,
    answer_a_survey,
    change_a_score,
    delete_an_answer,
    a_youth_writes_from_a_campaign,
    a_youth_changes_site,
    a_youth_is_erased,
]


async def test_every_change_the_dashboard_counts_reaches_it(
    database: Database, clock: ManualClock
) -> None:
    await scenario(database, clock.now())
    before = await board(database)
    for change in CHANGES:
        async with database.transaction() as session:
            await change(session)
        after = await board(database)
        assert after != before, f"{change.__name__} changed nothing the dashboard shows"
        assert after == await counted_afresh(database), change.__name__
        before = after


async def test_weeks_are_summed_again_in_another_time_zone(
    database: Database, clock: ManualClock
) -> None:
    """Sums kept in Paris weeks must not answer for Auckland's, whose Mondays start
    eleven to thirteen hours earlier."""
    await scenario(database, clock.now())
    await board(database)
    auckland = ZoneInfo("Pacific/Auckland")

    def seen_from(tz: ZoneInfo) -> Awaitable[Dashboard]:
        return dashboard(database, site_ids=None, first_day=FIRST_DAY, last_day=LAST_DAY, tz=tz)

    far = await seen_from(auckland)
    async with database.transaction() as session:
        await book_again(session)
    after_a_change = await seen_from(auckland)

    assert far != await board(database)
    assert far.activity != after_a_change.activity
    await counted_afresh(database)
    assert after_a_change == await seen_from(auckland)


async def test_a_change_committed_while_a_dashboard_counts_is_counted_by_the_next(
    database: Database, clock: ManualClock
) -> None:
    await scenario(database, clock.now())
    await board(database)
    async with database.transaction() as session:
        await mark_no_show(session)
    async with database.reading() as session:
        recount = await tally._recount(session, PARIS)
    assert recount is not None
    async with database.transaction() as session:
        await book_again(session)
    async with database.transaction() as session:
        assert await tally._store(session, recount)

    assert await board(database) == await counted_afresh(database)


async def test_a_dashboard_that_another_overtook_stores_nothing(
    database: Database, clock: ManualClock
) -> None:
    await scenario(database, clock.now())
    async with database.reading() as session:
        late = await tally._recount(session, PARIS)
    assert late is not None
    assert late.tallies
    async with database.transaction() as session:
        await book_again(session)
    fresh = await board(database)
    async with database.transaction() as session:
        assert not await tally._store(session, late)

    assert await board(database) == fresh == await counted_afresh(database)


async def test_overtaken_twice_it_counts_while_holding_the_generation(
    database: Database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await scenario(database, clock.now())
    real_store = tally._store
    tries: list[int] = []

    async def overtaken(session: AsyncSession, recount: tally._Recount) -> bool:
        tries.append(recount.generation)
        if len(tries) <= tally.OPTIMISTIC_TRIES:
            recount.generation -= 1  # as if another dashboard had stored since it read
        return await real_store(session, recount)

    monkeypatch.setattr(tally, "_store", overtaken)
    shown = await board(database)

    assert len(tries) == tally.OPTIMISTIC_TRIES + 1
    monkeypatch.setattr(tally, "_store", real_store)
    assert shown == await counted_afresh(database)


@pytest.mark.postgres_only
async def test_a_change_whose_id_was_passed_before_it_committed_is_not_lost(
    database: Database, clock: ManualClock
) -> None:
    """PostgreSQL hands out ids before commit: a change may commit after the dashboard
    read a higher id. Its change row must outlive that dashboard."""
    await scenario(database, clock.now())
    await board(database)
    async with database.transaction() as slow:
        await mark_no_show(slow)
        await slow.flush()  # its change row now holds an id, uncommitted
        async with database.transaction() as quick:
            await book_again(quick)
        async with database.reading() as session:
            recount = await tally._recount(session, PARIS)
        assert recount is not None
    async with database.transaction() as session:
        assert await tally._store(session, recount)

    assert await board(database) == await counted_afresh(database)


async def test_the_triggers_are_in_place(database: Database, clock: ManualClock) -> None:
    """A migration that rebuilds one of these tables on SQLite drops their triggers."""
    await scenario(database, clock.now())
    async with database.transaction() as session:
        await session.execute(sa.delete(SlotTallyChange))
        await session.execute(sa.delete(DatedChange))
    writes: list[Change] = [
        publish_a_slot,
        book_again,
        mark_no_show,
        send_a_failed_reminder,
        delete_a_booking,
        cancel_a_slot,
        move_a_slot_to_another_week,
        delete_a_slot,
        answer_a_survey,
        change_a_score,
        a_youth_writes_from_a_campaign,
        a_youth_changes_site,
        a_youth_is_erased,
    ]
    slot_changes = sa.select(sa.func.count()).select_from(SlotTallyChange).scalar_subquery()
    changes = sa.select(
        slot_changes + sa.select(sa.func.count()).select_from(DatedChange).scalar_subquery()
    )
    for write in writes:
        async with database.transaction() as session:
            before = await session.scalar(changes)
            await write(session)
            await session.flush()
            after = await session.scalar(changes)
        assert (after or 0) > (before or 0), write.__name__
