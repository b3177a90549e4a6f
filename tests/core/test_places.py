"""Known places: seeded with the demo, found by name ignoring case and accents, scoped by site."""

from __future__ import annotations

from sqlmodel import col, select

from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.demo import seed_demo
from core.demo_data import PLACES
from core.models import Place, Site
from core.places import fold, get_place, places_in_scope, search_places


def test_fold_ignores_case_accents_and_typographic_variants() -> None:
    assert fold("  Gare de l’Est — ÉMMAÜS ") == fold("gare de l'est - emmaus")
    assert fold("Mission\u202fLocale") == "mission locale"


async def _site_id(database: Database, code: str) -> int:
    async with database.reading() as session:
        site = await session.scalar(select(Site).where(col(Site.code) == code))
    assert site is not None
    assert site.id is not None
    return site.id


async def test_the_demo_seeds_its_places_once(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    first = await seed_demo(database, clock, settings)
    again = await seed_demo(database, clock, settings)

    assert (first.places, again.places) == (len(PLACES), 0)
    assert 6 <= len(PLACES) <= 10
    async with database.reading() as session:
        places = await places_in_scope(session)
    assert len(places) == len(PLACES)
    assert all(48.8 < place.latitude < 48.9 and 2.2 < place.longitude < 2.5 for place in places)


async def test_search_by_prefix_then_contains_then_address(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    await seed_demo(database, clock, settings)

    async with database.reading() as session:
        linkee = await search_places(session, "point de DISTRIB")
        contains = await search_places(session, "site nord")
        by_address = await search_places(session, "peclet")  # "9 rue Péclet"
        everything = await search_places(session, "  ", limit=3)
        nothing = await search_places(session, "tour eiffel")
        ranked = await search_places(session, "mission locale — site b")

    assert [place.name for place in linkee] == ["Point de distribution Linkee"]
    assert [place.name for place in contains] == ["Mission Locale — site Nord"]
    assert [place.address for place in by_address] == ["9 rue Péclet, 75015 Paris"]
    assert len(everything) == 3
    assert nothing == []
    assert [place.name for place in ranked] == [
        "Mission Locale — site Batignolles",
        "Mission Locale — site Belleville",
    ]


async def test_an_adviser_sees_their_sites_places_and_the_shared_ones(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    await seed_demo(database, clock, settings)
    est = await _site_id(database, "paris-est")
    nord = await _site_id(database, "paris-nord")

    async with database.reading() as session:
        mine = await search_places(session, "", site_ids={est})
        north_place = await session.scalar(select(Place).where(col(Place.site_id) == nord))
        assert north_place is not None
        assert north_place.id is not None
        hidden = await get_place(session, north_place.id, site_ids={est})
        shown = await get_place(session, north_place.id, site_ids={nord})
        missing = await get_place(session, 999_999)

    assert sorted(place.name for place in mine) == [
        "Mission Locale — site Est",
        "Point de distribution Linkee",
    ]
    assert (hidden, missing) == (None, None)
    assert shown is not None
    assert shown.name == "Mission Locale — site Nord"
