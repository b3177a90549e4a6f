"""Tests of the self-diagnostic model; helpers shared by the rule tests below."""

from __future__ import annotations

from core.diagnostic import assess, question
from core.diagnostic.model import Answers


def other_answers(question_key: str, *excluded: str) -> list[str]:
    """Every answer of a question but these: the cases where a rule must stay silent."""
    keys = [answer.key for answer in question(question_key).answers]
    assert set(excluded) <= set(keys), f"{excluded} are not all answers of {question_key}"
    return [key for key in keys if key not in excluded]


def steps(answers: Answers) -> list[str]:
    """The keys of the next steps the answers lead to, in the order shown."""
    return [item.key for item in assess(answers).orientations]
