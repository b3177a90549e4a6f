"""What every rule module shares: the rule's shape and a checked way to read an answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

from core.diagnostic.model import Answers
from core.diagnostic.questions import question
from core.diagnostic.signals import Priority, Signal

Signals: TypeAlias = tuple[Signal, ...]
Rule: TypeAlias = Callable[[Answers], Signals]

P0, P1, P2 = Priority.P0, Priority.P1, Priority.P2
NONE: Signals = ()


def gave(answers: Answers, question_key: str, *answer_keys: str) -> bool:
    """Whether the youth gave one of these answers; a skipped question gives none.

    A key the question does not offer raises, so a misspelt rule fails in its tests
    instead of silently never firing.
    """
    asked = question(question_key)
    unknown = [key for key in answer_keys if asked.answer(key) is None]
    if unknown:
        raise ValueError(f"{question_key} has no answer {unknown}")
    return answers.get(question_key) in answer_keys
