"""The staff panel's youth search: a piece of a name or username, within one's sites.

Matching. A youth matches when their display name or username contains the term,
ignoring case, accented letters included ("élodie" finds "ÉLODIE"), but not
ignoring accents ("elodie" does not find "Élodie"). PostgreSQL compares
`lower()` of both sides. SQLite's `lower()` and `LIKE` fold ASCII letters only,
so its exact test is a GLOB with one character class per letter (`[éÉ]`).

Speed, measured with `bench.admin_pages` over 50,000 youths. A name contains the
term anywhere, so no ordinary index helps: SQLite reads every youth, and so does
PostgreSQL for a term too short for its trigram index (below). What made a search
slow was what each of those rows cost, so this module keeps that small:

- On SQLite a GLOB of character classes costs about twice a `LIKE`, so each column
  is first tested with a `LIKE` that accepts a superset of the GLOB's matches
  (ASCII letters fold alike in both; any other letter becomes `_`, any one
  character), and the GLOB runs only on the rows the `LIKE` lets through.
- Whether a youth is in the adviser's scope (of their sites, or booked on one of
  their slots) is written after the name, so SQLite tests it on the matches only
  (PostgreSQL orders the tests by its own costs). The youths booked on the scope's
  slots are listed once (`IN`), which both databases turn into one lookup table,
  where `EXISTS` would read each youth's bookings in turn.
- The total comes with the page from the same scan (a window count), and a first
  page with no match needs no second scan to say there are none.

On PostgreSQL the names are not scanned: a GIN index of trigrams (pg_trgm, over
`display_name` and `username`, migration 0005) answers `ILIKE '%term%'`, and the
exact test (`lower(...) LIKE`) is rechecked on the rows it finds, so the results are
those of the scan. A term without three letters or digits in a row has no trigram
to look up, so it is scanned. ILIKE lower-cases both sides as `lower()` does, so
the index never drops a row the exact test keeps. SQLite has no such index: its
FTS5 trigram table would be a table the models cannot declare, and the scan with
the cheap `LIKE` first is fast enough there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from core.models import Booking, Slot, Youth
from core.staff_scope import DEFAULT_PER_PAGE, Page, SiteIds, in_scope, page_bounds

# pg_trgm indexes runs of letters and digits; a term without three in a row has no
# trigram the index could look up, and would make PostgreSQL read the whole index.
_TRIGRAM = re.compile(r"[^\W_]{3}")
# SQLite LIKE's escape character: a backslash in a name is rare, and escaped anyway.
_LIKE_ESCAPE = "\\"


@dataclass(frozen=True)
class YouthSummary:
    id: int
    display_name: str
    username: str | None
    site_id: int | None
    reachable: bool
    last_seen_at: datetime


async def search_youths(
    session: AsyncSession,
    query: str,
    *,
    site_ids: SiteIds,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
) -> Page[YouthSummary]:
    """Youths whose display name or username contains `query`, ignoring case.

    Names starting with the query come first, then alphabetical order. A leading
    "@" is ignored, as staff copy usernames from Telegram. An empty query lists
    every youth in scope.
    """
    term = query.strip().removeprefix("@").strip()
    conditions: list[ColumnElement[bool]] = []
    order: list[Any] = []
    if term:
        sqlite = session.get_bind().dialect.name == "sqlite"
        name, username = col(Youth.display_name), col(Youth.username)
        # First, so that the scope is tested on the matches only (see the docstring).
        conditions.append(sa.or_(_contains(name, term, sqlite), _contains(username, term, sqlite)))
        order.append(sa.case((_starts_with(name, term, sqlite), 0), else_=1))
    conditions.append(_visible_in_bulk(site_ids))
    order += [sa.func.lower(col(Youth.display_name)), col(Youth.id)]
    statement = sa.select(
        col(Youth.id),
        col(Youth.display_name),
        col(Youth.username),
        col(Youth.site_id),
        col(Youth.reachable),
        col(Youth.last_seen_at),
    ).where(*conditions)
    page, per_page, offset = page_bounds(page, per_page)
    counted = statement.add_columns(sa.func.count().over().label("total"))
    rows = (await session.execute(counted.order_by(*order).limit(per_page).offset(offset))).all()
    if rows:
        total = int(rows[0].total)
    elif offset == 0:  # nothing matched at all
        total = 0
    else:  # past the last page: count on its own
        total = int(
            await session.scalar(sa.select(sa.func.count()).select_from(statement.subquery())) or 0
        )
    return Page([YouthSummary(*row[:-1]) for row in rows], total, page, per_page)


def _visible_in_bulk(site_ids: SiteIds) -> ColumnElement[bool]:
    """`core.youth_directory.visible_youths` for a search over every youth: the youths
    booked on a slot of the scope are listed once (`IN`), where `EXISTS` would look up
    the bookings of each youth in turn, and make PostgreSQL's planner cost the query
    high enough to compile it (JIT), which takes longer than the query itself."""
    if site_ids is None:
        return sa.true()
    booked_here = (
        sa.select(col(Booking.youth_id))
        .join(Slot, col(Slot.id) == col(Booking.slot_id))
        .where(col(Slot.site_id).in_(sorted(site_ids)), col(Booking.youth_id).is_not(None))
    )
    return sa.or_(in_scope(col(Youth.site_id), site_ids), col(Youth.id).in_(booked_here))


def _contains(column: Any, term: str, sqlite: bool) -> ColumnElement[bool]:
    if sqlite:
        return sa.and_(
            column.like("%" + _like_superset(term) + "%", escape=_LIKE_ESCAPE),
            column.op("GLOB")("*" + _glob(term) + "*"),
        )
    matched: ColumnElement[bool] = sa.func.lower(column).contains(term.lower(), autoescape=True)
    if _TRIGRAM.search(term):
        # The same test, in a form the trigram index answers (see the docstring).
        indexed = column.ilike("%" + _like_escaped(term.lower(), "/") + "%", escape="/")
        matched = sa.and_(indexed, matched)
    return matched


def _starts_with(column: Any, term: str, sqlite: bool) -> ColumnElement[bool]:
    if sqlite:
        matched: ColumnElement[bool] = column.op("GLOB")(_glob(term) + "*")
    else:
        matched = sa.func.lower(column).startswith(term.lower(), autoescape=True)
    return matched


def _glob(term: str) -> str:
    """A case-insensitive GLOB pattern for `term`, one character class per letter.

    SQLite's `lower()` and `LIKE` fold ASCII letters only, so "élodie" would miss
    "Élodie"; `[éÉ]` does not. GLOB's own wildcards are escaped as classes.
    """
    out = []
    for char in term:
        lower, upper = char.lower(), char.upper()
        if lower != upper and len(lower) == 1 and len(upper) == 1:
            out.append(f"[{lower}{upper}]")
        elif char in "*?[":
            out.append(f"[{char}]")
        else:
            out.append(char)
    return "".join(out)


def _like_superset(term: str) -> str:
    """A SQLite LIKE pattern (escaped with `_LIKE_ESCAPE`) matching at least what
    `_glob(term)` matches: LIKE folds ASCII letters as the GLOB's classes do, and any
    other character, whose class may hold letters of other cases ("[éÉ]", "[ſS]"),
    becomes `_`, which matches any one character."""
    out = []
    for char in term:
        if not char.isascii():
            out.append("_")
        else:
            out.append(_like_escaped(char, _LIKE_ESCAPE))
    return "".join(out)


def _like_escaped(text: str, escape: str) -> str:
    """`text` in a LIKE pattern, its wildcards and the escape character taken literally."""
    return "".join(escape + char if char in ("%", "_", escape) else char for char in text)
