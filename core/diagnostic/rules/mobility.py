"""Mobility and language: travel costs, the driving licence, reading French."""

from __future__ import annotations

from core.diagnostic.domains import mobility
from core.diagnostic.rules.common import P2, Rule, When
from core.diagnostic.themes import Theme

no_travel_pass = When(
    mobility.TRANSPORT,
    (mobility.LICENCE, mobility.NEITHER),
    "no_travel_pass",
    ((Theme.MOBILITY_COSTS, P2),),
)
# With a pass, the licence is a plan for later; with neither, it may open jobs.
no_way_to_travel = When(
    mobility.TRANSPORT, mobility.NEITHER, "no_driving_licence", ((Theme.DRIVING_LICENCE, P2),)
)
ill_at_ease_reading_french = When(
    mobility.FRENCH, ("a_bit", "no"), "ill_at_ease_in_french", ((Theme.FRENCH, P2),)
)

RULES: tuple[Rule, ...] = (
    no_travel_pass,
    no_way_to_travel,
    ill_at_ease_reading_french,
)
