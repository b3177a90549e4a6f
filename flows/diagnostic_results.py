"""The diagnostic's results: at most three next steps, everything on request, each one opened.

Part of the diagnostic flow (`diagnostic.py`, drawn in `diagnostic.mmd`); sending
the summary is in `diagnostic_share.py`. What is shown comes from the completed
`DiagnosticResult` as it was assessed then, so a results message tapped days
later still means what it said.

Results buttons ("dr:…") are standalone: a youth scrolls back to their results
and taps one long after; the handler finds the run again in the database and
checks it is theirs.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.diagnostic import (
    BookAction,
    ContactAdviserAction,
    HelplineAction,
    InfoAction,
    Orientation,
    store,
)
from core.i18n import Text, t
from core.models import DiagnosticResult
from core.safety.helplines import helpline_line, load_helplines
from core.youths import has_current_consent, load_youth
from flows.booking import open_booking
from flows.contact import start_contact
from flows.context import Context
from flows.diagnostic_state import DETAIL, EVERYTHING, NAME, RESULTS, SHARE, run_id
from flows.gate import require_consent
from flows.replies import Button
from flows.routing import ButtonRoute, Step

PREFIX = "dr"

# ctx.data keys: the completed run whose results are on screen, and the step opened.
VIEWING = "diagnostic.viewing"
OPENED = "diagnostic.opened"

FINISHED = t("✅ Merci, c’est fini\u202f!")
TOP_INTRO = t("Voici ce que je te conseille, en commençant par le plus important\u202f:")
ALL_INTRO = t("Tout ce que je te conseille\u202f:")
TAP_A_STEP = t("Touche un bouton pour passer à l’étape suivante.")
NOTHING_FOUND = t(
    "D’après tes réponses, je n’ai rien de particulier à te proposer pour l’instant. "
    "Ton conseiller reste là si tu as une question."
)
SEE_ALL = t("📋 Voir tout")
BACK_TO_TOP = t("⬅️ Retour à mes conseils")
SEND = t("📨 Envoyer mon résumé à mon conseiller")
ASK_ADVISER = t("💬 Demander à mon conseiller")

_ACTION_EMOJI: Mapping[type, str] = {
    BookAction: "📅",
    ContactAdviserAction: "💬",
    HelplineAction: "📞",
    InfoAction: "ℹ️",
}


def steps() -> dict[str, Step]:
    return {
        RESULTS: Step(show=_show_results),
        EVERYTHING: Step(show=_show_everything),
        DETAIL: Step(show=_show_detail),
    }


def buttons() -> dict[str, ButtonRoute]:
    return {PREFIX: ButtonRoute(_on_button, standalone=True)}


async def show_results(ctx: Context, run: DiagnosticResult) -> None:
    """The results of a run just completed."""
    ctx.data[VIEWING] = run.id
    ctx.preface(FINISHED)
    await ctx.go(NAME, RESULTS)


def _id(*parts: str | int) -> str:
    return ":".join(map(str, parts))


# -- the screens -----------------------------------------------------------------------


async def _show_results(ctx: Context) -> None:
    run = await viewed(ctx)
    if run is None:
        await ctx.show_menu()
        return
    assessment = store.assessment_of(run)
    rid = run_id(run)
    if not assessment.orientations:
        ctx.reply(NOTHING_FOUND, buttons=[Button(_id(PREFIX, "send", rid), SEND)])
        return
    more = len(assessment.orientations) > len(assessment.top)
    ctx.reply(
        TOP_INTRO,
        *_listed(assessment.top),
        TAP_A_STEP,
        buttons=[
            *_step_buttons(rid, assessment.top),
            *([Button(_id(PREFIX, "all", rid), SEE_ALL)] if more else []),
            Button(_id(PREFIX, "send", rid), SEND),
        ],
    )


async def _show_everything(ctx: Context) -> None:
    run = await viewed(ctx)
    if run is None:
        await ctx.show_menu()
        return
    everything = store.assessment_of(run).orientations
    rid = run_id(run)
    ctx.reply(
        ALL_INTRO,
        *_listed(everything),
        buttons=[
            *_step_buttons(rid, everything),
            Button(_id(PREFIX, "top", rid), BACK_TO_TOP),
            Button(_id(PREFIX, "send", rid), SEND),
        ],
    )


def _listed(items: tuple[Orientation, ...]) -> list[Text]:
    return [
        # TRANSLATORS: layout only, a numbered next step and its explanation.
        t("<b>{position}. {title}</b>\n{detail}", position=n, title=o.title, detail=o.detail)
        for n, o in enumerate(items, 1)
    ]


def _step_buttons(rid: int, items: tuple[Orientation, ...]) -> list[Button]:
    return [
        Button(
            _id(PREFIX, "go", rid, item.key),
            t("{emoji} {title}", emoji=_ACTION_EMOJI[type(item.action)], title=item.title),
        )
        for item in items
    ]


async def _show_detail(ctx: Context) -> None:
    run = await viewed(ctx)
    item = _orientation(run, ctx.data.get(OPENED)) if run is not None else None
    if run is None or item is None:
        await ctx.show_menu()
        return
    rid = run_id(run)
    back = Button(_id(PREFIX, "top", rid), BACK_TO_TOP)
    action = item.action
    title = t("<b>{title}</b>", title=item.title)
    if isinstance(action, BookAction):
        ctx.preface(title, item.detail)
        await open_booking(ctx, action.kind, topic=action.topic, partner_code=action.partner_code)
    elif isinstance(action, HelplineAction):
        line = helpline_line(load_helplines()[action.helpline_id])
        ctx.reply(title, line, item.detail, buttons=[back])
    elif isinstance(action, ContactAdviserAction):
        ask = Button(_id(PREFIX, "ask", rid, item.key), ASK_ADVISER)
        ctx.reply(title, item.detail, buttons=[ask, back])
    else:
        ctx.reply(title, item.detail, buttons=[back])


async def viewed(ctx: Context) -> DiagnosticResult | None:
    """The completed run whose results are on screen."""
    stored_id = ctx.data.get(VIEWING)
    if ctx.youth_id is None or not isinstance(stored_id, int):
        return None
    run = await store.load_result(ctx.session, ctx.youth_id, stored_id)
    return run if run is not None and run.completed_at is not None else None


def _orientation(run: DiagnosticResult, key: object) -> Orientation | None:
    items = store.assessment_of(run).orientations
    return next((item for item in items if item.key == key), None)


# -- the buttons ----------------------------------------------------------------------


async def _on_button(ctx: Context) -> None:
    """ "dr:<go|ask|all|top|send>:<run id>[:<orientation key>]", from any old results message."""
    action, *rest = ctx.button_args or ("",)
    run = await _tapped(ctx, rest[0] if rest else "")
    if run is None:
        await ctx.reject_button()
        return
    ctx.data[VIEWING] = run.id
    if not await _still_consented(ctx):
        return
    item = _orientation(run, rest[1]) if len(rest) == 2 else None
    if action == "go" and item is not None:
        await _open_step(ctx, item)
    elif action == "ask" and item is not None:
        await _ask_adviser(ctx, item)
    elif action in ("all", "top", "send") and len(rest) == 1:
        await ctx.go(NAME, {"all": EVERYTHING, "top": RESULTS, "send": SHARE}[action])
    else:
        await ctx.reject_button()


async def _tapped(ctx: Context, raw_id: str) -> DiagnosticResult | None:
    """The completed run a button names, if it is this youth's."""
    if ctx.youth_id is None or not raw_id.isdigit():
        return None
    run = await store.load_result(ctx.session, ctx.youth_id, int(raw_id))
    return run if run is not None and run.completed_at is not None else None


async def _still_consented(ctx: Context) -> bool:
    """A notice changed since: consent again first, then land back on these results."""
    if has_current_consent(await load_youth(ctx.session, ctx.youth_id)):
        return True
    await require_consent(ctx, resume=(NAME, RESULTS))
    return False


async def _open_step(ctx: Context, item: Orientation) -> None:
    if isinstance(item.action, ContactAdviserAction):
        await _ask_adviser(ctx, item)
        return
    ctx.data[OPENED] = item.key
    await ctx.go(NAME, DETAIL)


async def _ask_adviser(ctx: Context, item: Orientation) -> None:
    # The contact flow names only its own topics: say which step this is about.
    ctx.preface(t("Sujet\u202f: {topic}", topic=item.title))
    action = item.action
    if isinstance(action, ContactAdviserAction):
        await start_contact(ctx, action.topic, urgent=action.urgent)
    else:
        # A step to book or to know about: the adviser sees which one was recommended.
        await start_contact(ctx, item.key)
