"""What the rules find: a need (theme), how soon it matters, and which answer revealed it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.diagnostic.themes import Theme


class Priority(StrEnum):
    """How soon a need should be acted on; the values sort from most to least urgent."""

    P0 = "P0"  # urgent: today, the questionnaire stops
    P1 = "P1"  # this week
    P2 = "P2"  # to discuss with the adviser


@dataclass(frozen=True, slots=True)
class Signal:
    """A need the answers reveal.

    `reason` is a stable key for what was found ("sleeps_rough", "no_bank_account"):
    advisers read it, and together with the theme it picks the next step.
    `source_question` is the key of the question whose answer revealed it.
    """

    theme: Theme
    priority: Priority
    reason: str
    source_question: str
