"""Where a youth stands in the diagnostic: its steps, what it keeps, its run found again.

Shared by the modules of the diagnostic flow (`diagnostic.py` and its
`diagnostic_*.py` companions), so that none of them needs another just for a
step's name.

Each answer is written at once to the youth's unfinished `DiagnosticResult` (the
"run"), which is the source of truth. Where the youth is in it (the run, the
question, the domains chosen) is also kept in `ctx.data` under `diagnostic.*`,
because skipped questions and the choice of domains leave no trace in the answers.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.diagnostic import DOMAINS, SAFETY, store
from core.diagnostic.questions import questions_of
from core.models import DiagnosticResult
from flows.context import Context

NAME = "diagnostic"
PREFIX = "dg"
# Steps of the questionnaire
ENTRY = "entry"  # where the menu, the command and the consent gate lead
RESUME = "resume"
SAFETY_STEP = "safety"
CHOOSE = "choose"
PICK = "pick"
QUESTION = "question"
# Steps of the results
RESULTS = "results"
EVERYTHING = "everything"
DETAIL = "detail"
SHARE = "share"

# ctx.data keys: the run in progress, where in it, and the domains chosen.
RUN = "diagnostic.run"
AT = "diagnostic.at"  # the safety question's key, CHOOSE, PICK, or a domain question's key
DOMAINS_CHOSEN = "diagnostic.domains"
PICKED = "diagnostic.picked"  # the domains ticked so far on the PICK screen

STEP0 = SAFETY.questions[0]
ALL_DOMAINS = tuple(domain.key for domain in DOMAINS)


def button_id(*parts: str | int) -> str:
    """A questionnaire button: "dg:<action>:<run id>[:…]"."""
    return ":".join((PREFIX, *map(str, parts)))


def run_id(run: DiagnosticResult) -> int:
    """The id of a stored run, which buttons carry."""
    assert run.id is not None, "a run is flushed when it starts"
    return run.id


async def go_to(ctx: Context, at: str) -> None:
    """Move to a position of the questionnaire and show it."""
    ctx.data[AT] = at
    await ctx.go(NAME, {STEP0.key: SAFETY_STEP, CHOOSE: CHOOSE, PICK: PICK}.get(at, QUESTION))


def forget_position(ctx: Context) -> None:
    for key in (RUN, AT, DOMAINS_CHOSEN, PICKED):
        ctx.data.pop(key, None)


def is_position(at: object, plan: Sequence[str]) -> bool:
    """Whether `at` is a place in the questionnaire for the domains of `plan`."""
    if at in (STEP0.key, CHOOSE, PICK):
        return True
    return isinstance(at, str) and any(at == q.key for d in plan for q in questions_of(d))


def chosen_domains(ctx: Context) -> list[str]:
    """The domains chosen, in the questionnaire's order."""
    chosen = ctx.data.get(DOMAINS_CHOSEN)
    if not isinstance(chosen, list):
        return []
    return [key for key in ALL_DOMAINS if key in chosen]


async def run_at(ctx: Context, at: str) -> DiagnosticResult | None:
    """The run in progress, if the conversation is where `at` says."""
    stored_id = ctx.data.get(RUN)
    if ctx.youth_id is None or not isinstance(stored_id, int) or ctx.data.get(AT) != at:
        return None
    run = await store.load_result(ctx.session, ctx.youth_id, stored_id)
    return run if run is not None and run.completed_at is None else None
