"""The shapes of the questionnaire: domains, button questions, answers.

Keys are stable: they are stored in `DiagnosticResult.answers` and carried in
button ids, so a key never changes meaning once released. A key is at most
`MAX_KEY_LENGTH` characters of `[a-z0-9_.]`, which keeps a button id such as
"dg:a:housing.sleep:family_friends" well under Telegram's 64 bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeAlias

from core.i18n import Text

MAX_KEY_LENGTH = 24
KEY_PATTERN = re.compile(r"[a-z0-9_.]+")

Answers: TypeAlias = Mapping[str, str]
"""Question key → answer key; a skipped question is simply absent."""

Condition: TypeAlias = Callable[[Answers], bool]
"""Whether a question is worth asking, given the answers so far."""


def check_key(key: str) -> str:
    if len(key) > MAX_KEY_LENGTH or not KEY_PATTERN.fullmatch(key):
        raise ValueError(f"key {key!r} must be 1–{MAX_KEY_LENGTH} characters of [a-z0-9_.]")
    return key


@dataclass(frozen=True, slots=True)
class Answer:
    """One button: a stable key and a short label (it must fit on a phone's button)."""

    key: str
    label: Text

    def __post_init__(self) -> None:
        check_key(self.key)


@dataclass(frozen=True, slots=True)
class Question:
    """A question answered with one button; `ask_if` decides whether to ask it at all."""

    key: str
    prompt: Text
    answers: tuple[Answer, ...]
    ask_if: Condition | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        check_key(self.key)
        keys = [answer.key for answer in self.answers]
        if len(keys) < 2 or len(set(keys)) != len(keys):
            raise ValueError(f"{self.key}: a question needs two or more distinct answers")

    def applies(self, answers: Answers) -> bool:
        return self.ask_if is None or self.ask_if(answers)

    def answer(self, key: str) -> Answer | None:
        """The answer with this key, or None for a stale or forged button."""
        return next((answer for answer in self.answers if answer.key == key), None)


@dataclass(frozen=True, slots=True)
class Domain:
    """A part of the diagnostic a youth can choose to go through, with its questions in order."""

    key: str
    emoji: str
    title: Text
    questions: tuple[Question, ...]

    def __post_init__(self) -> None:
        check_key(self.key)
        for question in self.questions:
            if not question.key.startswith(f"{self.key}."):
                raise ValueError(f"{question.key} must start with its domain key {self.key!r}")


def answer_is(answers: Answers, question_key: str, *answer_keys: str) -> bool:
    """Whether the youth gave one of these answers (a skipped question gives none)."""
    return answers.get(question_key) in answer_keys


def not_answered_as(question_key: str, *answer_keys: str) -> Condition:
    """A condition: ask unless the earlier question got one of these answers (or ask if skipped)."""
    return lambda answers: not answer_is(answers, question_key, *answer_keys)


def answered_as(question_key: str, *answer_keys: str) -> Condition:
    """A condition: ask only after one of these answers (a skipped question does not qualify)."""
    return lambda answers: answer_is(answers, question_key, *answer_keys)
