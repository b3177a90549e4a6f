"""Listing what can be booked and what a youth holds (each test runs on both backends)."""

from __future__ import annotations

from datetime import timedelta

from core.booking import BookingService, SlotFilter, operations
from core.clock import ManualClock
from core.db import Database
from core.models import BookingStatus, SlotKind
from core.models.enums import SlotStatus
from tests.support.factories import (
    make_booking,
    make_partner,
    make_site,
    make_slot,
    make_youth,
    make_youths,
)

SECOND = timedelta(seconds=1)


class TestListUpcoming:
    async def test_only_slots_bookable_now_within_the_horizon(
        self, service: BookingService, database: Database, clock: ManualClock
    ) -> None:
        now = clock.now()
        async with database.transaction() as session:
            bookable = await make_slot(session, now, title="ouvert")
            await make_slot(session, now - timedelta(days=3), title="passé")
            await make_slot(session, now, title="fermé", booking_closes_at=now)
            await make_slot(session, now, title="pas encore", booking_opens_at=now + SECOND)
            await make_slot(session, now, title="annulé", status=SlotStatus.CANCELLED)
            too_far = await make_slot(session, now, starts_in=timedelta(days=14), title="loin")
            last_day = await make_slot(session, now, starts_in=timedelta(days=14) - SECOND)

        listed = await service.list_upcoming(limit=10)
        further = await service.list_upcoming(filters=SlotFilter(days=30), limit=10)

        assert [a.slot.id for a in listed] == [bookable.id, last_day.id]
        assert await service.count_upcoming() == 2
        assert [a.slot.id for a in further] == [bookable.id, last_day.id, too_far.id]
        assert await service.count_upcoming(filters=SlotFilter(days=30)) == 3

    async def test_filters_by_kind_site_partner_and_topic(
        self, service: BookingService, database: Database, clock: ManualClock
    ) -> None:
        now = clock.now()
        async with database.transaction() as session:
            site = await make_site(session)
            partner = await make_partner(session)
            pickup = await make_slot(session, now, SlotKind.FOOD_PARCEL, site_id=site.id)
            cv = await make_slot(session, now, topic="cv", partner_id=partner.id)
            housing = await make_slot(session, now, topic="logement", site_id=site.id)

        async def ids(filters: SlotFilter) -> list[int | None]:
            listed = await service.list_upcoming(filters=filters, limit=10)
            assert await service.count_upcoming(filters=filters) == len(listed)
            return [a.slot.id for a in listed]

        assert await ids(SlotFilter(kind=SlotKind.FOOD_PARCEL)) == [pickup.id]
        assert await ids(SlotFilter(kind=SlotKind.WORKSHOP)) == [cv.id, housing.id]
        assert await ids(SlotFilter(site_id=site.id)) == [pickup.id, housing.id]
        assert await ids(SlotFilter(partner_id=partner.id)) == [cv.id]
        assert await ids(SlotFilter(topic="logement")) == [housing.id]
        assert await ids(SlotFilter(kind=SlotKind.WORKSHOP, site_id=site.id)) == [housing.id]
        assert await ids(SlotFilter(kind=SlotKind.APPOINTMENT)) == []

    async def test_own_site_first_then_by_start_and_paged(
        self, service: BookingService, database: Database, clock: ManualClock
    ) -> None:
        now = clock.now()
        async with database.transaction() as session:
            home = await make_site(session)
            slots = [
                await make_slot(session, now, starts_in=timedelta(days=day), site_id=site)
                for day, site in ((5, home.id), (1, None), (3, home.id), (2, None), (4, None))
            ]
        day5, day1, day3, day2, day4 = (slot.id for slot in slots)

        by_start = await service.list_upcoming(limit=10)
        home_first = await service.list_upcoming(limit=10, prefer_site_id=home.id)
        page_2 = await service.list_upcoming(limit=2, offset=2, prefer_site_id=home.id)
        page_3 = await service.list_upcoming(limit=2, offset=4, prefer_site_id=home.id)

        assert [a.slot.id for a in by_start] == [day1, day2, day3, day4, day5]
        assert [a.slot.id for a in home_first] == [day3, day5, day1, day2, day4]
        assert [a.slot.id for a in page_2] == [day1, day2]
        assert [a.slot.id for a in page_3] == [day4]
        assert await service.count_upcoming() == 5

    async def test_seat_counts_in_one_listing(
        self, service: BookingService, database: Database, clock: ManualClock
    ) -> None:
        now = clock.now()
        async with database.transaction() as session:
            full = await make_slot(session, now, capacity=2, starts_in=timedelta(days=1))
            partly = await make_slot(session, now, capacity=3, starts_in=timedelta(days=2))
            empty = await make_slot(session, now, capacity=4, starts_in=timedelta(days=3))
            youths = await make_youths(session, now, 5)
            for youth in youths[:2]:
                await make_booking(session, now, youth, full)
            for youth in youths[2:4]:
                await make_booking(session, now, youth, full, BookingStatus.WAITLISTED)
            await make_booking(session, now, youths[4], full, BookingStatus.CANCELLED)
            await make_booking(session, now, youths[0], partly)
            await make_booking(session, now, youths[1], partly, BookingStatus.CANCELLED)

        listed = {a.slot.id: a for a in await service.list_upcoming(limit=10)}

        counts = {
            slot_id: (a.booked, a.waitlisted, a.seats_left, a.is_full)
            for slot_id, a in listed.items()
        }
        assert counts == {
            full.id: (2, 2, 0, True),
            partly.id: (1, 0, 2, False),
            empty.id: (0, 0, 4, False),
        }


class TestMyBookings:
    async def test_upcoming_soonest_first_and_history_latest_first(
        self, service: BookingService, database: Database, clock: ManualClock
    ) -> None:
        now = clock.now()
        async with database.transaction() as session:
            youth, other = await make_youths(session, now, 2)
            in_three_days = await make_slot(session, now, starts_in=timedelta(days=3))
            tomorrow_full = await make_slot(session, now, starts_in=timedelta(days=1), capacity=1)
            happening_now = await make_slot(
                session, now - timedelta(hours=1), starts_in=timedelta(0)
            )
            last_week = await make_slot(session, now - timedelta(days=7), starts_in=timedelta(0))
            yesterday = await make_slot(session, now - timedelta(days=1), starts_in=timedelta(0))
            cancelled_later = await make_slot(session, now, starts_in=timedelta(days=5))
            await make_booking(session, now, youth, in_three_days)
            await make_booking(session, now, other, tomorrow_full)
            await make_booking(
                session, now + SECOND, youth, tomorrow_full, BookingStatus.WAITLISTED
            )
            await make_booking(session, now, youth, happening_now)
            await make_booking(session, now, youth, last_week, BookingStatus.ATTENDED)
            await make_booking(session, now, youth, yesterday, BookingStatus.NO_SHOW)
            await make_booking(session, now, youth, cancelled_later, BookingStatus.CANCELLED)
            await make_booking(session, now, other, in_three_days)
        assert youth.id is not None

        mine = await service.my_bookings(youth_id=youth.id)

        assert [(e.slot.id, e.waitlist_position) for e in mine.upcoming] == [
            (happening_now.id, None),
            (tomorrow_full.id, 1),
            (in_three_days.id, None),
        ]
        assert [e.slot.id for e in mine.past] == [cancelled_later.id, yesterday.id, last_week.id]
        assert {e.booking.youth_id for e in [*mine.upcoming, *mine.past]} == {youth.id}

    async def test_a_youth_with_no_booking(
        self, service: BookingService, database: Database, clock: ManualClock
    ) -> None:
        async with database.transaction() as session:
            youth = await make_youth(session, clock.now())
        assert youth.id is not None

        mine = await service.my_bookings(youth_id=youth.id)

        assert (mine.upcoming, mine.past) == ([], [])


async def test_the_waitlist_follows_the_order_places_were_taken_not_when_events_began(
    database: Database, clock: ManualClock
) -> None:
    """An event that began earlier but reached the slot's lock later queues behind.

    Each event stamps its bookings with the instant it began; under load, the one
    that began first is not always the one that gets the slot's lock first.
    """
    now = clock.now()
    async with database.transaction() as session:
        slot = await make_slot(session, now, capacity=1)
        await make_booking(session, now, await make_youth(session, now), slot)
        first, second = await make_youth(session, now), await make_youth(session, now)
    assert slot.id is not None
    assert first.id is not None
    assert second.id is not None
    tz = clock.now().tzinfo
    assert tz is not None
    async with database.transaction() as session:
        got_there_first = await operations.book(
            session, now=now + timedelta(seconds=5), tz=tz, youth_id=first.id, slot_id=slot.id
        )
    async with database.transaction() as session:
        began_earlier = await operations.book(
            session, now=now, tz=tz, youth_id=second.id, slot_id=slot.id
        )
    assert (got_there_first.waitlist_position, began_earlier.waitlist_position) == (1, 2)
    async with database.reading() as session:
        positions = [
            await operations.waitlist_position(session, outcome.booking)
            for outcome in (got_there_first, began_earlier)
        ]
    assert positions == [1, 2]
    async with database.transaction() as session:
        held = (await operations.my_bookings(session, now=now, youth_id=first.id)).upcoming
        assert [entry.waitlist_position for entry in held] == [1]
