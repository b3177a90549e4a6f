"""The nearest site to an arrondissement, and arrondissements as youths type them."""

from __future__ import annotations

import pytest

from core.db import Database
from core.demo_data import SITES
from core.models import Site
from core.sites import ARRONDISSEMENT_CENTRES, list_sites, nearest_site, parse_arrondissement
from tests.support.factories import make_site


def _demo_sites() -> list[Site]:
    return [
        Site(
            id=number,
            code=site.code,
            name=site.name,
            arrondissement=site.arrondissement,
            latitude=site.latitude,
            longitude=site.longitude,
        )
        for number, site in enumerate(SITES, start=1)
    ]


def _code(site: Site | None) -> str | None:
    return site.code if site is not None else None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("11", 11),
        ("1", 1),
        ("20", 20),
        ("75011", 11),
        ("75001", 1),
        ("75020", 20),
        ("75116", 16),
        (" 11e ", 11),
        ("1er", 1),
        ("18ème", 18),
        ("18eme", 18),
        ("Paris 13", 13),
        ("paris13", 13),
        ("12th", 12),
    ],
)
def test_an_arrondissement_is_read_as_typed(typed: str, expected: int) -> None:
    assert parse_arrondissement(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "0",
        "21",
        "75000",
        "75021",
        "75111",
        "750",
        "011x",
        "",
        "onze",
        "11 rue de la Paix",
        "9" * 4000,
    ],
)
def test_anything_else_is_not_an_arrondissement(typed: str) -> None:
    assert parse_arrondissement(typed) is None


def test_every_arrondissement_has_a_centre_inside_paris() -> None:
    assert sorted(ARRONDISSEMENT_CENTRES) == list(range(1, 21))
    for latitude, longitude in ARRONDISSEMENT_CENTRES.values():
        assert 48.81 < latitude < 48.91
        assert 2.22 < longitude < 2.47


@pytest.mark.parametrize(
    ("arrondissement", "expected"),
    [
        (20, "paris-est"),
        (19, "paris-belleville"),
        (18, "paris-nord"),
        (17, "paris-batignolles"),
        (16, "paris-ouest"),
        (15, "paris-ouest"),
        (13, "paris-sud"),
        (12, "paris-gare-de-lyon"),
        (11, "paris-centre"),
        (1, "paris-centre"),
    ],
)
def test_the_nearest_demo_site(arrondissement: int, expected: str) -> None:
    assert _code(nearest_site(arrondissement, _demo_sites())) == expected


def test_every_arrondissement_gets_a_site_when_sites_are_placed() -> None:
    sites = _demo_sites()
    assert all(nearest_site(n, sites) is not None for n in range(1, 21))


def test_a_site_without_coordinates_is_placed_at_its_arrondissement() -> None:
    far = Site(id=1, code="far", name="Far", latitude=48.8873, longitude=2.3068)  # the 17th
    unplaced_coordinates = Site(id=2, code="east", name="East", arrondissement=20)
    assert _code(nearest_site(20, [far, unplaced_coordinates])) == "east"


def test_a_site_that_cannot_be_placed_is_left_out() -> None:
    nowhere = Site(id=1, code="nowhere", name="Nowhere")
    assert nearest_site(20, [nowhere]) is None
    placed = Site(id=2, code="placed", name="Placed", arrondissement=5)
    assert _code(nearest_site(20, [nowhere, placed])) == "placed"


def test_no_site_or_an_unknown_arrondissement_gives_none() -> None:
    assert nearest_site(20, []) is None
    assert nearest_site(21, _demo_sites()) is None


def test_ties_go_to_the_site_listed_first() -> None:
    first = Site(id=1, code="first", name="First", arrondissement=11)
    second = Site(id=2, code="second", name="Second", arrondissement=11)
    assert _code(nearest_site(3, [first, second])) == "first"
    assert _code(nearest_site(3, [second, first])) == "second"


async def test_sites_are_listed_by_name(database: Database) -> None:
    async with database.transaction() as session:
        await make_site(session, code="b", name="Site B")
        await make_site(session, code="a", name="Site A")
    async with database.reading() as session:
        assert [site.code for site in await list_sites(session)] == ["a", "b"]
