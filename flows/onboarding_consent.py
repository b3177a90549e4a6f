"""Consent to the notice, and whether the adviser may see the diagnostic summary.

Nothing about the youth is stored before "J'accepte": the age answer waits in
the conversation state (`AGE_KEY`) and becomes part of the youth row only here.
"""

from __future__ import annotations

from core.i18n import t
from core.youths import AgeGroup, register_or_reconsent
from flows.context import Context
from flows.onboarding_state import (
    AGE,
    AGE_KEY,
    NAME,
    SHARE,
    SITE,
    consented_youth,
    finish,
    forget_answers,
    known_youth,
)
from flows.replies import Button
from flows.start import ORIGIN_KEY

CONSENT_QUESTION = t(
    "✅ Es-tu d’accord pour que je garde tes informations, comme je viens de l’expliquer\u202f?"
)
CONSENT_MINOR = t(
    "Tu as 16 ou 17 ans\u202f: tu peux accepter toi-même. "
    "Si quelque chose n’est pas clair, demande à ton conseiller ou à un parent avant de répondre."
)
CONSENT_UNDO = t("Tu pourras tout effacer quand tu veux avec /supprimer.")
ACCEPT = t("✅ J’accepte")
# Also the "no" of the over-25 offer, in `onboarding.py`.
NO_THANKS = t("Non merci")
READ_AGAIN = t("📄 Relire l’information")

DECLINED = t("Pas de souci, je respecte ton choix. Je n’ai rien enregistré.")
DECLINED_LIMITS = t(
    "Sans ton accord, je ne peux pas faire le point avec toi ni réserver pour toi. "
    "Tu peux quand même taper /aide. Et si tu es en difficulté, écris-le moi\u202f: "
    "je te donnerai tout de suite les numéros qui peuvent t’aider."
)
DECLINED_PAUSED = t(
    "Ce que tu m’avais confié avant reste en pause. Pour l’effacer, tape /supprimer."
)
CHANGE_YOUR_MIND = t("Tu peux changer d’avis quand tu veux.")

SHARE_QUESTION = t(
    "👀 Quand tu fais le point avec moi, ton conseiller peut-il voir le résumé "
    "de tes réponses\u202f? Ça l’aide à préparer votre rendez-vous."
)
SHARE_YES = t("Oui, il peut le voir")
SHARE_NO = t("Non, je le garde pour moi")


async def ask_consent(ctx: Context) -> None:
    age = ctx.data.get(AGE_KEY)
    if age not in tuple(AgeGroup):
        await ctx.go(NAME, AGE)
        return
    minor = (CONSENT_MINOR,) if age == AgeGroup.MINOR else ()
    paragraphs = (CONSENT_QUESTION, *minor, CONSENT_UNDO)
    ctx.reply(
        *paragraphs,
        buttons=[
            [Button("consent:yes", ACCEPT), Button("consent:no", NO_THANKS)],
            Button("ob:notice", READ_AGAIN),
        ],
    )


async def consent_answered(ctx: Context) -> None:
    answer = ctx.button_args[0] if len(ctx.button_args) == 1 else ""
    age = ctx.data.get(AGE_KEY)
    if answer == "no":
        await _declined(ctx)
        return
    if answer != "yes" or age not in tuple(AgeGroup):
        await ctx.reject_button()
        return
    origin = ctx.data.get(ORIGIN_KEY)
    youth = await register_or_reconsent(
        ctx.session,
        user_id=ctx.event.user_id,
        display_name=ctx.event.display_name,
        username=ctx.event.username,
        locale=ctx.locale,
        age_group=AgeGroup(age),
        origin=origin if isinstance(origin, str) else None,
        # Nothing is shared until they say so, on the next question.
        share_diagnostic=False,
        now=ctx.now,
    )
    ctx.youth_id = youth.id
    ctx.data.pop(ORIGIN_KEY, None)
    ctx.data.pop(AGE_KEY, None)
    await ctx.go(NAME, SHARE)


async def _declined(ctx: Context) -> None:
    known = await known_youth(ctx)
    forget_answers(ctx)
    ctx.leave()
    paragraphs = [DECLINED, DECLINED_LIMITS]
    if known is not None:
        paragraphs.append(DECLINED_PAUSED)
    paragraphs.append(CHANGE_YOUR_MIND)
    ctx.reply(*paragraphs, buttons=[Button("ob:notice", READ_AGAIN)])


async def ask_share(ctx: Context) -> None:
    ctx.reply(
        SHARE_QUESTION,
        buttons=[Button("share:yes", SHARE_YES), Button("share:no", SHARE_NO)],
    )


async def share_answered(ctx: Context) -> None:
    answer = ctx.button_args[0] if len(ctx.button_args) == 1 else ""
    youth = await consented_youth(ctx)
    if youth is None:
        return
    if answer not in ("yes", "no"):
        await ctx.reject_button()
        return
    youth.share_diagnostic = answer == "yes"
    if youth.site_id is None:
        await ctx.go(NAME, SITE)
    else:
        await finish(ctx)
