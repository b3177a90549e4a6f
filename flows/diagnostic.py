"""The self-diagnostic conversation: safety first, the domains chosen, one question at a time.

The graph is drawn in `diagnostic.mmd`. This module declares the flow, opens
and resumes a run, and routes its buttons; the screens live beside it:
`diagnostic_questions.py` (step 0, the questions, the urgent stop),
`diagnostic_domains.py` (the choice of domains), `diagnostic_results.py` and
`diagnostic_share.py` (the results, the summary sent); `diagnostic_state.py`
holds the steps and what `ctx.data` keeps. Questions, answers and rules are
data in `core.diagnostic`; the flow only walks them.

Each answer is written at once to the youth's unfinished `DiagnosticResult` (the
"run"): a youth who stops, or drops off, resumes days later exactly there.

Buttons carry the run's id and the question's key, so a button from an earlier
run or an earlier question never answers the current one.
"""

from __future__ import annotations

from core.diagnostic import answer, store
from core.i18n import When, t
from core.models import DiagnosticResult
from flows import diagnostic_results as results
from flows import diagnostic_share as share
from flows.context import Context
from flows.diagnostic_domains import show_choose, show_pick, start_domains, start_picked, toggle
from flows.diagnostic_questions import answered, backward, forward, show_question, show_step0
from flows.diagnostic_state import (
    ALL_DOMAINS,
    AT,
    CHOOSE,
    ENTRY,
    NAME,
    PICK,
    PREFIX,
    QUESTION,
    RESUME,
    RUN,
    SAFETY_STEP,
    STEP0,
    button_id,
    chosen_domains,
    forget_position,
    go_to,
    is_position,
    run_id,
)
from flows.gate import require_consent
from flows.replies import Button
from flows.routing import ButtonRoute, Command, Flow, MenuEntry, Step

MENU_LABEL = t("📝 Faire le point")
INTRO = t(
    "📝 Faisons le point ensemble\u202f: quelques questions, avec des boutons. "
    "Ça prend environ 3 minutes."
)
CONTINUE = t("▶️ Continuer où je me suis arrêté·e")
RESTART = t("🔄 Recommencer")
STOPPED = t(
    "C’est noté, je garde tes réponses. "
    "Quand tu veux, touche «\u202f📝 Faire le point\u202f» pour continuer."
)


def diagnostic_flow() -> Flow:
    return Flow(
        name=NAME,
        steps={
            ENTRY: Step(show=_show_entry),
            RESUME: Step(show=_show_resume),
            SAFETY_STEP: Step(show=show_step0),
            CHOOSE: Step(show=show_choose),
            PICK: Step(show=show_pick),
            QUESTION: Step(show=show_question),
            **results.steps(),
            **share.steps(),
        },
        commands={"diagnostic": Command(_open, t("faire le point sur ta situation"))},
        buttons={PREFIX: ButtonRoute(_on_button), **results.buttons(), **share.buttons()},
        menu=(MenuEntry("diagnostic", MENU_LABEL, 10, _open),),
    )


# -- entry and resuming -------------------------------------------------------------


async def _open(ctx: Context) -> None:
    await ctx.go(NAME, ENTRY)


async def _show_entry(ctx: Context) -> None:
    youth = await require_consent(ctx, resume=(NAME, ENTRY))
    if youth is None or youth.id is None:
        return
    run = await store.unfinished_result(ctx.session, youth.id)
    if run is not None and run.answers:
        await ctx.go(NAME, RESUME)
    elif run is not None:
        await _continue(ctx, run)
    else:
        run = await store.start_result(ctx.session, youth.id, ctx.now)
        await _begin(ctx, run)


async def _show_resume(ctx: Context) -> None:
    run = await store.unfinished_result(ctx.session, ctx.youth_id or 0)
    if run is None:
        await ctx.go(NAME, ENTRY)
        return
    ctx.reply(
        t(
            "Tu as commencé à faire le point le {date}. "
            "Tu veux continuer où tu t’es arrêté·e\u202f?",
            date=When(run.started_at, "date"),
        ),
        buttons=[
            Button(button_id("cont", run_id(run)), CONTINUE),
            Button(button_id("new", run_id(run)), RESTART),
        ],
    )


async def _begin(ctx: Context, run: DiagnosticResult) -> None:
    forget_position(ctx)
    ctx.data[RUN] = run.id
    ctx.data[AT] = STEP0.key
    ctx.preface(INTRO)
    await ctx.go(NAME, SAFETY_STEP)


async def _continue(ctx: Context, run: DiagnosticResult) -> None:
    """Back where the youth was in this run, or as near as the stored answers tell."""
    if ctx.data.get(RUN) != run.id:
        forget_position(ctx)
        ctx.data[RUN] = run.id
    at = ctx.data.get(AT)
    if STEP0.key not in run.answers:
        at = STEP0.key  # safety first, whatever the saved position says
    elif not is_position(at, chosen_domains(ctx)):
        at = CHOOSE
    await go_to(ctx, str(at))


async def _restart(ctx: Context) -> None:
    # The run left halfway stays in the history, and is never offered again.
    assert ctx.youth_id is not None
    await _begin(ctx, await store.start_result(ctx.session, ctx.youth_id, ctx.now))


# -- the buttons ----------------------------------------------------------------------


async def _on_button(ctx: Context) -> None:
    """ "dg:<action>:<run id>[:<question or domain>[:<answer>]]"."""
    action, *rest = ctx.button_args or ("",)
    run = await _tapped_run(ctx, rest[0] if rest else "")
    if run is None:
        await ctx.reject_button()
        return
    at = ctx.data.get(AT)
    match (action, *rest[1:]):
        case ("cont",):
            await _continue(ctx, run)
        case ("new",):
            await _restart(ctx)
        case ("x",):
            await ctx.show_menu(STOPPED)
        case ("all",) if at == CHOOSE:
            await start_domains(ctx, run, ALL_DOMAINS)
        case ("pick",) if at == CHOOSE:
            await go_to(ctx, PICK)
        case ("on" | "off" as switch, domain) if at == PICK and domain in ALL_DOMAINS:
            await toggle(ctx, domain, on=switch == "on")
        case ("go",) if at == PICK:
            await start_picked(ctx, run)
        case ("a", key, given) if key == at and answer(key, given) is not None:
            await answered(ctx, run, key, given)
        case ("s", key) if key == at != STEP0.key:
            await forward(ctx, run, key)
        case ("b", key) if key == at != STEP0.key:
            await backward(ctx, run, key)
        case _:
            await ctx.reject_button()


async def _tapped_run(ctx: Context, raw_id: str) -> DiagnosticResult | None:
    """The unfinished run a button names, if it is this youth's current one."""
    if ctx.youth_id is None or not raw_id.isdigit():
        return None
    run = await store.load_result(ctx.session, ctx.youth_id, int(raw_id))
    if run is None or run.completed_at is not None:
        return None
    # The resume offer is made before the run becomes the current one.
    if ctx.step != RESUME and ctx.data.get(RUN) != run.id:
        return None
    return run
