"""The diagnostic's questions, one at a time: step 0, then those of the domains chosen.

Part of the diagnostic flow (`diagnostic.py`, drawn in `diagnostic.mmd`).
Questions, answers and rules are data in `core.diagnostic`; this module only
walks them: an answer is saved on the run at once, "Passer" and "Retour" move
along the questions that apply, and an urgent answer stops everything for the
helplines.
"""

from __future__ import annotations

from core.diagnostic import Question, question, store, urgent_situations
from core.diagnostic.domains import health
from core.diagnostic.questions import domain_of, next_question, previous_question, questions_of
from core.i18n import t
from core.models import DiagnosticResult
from core.safety.situations import Situation
from flows import diagnostic_results as results
from flows.context import Context
from flows.diagnostic_state import (
    AT,
    CHOOSE,
    STEP0,
    button_id,
    chosen_domains,
    forget_position,
    go_to,
    is_position,
    run_at,
    run_id,
)
from flows.replies import Button
from flows.safety import show_urgent

# Answers short enough to sit side by side (the five faces).
_ONE_ROW = frozenset({health.MOOD})

SKIP = t("⏭️ Passer")
BACK = t("⬅️ Retour")
STOP = t("⏸️ Stop, je continue plus tard")


# -- the screens -----------------------------------------------------------------------


async def show_step0(ctx: Context) -> None:
    run = await run_at(ctx, STEP0.key)
    if run is None:
        await ctx.show_menu()
        return
    ctx.reply(
        STEP0.prompt,
        buttons=[*_answer_rows(run, STEP0), Button(button_id("x", run_id(run)), STOP)],
    )


async def show_question(ctx: Context) -> None:
    at = ctx.data.get(AT)
    run = await run_at(ctx, at if isinstance(at, str) else "")
    if run is None or not isinstance(at, str) or not is_position(at, chosen_domains(ctx)):
        await ctx.show_menu()
        return
    asked = question(at)
    domain = domain_of(at)
    # Counted among the questions that apply now: the follow-ups come and go with answers.
    applying = [q.key for q in domain.questions if q.applies(run.answers) or q.key == at]
    rid = run_id(run)
    ctx.reply(
        # TRANSLATORS: the progress above a question, "🏠 Logement · 2/3".
        t(
            "{emoji} {domain} · {position}/{total}",
            emoji=domain.emoji,
            domain=domain.title,
            position=applying.index(at) + 1,
            total=len(applying),
        ),
        asked.prompt,
        buttons=[
            *_answer_rows(run, asked),
            [Button(button_id("s", rid, at), SKIP), Button(button_id("b", rid, at), BACK)],
            Button(button_id("x", rid), STOP),
        ],
    )


def _answer_rows(run: DiagnosticResult, asked: Question) -> list[list[Button]]:
    """One answer a row, the given one ticked (after "Back"); the faces share one row."""
    given = run.answers.get(asked.key)
    buttons = [
        Button(
            button_id("a", run_id(run), asked.key, item.key),
            t("✓ {label}", label=item.label) if item.key == given else item.label,
        )
        for item in asked.answers
    ]
    return [buttons] if asked.key in _ONE_ROW else [[button] for button in buttons]


# -- moving along ----------------------------------------------------------------------


async def answered(ctx: Context, run: DiagnosticResult, key: str, given: str) -> None:
    store.record_answer(run, key, given)
    situations = urgent_situations(run.answers)
    if situations:
        await _stop_urgently(ctx, run, situations)
    else:
        await forward(ctx, run, key)


async def forward(ctx: Context, run: DiagnosticResult, key: str) -> None:
    """The question after `key` that applies, in the domains chosen; the results after the last."""
    if key == STEP0.key:
        await go_to(ctx, CHOOSE)
        return
    plan = chosen_domains(ctx)
    domain = domain_of(key).key
    following = next_question(domain, run.answers, after=key)
    for later in plan[plan.index(domain) + 1 :] if following is None else ():
        following = next_question(later, run.answers)
        if following is not None:
            break
    if following is None:
        await finish(ctx, run)
    else:
        await go_to(ctx, following.key)


async def backward(ctx: Context, run: DiagnosticResult, key: str) -> None:
    """The question before `key` that applies; the choice of domains before the first."""
    plan = chosen_domains(ctx)
    domain = domain_of(key).key
    earlier = previous_question(domain, run.answers, before=key)
    for before in reversed(plan[: plan.index(domain)]) if earlier is None else ():
        applicable = [q for q in questions_of(before) if q.applies(run.answers)]
        if applicable:
            earlier = applicable[-1]
            break
    await go_to(ctx, CHOOSE if earlier is None else earlier.key)


# -- the end ---------------------------------------------------------------------------


async def finish(ctx: Context, run: DiagnosticResult) -> None:
    store.complete(run, ctx.now)
    forget_position(ctx)
    await results.show_results(ctx, run)


async def _stop_urgently(
    ctx: Context, run: DiagnosticResult, situations: frozenset[Situation]
) -> None:
    """An urgent answer ends the questionnaire: helplines (or food) at once, nothing more asked."""
    store.complete(run, ctx.now)
    forget_position(ctx)
    ctx.leave()
    await show_urgent(ctx, situations)
