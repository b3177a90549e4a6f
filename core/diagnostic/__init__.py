"""The self-diagnostic of DESIGN.md §4: questions as data, rules as data plus small pure functions.

- `questions`: the safety step and the eight domains, and how to walk them;
- `rules`: from answers to `Signal`s (a need as a data·inclusion `Theme`, a `Priority`);
- `orientations`: from signals to next steps (book, contact the adviser, helpline, info);
- `results`: `assess(answers)`, the adviser's summary, and the stored record.

Nothing here does I/O or knows about conversations; the diagnostic flow asks the
questions and stores `DiagnosticResult`.
"""

from core.diagnostic.model import Answer, Answers, Domain, Question
from core.diagnostic.orientations import (
    Action,
    BookAction,
    ContactAdviserAction,
    HelplineAction,
    InfoAction,
    Orientation,
)
from core.diagnostic.questions import (
    DOMAINS,
    SAFETY,
    answer,
    domain,
    next_question,
    previous_question,
    question,
    questions_of,
)
from core.diagnostic.results import (
    Assessment,
    assess,
    from_record,
    summary_for_adviser,
    to_record,
)
from core.diagnostic.rules import signals_for, urgent_situations
from core.diagnostic.signals import Priority, Signal
from core.diagnostic.themes import Theme

__all__ = [
    "DOMAINS",
    "SAFETY",
    "Action",
    "Answer",
    "Answers",
    "Assessment",
    "BookAction",
    "ContactAdviserAction",
    "Domain",
    "HelplineAction",
    "InfoAction",
    "Orientation",
    "Priority",
    "Question",
    "Signal",
    "Theme",
    "answer",
    "assess",
    "domain",
    "from_record",
    "next_question",
    "previous_question",
    "question",
    "questions_of",
    "signals_for",
    "summary_for_adviser",
    "to_record",
    "urgent_situations",
]
