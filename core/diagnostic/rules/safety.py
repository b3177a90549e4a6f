"""Step 0: the urgent situations, each P0."""

from __future__ import annotations

from core.diagnostic.domains import safety as step0
from core.diagnostic.rules.common import P0, Rule, When
from core.diagnostic.themes import Theme
from core.safety.situations import Situation

no_shelter_tonight = When(
    step0.TODAY, Situation.NO_SHELTER, "no_shelter_tonight", ((Theme.HOMELESS, P0),)
)
# Urgent, but its route is food: eat today, the next Linkee pickup, the FAJP.
no_food_today = When(
    step0.TODAY,
    Situation.NO_FOOD,
    "no_food_today",
    ((Theme.FOOD, P0), (Theme.FOOD_AID, P0), (Theme.FINANCIAL_AID, P0)),
)
in_danger = When(step0.TODAY, Situation.DANGER, "in_danger", ((Theme.VICTIM_SUPPORT, P0),))
wants_to_die = When(
    step0.TODAY, Situation.SUICIDAL, "suicidal_thoughts", ((Theme.MENTAL_HEALTH, P0),)
)

RULES: tuple[Rule, ...] = (
    no_shelter_tonight,
    no_food_today,
    in_danger,
    wants_to_die,
)
