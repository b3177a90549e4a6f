"""What every rule module shares: the rule's shape, its commonest form as data, checked answers.

Most rules read one question: "this answer reveals these needs, for this reason". Those
are written as `When` entries (or a `OneOf` of them when each answer of the question has
its own reason); only rules that combine answers or weigh a condition stay functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from core.diagnostic.model import Answers
from core.diagnostic.questions import question
from core.diagnostic.signals import Priority, Signal
from core.diagnostic.themes import Theme

Signals: TypeAlias = tuple[Signal, ...]
Rule: TypeAlias = Callable[[Answers], Signals]
Needs: TypeAlias = tuple[tuple[Theme, Priority], ...]

P0, P1, P2 = Priority.P0, Priority.P1, Priority.P2
NONE: Signals = ()


def gave(answers: Answers, question_key: str, *answer_keys: str) -> bool:
    """Whether the youth gave one of these answers; a skipped question gives none.

    A key the question does not offer raises, so a misspelt rule fails in its tests
    instead of silently never firing.
    """
    _check_offered(question_key, answer_keys)
    return answers.get(question_key) in answer_keys


def _check_offered(question_key: str, answer_keys: tuple[str, ...]) -> None:
    asked = question(question_key)
    unknown = [key for key in answer_keys if asked.answer(key) is None]
    if unknown:
        raise ValueError(f"{question_key} has no answer {unknown}")


@dataclass(frozen=True, slots=True)
class When:
    """A rule as data: one of these answers to the question reveals these needs, in this order.

    Each signal names the question as its source. The keys are checked when the entry is
    built, so a misspelt entry fails as soon as its module is imported.
    """

    question: str
    answers: str | tuple[str, ...]
    reason: str
    signals: Needs

    def __post_init__(self) -> None:
        _check_offered(self.question, self.answer_keys)
        if not self.signals:
            raise ValueError(f"{self.reason}: a rule reveals at least one need")

    @property
    def answer_keys(self) -> tuple[str, ...]:
        return (self.answers,) if isinstance(self.answers, str) else self.answers

    def __call__(self, answers: Answers) -> Signals:
        if answers.get(self.question) not in self.answer_keys:
            return NONE
        return tuple(
            Signal(theme, priority, self.reason, self.question) for theme, priority in self.signals
        )


@dataclass(frozen=True, slots=True, init=False)
class OneOf:
    """One rule made of several entries on the same question, each for its own answers.

    A question has one answer, so at most one entry fires; building refuses entries that
    read another question or share an answer, which would break that.
    """

    entries: tuple[When, ...]

    def __init__(self, *entries: When) -> None:
        questions = {entry.question for entry in entries}
        keys = [key for entry in entries for key in entry.answer_keys]
        if len(questions) != 1 or len(set(keys)) != len(keys):
            raise ValueError(f"{entries}: entries must read one question, each its own answers")
        object.__setattr__(self, "entries", entries)

    def __call__(self, answers: Answers) -> Signals:
        return tuple(signal for entry in self.entries for signal in entry(answers))
