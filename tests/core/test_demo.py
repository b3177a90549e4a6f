"""The demo seed: a realistic month of offers, and safe to run again."""

from datetime import timedelta

from sqlalchemy import func, select

from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.demo import seed_demo
from core.demo_data import PARTNERS, SITES
from core.models import Partner, Site, Slot, SlotKind, SlotSeries


async def _count(database: Database, model: type) -> int:
    async with database.reading() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_seeds_sites_partners_and_four_weeks_of_future_slots(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    report = await seed_demo(database, clock, settings)

    assert (report.sites, report.partners) == (len(SITES), len(PARTNERS))
    assert await _count(database, Site) == 8
    assert await _count(database, Slot) == report.slots
    async with database.reading() as session:
        slots = list(await session.scalars(select(Slot)))
    kinds = {slot.kind for slot in slots}
    assert kinds == set(SlotKind)
    assert all(clock.now() < slot.starts_at < clock.now() + timedelta(weeks=4) for slot in slots)
    assert all(slot.capacity == 1 for slot in slots if slot.kind is SlotKind.APPOINTMENT)


async def test_linkee_pickups_are_thursday_afternoons_closing_the_eve(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    await seed_demo(database, clock, settings)

    async with database.reading() as session:
        pickups = list(
            await session.scalars(
                select(Slot).where(Slot.kind == SlotKind.FOOD_PARCEL).order_by(Slot.starts_at)
            )
        )
    assert len(pickups) == 4
    for pickup in pickups:
        local = pickup.starts_at.astimezone(settings.tz)
        assert (local.weekday(), local.hour, local.minute) == (3, 14, 0)
        assert pickup.capacity == 40
        assert pickup.booking_closes_at is not None
        closes = pickup.booking_closes_at.astimezone(settings.tz)
        assert (closes.date(), closes.hour) == (local.date() - timedelta(days=1), 18)
        assert pickup.series_id is not None
        assert "sacs" in pickup.what_to_bring


async def test_running_again_adds_nothing_and_if_empty_skips(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    first = await seed_demo(database, clock, settings)
    again = await seed_demo(database, clock, settings)
    skipped = await seed_demo(database, clock, settings, if_empty=True)

    assert first.slots > 50
    assert (again.sites, again.partners, again.series, again.slots) == (0, 0, 0, 0)
    assert skipped.skipped
    assert await _count(database, Slot) == first.slots
    assert await _count(database, Partner) == len(PARTNERS)


async def test_a_week_later_only_the_new_week_is_added(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    first = await seed_demo(database, clock, settings)
    clock.advance(timedelta(weeks=1))

    later = await seed_demo(database, clock, settings)

    assert 0 < later.slots < first.slots
    assert later.series == 0
    assert await _count(database, SlotSeries) == first.series


async def test_each_kind_of_slot_gets_its_own_cancellation_cut_off(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    tuned = settings.model_copy(
        update={
            "cancellation_cutoff": timedelta(hours=3),
            "cancellation_cutoffs": (
                (SlotKind.FOOD_PARCEL, timedelta(minutes=90)),
                (SlotKind.APPOINTMENT, timedelta(hours=24)),
            ),
        }
    )
    await seed_demo(database, clock, tuned)

    async with database.reading() as session:
        cutoffs = {
            (slot.kind, slot.cancellation_cutoff_minutes)
            for slot in await session.scalars(select(Slot))
        }
    assert cutoffs == {
        (SlotKind.APPOINTMENT, 24 * 60),
        (SlotKind.FOOD_PARCEL, 90),
        (SlotKind.WORKSHOP, 180),
    }
