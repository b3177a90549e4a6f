"""Sending the diagnostic's summary to the advisers, once the youth agrees.

Part of the diagnostic flow (`diagnostic.py`, drawn in `diagnostic.mmd`),
reached from the results ("dr:send:…", `diagnostic_results.py`). The
confirmation ("ds:…") is step-bound: agreeing to share is only taken from the
question just asked, about the results on screen.
"""

from __future__ import annotations

from core.diagnostic import store, summary_for_adviser
from core.i18n import t
from core.youths import load_youth
from flows.contact import USUAL_DELAY
from flows.context import Context
from flows.diagnostic_results import viewed
from flows.diagnostic_state import NAME, RESULTS, SHARE, run_id
from flows.replies import Button
from flows.routing import ButtonRoute, Step

CONFIRM_PREFIX = "ds"

SHARE_PROMPT = t(
    "Si tu es d’accord, les conseillers de ton site de la Mission Locale pourront voir "
    "ton résumé, et l’un d’eux te recontactera."
)
SHARE_QUESTION = t("Tu es d’accord pour l’envoyer\u202f?")
SHARE_YES = t("✅ Oui, envoyer")
SHARE_NO = t("Non, pas maintenant")
SENT = t(
    "📨 C’est envoyé. Les conseillers de ton site peuvent voir ton résumé, "
    "et l’un d’eux te recontactera."
)
ALREADY_SENT = t(
    "Ton résumé est déjà chez les conseillers de ton site. L’un d’eux te recontactera."
)
NOT_SENT = t("D’accord, je n’envoie rien.")


def steps() -> dict[str, Step]:
    return {SHARE: Step(show=_show_share)}


def buttons() -> dict[str, ButtonRoute]:
    return {CONFIRM_PREFIX: ButtonRoute(_on_confirm)}


async def _show_share(ctx: Context) -> None:
    run = await viewed(ctx)
    if run is None:
        await ctx.show_menu()
        return
    summary = tuple(summary_for_adviser(store.assessment_of(run)))
    rid = run_id(run)
    seen = (t("Voici ce qu’ils verront\u202f:\n{summary}", summary=summary),) if summary else ()
    ctx.reply(
        SHARE_PROMPT,
        *seen,
        SHARE_QUESTION,
        buttons=[
            Button(f"{CONFIRM_PREFIX}:yes:{rid}", SHARE_YES),
            Button(f"{CONFIRM_PREFIX}:no:{rid}", SHARE_NO),
        ],
    )


async def _on_confirm(ctx: Context) -> None:
    """ "ds:<yes|no>:<run id>", the answer to sending the summary."""
    args = ctx.button_args
    run = await viewed(ctx)
    if len(args) != 2 or run is None or args[1] != str(run.id) or ctx.step != SHARE:
        await ctx.reject_button()
        return
    if args[0] == "no":
        ctx.preface(NOT_SENT)
        await ctx.go(NAME, RESULTS)
        return
    youth = await load_youth(ctx.session, ctx.youth_id)
    if args[0] != "yes" or youth is None:
        await ctx.reject_button()
        return
    request = await store.share_with_advisers(ctx.session, youth, ctx.now)
    await ctx.show_menu(SENT if request is not None else ALREADY_SENT, USUAL_DELAY)
