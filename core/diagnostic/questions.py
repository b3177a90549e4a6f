"""Finding the questionnaire's parts by key, and walking a domain's questions.

The walk is pure: given the answers so far and where the youth is, it says
which question comes next (or before), skipping those whose condition does not
hold. So the flow can go forward, back, skip, or resume days later from the
stored answers alone.
"""

from __future__ import annotations

from core.diagnostic.domains import DOMAINS, SAFETY
from core.diagnostic.model import Answer, Answers, Domain, Question

__all__ = [
    "DOMAINS",
    "SAFETY",
    "Answer",
    "Answers",
    "Domain",
    "Question",
    "answer",
    "domain",
    "domain_of",
    "domain_rank",
    "next_question",
    "previous_question",
    "question",
    "questions_of",
]

# Step 0 first, then the eight domains: the order results of equal priority follow.
_ALL = (SAFETY, *DOMAINS)
_DOMAINS = {item.key: item for item in _ALL}
_QUESTIONS = {q.key: q for item in _ALL for q in item.questions}
_DOMAIN_OF = {q.key: item for item in _ALL for q in item.questions}


def domain(key: str) -> Domain:
    """The domain with this key ("safety" included); KeyError if there is none."""
    return _DOMAINS[key]


def question(key: str) -> Question:
    """The question with this key; KeyError if there is none."""
    return _QUESTIONS[key]


def domain_of(question_key: str) -> Domain:
    return _DOMAIN_OF[question_key]


def domain_rank(domain_key: str) -> int:
    """0 for the safety step, then 1–8 in the order of `DOMAINS`."""
    return list(_DOMAINS).index(domain_key)


def questions_of(domain_key: str) -> tuple[Question, ...]:
    """All of a domain's questions in order, conditions not applied."""
    return domain(domain_key).questions


def answer(question_key: str, answer_key: str) -> Answer | None:
    """The answer behind a button, or None when the question or answer is unknown (stale button)."""
    found = _QUESTIONS.get(question_key)
    return found.answer(answer_key) if found is not None else None


def next_question(domain_key: str, answers: Answers, after: str | None = None) -> Question | None:
    """The question to ask after `after`, or the first one; None when the domain is done.

    Questions whose condition does not hold on `answers` are passed over.
    """
    questions = questions_of(domain_key)
    start = 0 if after is None else _position(questions, after) + 1
    return next((q for q in questions[start:] if q.applies(answers)), None)


def previous_question(domain_key: str, answers: Answers, before: str) -> Question | None:
    """The question a "Back" from `before` returns to; None at the domain's first question."""
    questions = questions_of(domain_key)
    earlier = questions[: _position(questions, before)]
    return next((q for q in reversed(earlier) if q.applies(answers)), None)


def _position(questions: tuple[Question, ...], key: str) -> int:
    for index, item in enumerate(questions):
        if item.key == key:
            return index
    raise KeyError(f"{key!r} is not a question of this domain")
