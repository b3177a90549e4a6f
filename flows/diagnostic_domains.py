"""The diagnostic's choice of domains: all of them, or those the youth ticks.

Part of the diagnostic flow (`diagnostic.py`, drawn in `diagnostic.mmd`). The
domains ticked so far are kept in `ctx.data` until "C’est parti"; ticking one
edits the message in place.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.diagnostic import DOMAINS
from core.diagnostic.questions import questions_of
from core.i18n import t
from core.models import DiagnosticResult
from flows.context import Context
from flows.diagnostic_questions import STOP, finish
from flows.diagnostic_state import (
    ALL_DOMAINS,
    CHOOSE,
    DOMAINS_CHOSEN,
    PICK,
    PICKED,
    button_id,
    go_to,
    run_at,
    run_id,
)
from flows.replies import Button

CHOOSE_PROMPT = t("Merci. Tu veux répondre à tout, ou choisir les thèmes qui te concernent\u202f?")
ALL = t("✅ Tout faire")
CHOOSE_MINE = t("☑️ Choisir mes thèmes")
PICK_PROMPT = t("Touche les thèmes qui te concernent, puis «\u202fC’est parti\u202f».")
PICK_NONE = t("Choisis au moins un thème.")
GO = t("🚀 C’est parti")


async def show_choose(ctx: Context) -> None:
    run = await run_at(ctx, CHOOSE)
    if run is None:
        await ctx.show_menu()
        return
    rid = run_id(run)
    ctx.reply(
        CHOOSE_PROMPT,
        buttons=[
            Button(button_id("all", rid), ALL),
            Button(button_id("pick", rid), CHOOSE_MINE),
            Button(button_id("x", rid), STOP),
        ],
    )


async def show_pick(ctx: Context, *, edit: bool = False) -> None:
    run = await run_at(ctx, PICK)
    if run is None:
        await ctx.show_menu()
        return
    rid = run_id(run)
    picked = set(ctx.data.get(PICKED, []))
    toggles = []
    for domain in DOMAINS:
        # TRANSLATORS: layout only, a domain's emoji and its name on a button.
        label = t("{emoji} {domain}", emoji=domain.emoji, domain=domain.title)
        if domain.key in picked:
            toggles.append(Button(button_id("off", rid, domain.key), t("✓ {label}", label=label)))
        else:
            toggles.append(Button(button_id("on", rid, domain.key), label))
    rows = [toggles[i : i + 2] for i in range(0, len(toggles), 2)]
    ctx.reply(
        PICK_PROMPT,
        buttons=[*rows, Button(button_id("go", rid), GO), Button(button_id("x", rid), STOP)],
        edit=edit,
    )


async def toggle(ctx: Context, domain: str, *, on: bool) -> None:
    picked = [key for key in ctx.data.get(PICKED, []) if key != domain]
    ctx.data[PICKED] = [*picked, domain] if on else picked
    await show_pick(ctx, edit=True)


async def start_picked(ctx: Context, run: DiagnosticResult) -> None:
    """The questions of the domains ticked, if there is at least one."""
    picked = [key for key in ALL_DOMAINS if key in ctx.data.get(PICKED, [])]
    if not picked:
        ctx.preface(PICK_NONE)
        await show_pick(ctx)
        return
    await start_domains(ctx, run, picked)


async def start_domains(ctx: Context, run: DiagnosticResult, domains: Sequence[str]) -> None:
    ctx.data[DOMAINS_CHOSEN] = list(domains)
    ctx.data.pop(PICKED, None)
    # Coming back to the choice later must not ask again what is already answered.
    unanswered = (
        q
        for d in domains
        for q in questions_of(d)
        if q.applies(run.answers) and q.key not in run.answers
    )
    first = next(unanswered, None)
    if first is None:
        await finish(ctx, run)
    else:
        await go_to(ctx, first.key)
