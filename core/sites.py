"""Sites by place: the nearest site to a youth who only knows their arrondissement.

A youth who does not know which site follows them usually knows where they
live. The arrondissement is the finest place we ask for (DESIGN.md §9), so the
hint measures from its centre to each site, and stays a hint: the youth
confirms or picks another site.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from core.models import Site

# Centre of each Paris arrondissement as (latitude, longitude): the centroids
# published by the Ville de Paris (opendata.paris.fr, "arrondissements",
# geom_x_y), rounded to about 10 m. The 12th and 16th centres sit towards their
# woods, which is still close enough to tell sites apart.
ARRONDISSEMENT_CENTRES: Mapping[int, tuple[float, float]] = {
    1: (48.8626, 2.3364),
    2: (48.8683, 2.3428),
    3: (48.8629, 2.3600),
    4: (48.8543, 2.3576),
    5: (48.8444, 2.3507),
    6: (48.8491, 2.3329),
    7: (48.8562, 2.3122),
    8: (48.8727, 2.3126),
    9: (48.8772, 2.3375),
    10: (48.8761, 2.3607),
    11: (48.8591, 2.3801),
    12: (48.8350, 2.4213),
    13: (48.8284, 2.3623),
    14: (48.8292, 2.3265),
    15: (48.8401, 2.2928),
    16: (48.8604, 2.2620),
    17: (48.8873, 2.3068),
    18: (48.8926, 2.3482),
    19: (48.8871, 2.3848),
    20: (48.8635, 2.4012),
}

# "11", "11e", "11ème", "Paris 11", "75011"; the 16th also has the postcode 75116.
_TYPED_ARRONDISSEMENT = re.compile(
    r"(?:paris\s*)?(?P<number>\d{1,5})\s*(?:e|er|ere|ère|eme|ème|è|th|st|nd|rd)?\.?",
    re.IGNORECASE,
)


def parse_arrondissement(text: str) -> int | None:
    """The arrondissement a youth typed, or None if it is not one of Paris's 20."""
    match = _TYPED_ARRONDISSEMENT.fullmatch(text.strip())
    if match is None:
        return None
    number = int(match["number"])
    if number == 75116:
        return 16
    if 75001 <= number <= 75020:
        number -= 75000
    elif len(match["number"]) > 2:
        return None
    return number if number in ARRONDISSEMENT_CENTRES else None


def nearest_site(arrondissement: int, sites: Sequence[Site]) -> Site | None:
    """The site closest to the centre of `arrondissement`, or None if none can be placed.

    A site is placed by its coordinates, or failing those by the centre of its own
    arrondissement. Ties go to the site listed first, so the answer is stable.
    """
    origin = ARRONDISSEMENT_CENTRES.get(arrondissement)
    if origin is None:
        return None
    placed = [(site, position) for site in sites if (position := site_position(site)) is not None]
    if not placed:
        return None
    return min(placed, key=lambda pair: _distance_squared(origin, pair[1]))[0]


def site_position(site: Site) -> tuple[float, float] | None:
    if site.latitude is not None and site.longitude is not None:
        return site.latitude, site.longitude
    if site.arrondissement is not None:
        return ARRONDISSEMENT_CENTRES.get(site.arrondissement)
    return None


def _distance_squared(a: tuple[float, float], b: tuple[float, float]) -> float:
    # Within one city a flat projection orders distances exactly as the great circle
    # would: shrink longitudes by the cosine of the latitude and compare.
    scale = math.cos(math.radians((a[0] + b[0]) / 2))
    return (a[0] - b[0]) ** 2 + ((a[1] - b[1]) * scale) ** 2


async def list_sites(session: AsyncSession) -> list[Site]:
    """Every site, in a stable order for the youth to choose from."""
    statement = select(Site).order_by(col(Site.name), col(Site.id))
    return list((await session.scalars(statement)).all())
