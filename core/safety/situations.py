"""The urgent situations the bot checks for before anything else (DESIGN.md §4, step 0)."""

from enum import StrEnum


class Situation(StrEnum):
    """An answer to the step-0 question, or what a message revealed."""

    NO_SHELTER = "no_shelter"  # nowhere to sleep tonight
    NO_FOOD = "no_food"  # nothing to eat today
    DANGER = "danger"  # in danger, someone hurts me
    SUICIDAL = "suicidal"  # wants to die or to self-harm


# Nothing to eat today is urgent, but its route is food (restaurants, Linkee, FAJP),
# not a helpline; the others stop everything and show helplines at once.
HELPLINE_SITUATIONS = frozenset({Situation.NO_SHELTER, Situation.DANGER, Situation.SUICIDAL})
