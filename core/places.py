"""Known places: the addresses staff pick for a slot, with their map pin.

The panel looks nothing up on the internet: a slot's place name,
address and coordinates are copied from a row of the `place` table.

Searching ignores case and accents ("gare de l'est" finds "Gare de l’Est",
"emmaus" finds "Emmaüs"). SQLite's `lower()` knows only ASCII and PostgreSQL
needs the `unaccent` extension for accents, so rather than two dialects the
match is made in Python on the places in scope: a Mission Locale knows dozens of
places, not thousands. Should it grow, a normalised name column with an index
would move the match into SQL.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, or_, select

from core.models import Place

DEFAULT_LIMIT = 20
# Typographic apostrophes and dashes typed or pasted from documents match the plain ones.
_PLAIN = str.maketrans({"’": "'", "‘": "'", "–": "-", "—": "-", "\u00a0": " ", "\u202f": " "})


def fold(text: str) -> str:
    """`text` without case, accents or typographic variants, for matching names."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_PLAIN))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


async def places_in_scope(
    session: AsyncSession, site_ids: Collection[int] | None = None
) -> list[Place]:
    """Places staff of `site_ids` may pick: their sites' and the shared ones (None: all)."""
    statement = select(Place).order_by(col(Place.name), col(Place.id))
    if site_ids is not None:
        statement = statement.where(
            or_(col(Place.site_id).is_(None), col(Place.site_id).in_(list(site_ids)))
        )
    return list((await session.scalars(statement)).all())


async def search_places(
    session: AsyncSession,
    query: str,
    *,
    site_ids: Collection[int] | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[Place]:
    """Places whose name (or address) contains `query`, names starting with it first.

    An empty query lists the places in scope, by name.
    """
    wanted = fold(query)
    places = await places_in_scope(session, site_ids)
    if not wanted:
        return places[:limit]
    ranked = []
    for place in places:
        name = fold(place.name)
        if name.startswith(wanted):
            rank = 0
        elif wanted in name:
            rank = 1
        elif wanted in fold(place.address):
            rank = 2
        else:
            continue
        ranked.append((rank, name, place.id or 0, place))
    ranked.sort(key=lambda item: item[:3])
    return [place for *_, place in ranked[:limit]]


async def get_place(
    session: AsyncSession, place_id: int, *, site_ids: Collection[int] | None = None
) -> Place | None:
    """The place, or None if it does not exist or belongs to another site than `site_ids`."""
    place = await session.get(Place, place_id)
    if place is None:
        return None
    if site_ids is not None and place.site_id is not None and place.site_id not in site_ids:
        return None
    return place
