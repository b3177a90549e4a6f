"""What the youth search matches: short terms, accents, wildcards, renames, erasures, pages."""

from __future__ import annotations

import sqlite3

import pytest

from core.clock import ManualClock
from core.db import Database
from core.erasure import erase_youth
from core.models import Youth
from core.youth_search import _glob, _like_superset, search_youths
from tests.support.factories import make_youth

NAMES = (
    ("Léa Benali", None),
    ("LÉO Martin", "leo_m"),
    ("Hélène", None),
    ("Lea Sans Accent", None),
    ("Mamadou Diallo", "ma_diallo"),
    ("Çağla", "cagla"),
    ("Ibrahim 50%", None),
    ("Tom [admin] *?", "back\\slash"),
    ("Stéphane", None),
)


async def _names(database: Database, query: str, site_ids: set[int] | None = None) -> list[str]:
    async with database.reading() as session:
        page = await search_youths(session, query, site_ids=site_ids)
    return [youth.display_name for youth in page.items]


@pytest.fixture
async def named(database: Database, clock: ManualClock) -> Database:
    async with database.transaction() as session:
        for name, username in NAMES:
            await make_youth(session, clock.now(), display_name=name, username=username)
    return database


async def _found(database: Database, query: str) -> set[str]:
    """The names found, in no order: how the two databases order accented capitals
    differs (see `tests/core/test_youth_directory.py`), and is not the point here."""
    return set(await _names(database, query))


async def test_two_letter_terms_match_anywhere_and_keep_accents(named: Database) -> None:
    assert await _found(named, "lé") == {"LÉO Martin", "Léa Benali"}
    assert await _found(named, "LÉ") == {"LÉO Martin", "Léa Benali"}
    # "le" is neither in "Léa" nor in "Hélène", but in the username "leo_m".
    assert await _found(named, "le") == {"Lea Sans Accent", "LÉO Martin"}
    assert await _found(named, "ç") == {"Çağla"}
    assert await _found(named, "ĞL") == {"Çağla"}
    assert await _found(named, "é") == {"Hélène", "LÉO Martin", "Léa Benali", "Stéphane"}


async def test_wildcards_and_escapes_are_taken_literally(named: Database) -> None:
    assert await _found(named, "0%") == {"Ibrahim 50%"}
    assert await _found(named, "%") == {"Ibrahim 50%"}
    assert await _found(named, "a_d") == {"Mamadou Diallo"}
    assert await _found(named, "_") == {"LÉO Martin", "Mamadou Diallo"}
    assert await _found(named, "[admin]") == {"Tom [admin] *?"}
    assert await _found(named, "*?") == {"Tom [admin] *?"}
    assert await _found(named, "?") == {"Tom [admin] *?"}
    assert await _found(named, "\\") == {"Tom [admin] *?"}
    assert await _found(named, "k\\s") == {"Tom [admin] *?"}
    assert await _found(named, "l%a") == set()
    assert await _found(named, "l_a") == set()
    assert await _found(named, "t*m") == set()


async def test_a_rename_is_found_under_the_new_name_only(
    named: Database, clock: ManualClock
) -> None:
    async with named.transaction() as session:
        youth = await make_youth(session, clock.now(), display_name="Ancien Nom", username="ancien")
        youth.display_name, youth.username = "Nouveau Prénom", "nouveau"
    assert await _names(named, "ancien") == []
    assert await _names(named, "prénom") == ["Nouveau Prénom"]
    assert await _names(named, "@nouv") == ["Nouveau Prénom"]


async def test_an_erased_youth_is_no_longer_found(named: Database, clock: ManualClock) -> None:
    async with named.transaction() as session:
        youth = await make_youth(session, clock.now(), display_name="Effacée Bientôt")
    assert await _names(named, "bientôt") == ["Effacée Bientôt"]
    async with named.transaction() as session:
        assert youth.id is not None
        await erase_youth(session, youth.id, clock.now())
    assert await _names(named, "bientôt") == []
    async with named.reading() as session:
        assert await session.get(Youth, youth.id) is None


async def test_totals_with_no_match_and_past_the_last_page(named: Database) -> None:
    async with named.reading() as session:
        nothing = await search_youths(session, "personne-xyz", site_ids=None)
        past = await search_youths(session, "é", site_ids=None, page=3, per_page=2)
    assert (nothing.items, nothing.total, nothing.pages) == ([], 0, 1)
    assert (past.items, past.total, past.pages) == ([], 4, 2)


SAMPLES = (
    "Élodie",
    "élodie",
    "ÉLODIE",
    "elodie",
    "Maël",
    "MAËL",
    "ſtraße",
    "STRASSE",
    "İstanbul",
    "istanbul",
    "\u212a",  # the Kelvin sign, whose lower case is an ASCII "k"
    "kelvin",
    "50% off",
    "a_b",
    "a\\b",
    "[x]*?",
    "Ça",
)


@pytest.mark.parametrize(
    "term", ["é", "É", "ë", "s", "ſ", "ss", "ß", "i", "İ", "k", "%", "_", "\\", "[x]", "*?", "ça"]
)
def test_sqlites_like_lets_through_every_name_its_glob_matches(term: str) -> None:
    """The LIKE only spares the GLOB rows that cannot match: it must never drop one."""
    connection = sqlite3.connect(":memory:")
    try:
        for sample in SAMPLES:
            globbed, liked = connection.execute(
                "SELECT ? GLOB ?, ? LIKE ? ESCAPE '\\'",
                (sample, "*" + _glob(term) + "*", sample, "%" + _like_superset(term) + "%"),
            ).fetchone()
            assert liked >= globbed, (term, sample)
    finally:
        connection.close()
