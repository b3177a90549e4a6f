"""The privacy notice, the age check, consent and the choice of a site.

The graph is drawn in `onboarding.mmd`. Nothing about the youth is stored
before "J'accepte": the age answer waits in the conversation state until then,
and an under-16 leaves no trace at all. `flows.gate.require_consent` sends
youths here, and the last step sends them back where they were going.

This module declares the flow and holds its first steps (notice, age, over 25);
consent and sharing are in `onboarding_consent.py`, the site in
`onboarding_site.py`, and what they share in `onboarding_state.py`.
"""

from __future__ import annotations

from core.i18n import Text, t
from core.safety.helplines import helpline_line, load_helplines
from core.youths import AgeGroup, has_current_consent, load_youth, touch
from flows.context import Context
from flows.onboarding_consent import (
    NO_THANKS,
    ask_consent,
    ask_share,
    consent_answered,
    share_answered,
)
from flows.onboarding_site import (
    arrondissement_tapped,
    arrondissement_typed,
    ask_arrondissement,
    ask_site,
    propose_nearest,
    site_chosen,
)
from flows.onboarding_state import (
    AGE,
    AGE_KEY,
    ARRONDISSEMENT,
    CONSENT,
    NAME,
    NEAREST,
    NOTICE,
    OVER_25,
    SHARE,
    SITE,
    forget_answers,
    known_youth,
)
from flows.replies import Button
from flows.routing import Audience, ButtonRoute, Flow, MenuEntry, Step

UNDER_16 = "under-16"
_AGE_ANSWERS = (UNDER_16, *AgeGroup)

NOTICE_CHANGED = t("🔄 L’information sur tes données a changé. Lis-la et redonne ton accord.")
NOTICE_INTRO = t("📋 Avant de commencer, voici ce que je fais de tes données.")
NOTICE_WHAT = t(
    "🤖 Je t’aide à faire le point sur ta situation, à trouver des solutions "
    "et à réserver des ateliers ou des rendez-vous à la Mission Locale."
)
NOTICE_STORED = t(
    "🗂️ Je garde ta langue, ton site, tes réponses quand tu fais le point, "
    "tes réservations et tes messages aux conseillers. "
    "C’est pour te proposer les bonnes solutions et te rappeler tes rendez-vous."
)
NOTICE_WHO = t(
    "👀 Qui le voit\u202f? Les conseillers de ta Mission Locale. "
    "Et seulement ce que tu acceptes de partager."
)
NOTICE_HOW_LONG = t(
    "⏳ Combien de temps\u202f? Tes réservations\u202f: 2 ans. "
    "Les traces des messages que je t’envoie\u202f: anonymes après 6 mois. "
    "Si tu ne reviens pas pendant 24 mois, j’efface ton compte."
)
NOTICE_RIGHTS = t("🔒 Tu peux tout voir avec /mesdonnees et tout effacer avec /supprimer.")

AGE_QUESTION = t("🎂 Quel âge as-tu\u202f?")
AGE_WHY = t("Je te le demande avant d’enregistrer quoi que ce soit.")
AGE_LABELS: dict[str, Text] = {
    UNDER_16: t("Moins de 16 ans"),
    AgeGroup.MINOR: t("16 ou 17 ans"),
    AgeGroup.ADULT: t("18 à 25 ans"),
    AgeGroup.OVER_25: t("Plus de 25 ans"),
}

TOO_YOUNG_THANKS = t("Merci de me l’avoir dit. 🙏")
TOO_YOUNG = t(
    "Je suis fait pour les jeunes de 16 à 25 ans, alors je ne peux pas aller plus loin avec toi. "
    "Parles-en à un adulte de confiance ou à un conseiller de Mission Locale\u202f: "
    "ils peuvent t’aider."
)
NOTHING_KEPT = t("Je n’ai rien enregistré sur toi.")
WRONG_AGE = t("↩️ Je me suis trompé·e d’âge")

OVER_25_LIMIT = t("Les Missions Locales accompagnent les jeunes jusqu’à 25 ans.")
OVER_25_SERVICES = t(
    "À ton âge, d’autres services sont là pour toi\u202f:\n"
    "• le service social de ta ville. À Paris\u202f: le CASVP (le centre d’action sociale "
    "de la Ville) et les PSA (ses permanences pour les personnes sans domicile stable). "
    "Ils t’aident par exemple à demander le RSA, le revenu de solidarité active, "
    "possible à partir de 25 ans\u202f;\n"
    "• France Travail, pour trouver un emploi ou une formation."
)
OVER_25_OFFER = t("Tu peux quand même continuer, juste pour t’informer.")
OVER_25_CONTINUE = t("Continuer pour m’informer")
BEGIN = t("👋 Commencer")
GOODBYE = t("D’accord. Je n’ai rien enregistré. Si tu changes d’avis, tape /start. 👋")


def onboarding_flow() -> Flow:
    return Flow(
        name=NAME,
        steps={
            NOTICE: Step(show=_show_notice),
            AGE: Step(show=_ask_age),
            OVER_25: Step(show=_show_over_25),
            CONSENT: Step(show=ask_consent),
            SHARE: Step(show=ask_share),
            SITE: Step(show=ask_site),
            ARRONDISSEMENT: Step(show=ask_arrondissement, on_text=arrondissement_typed),
            NEAREST: Step(show=propose_nearest),
        },
        buttons={
            "age": ButtonRoute(_age_chosen),
            "consent": ButtonRoute(consent_answered),
            "share": ButtonRoute(share_answered),
            "site": ButtonRoute(site_chosen),
            "arr": ButtonRoute(arrondissement_tapped),
            "ob": ButtonRoute(_onboarding_button),
        },
        menu=(MenuEntry("begin", BEGIN, 5, _begin, Audience.NEWCOMER),),
        interceptors=[_note_activity],
    )


async def _note_activity(ctx: Context) -> bool:
    """Keep `last_seen_at` current, so only truly inactive accounts are erased."""
    if ctx.youth_id is not None:
        await touch(ctx.session, ctx.youth_id, ctx.now)
    return False


async def _begin(ctx: Context) -> None:
    # A menu kept from before consent stays tappable afterwards: no need to read it twice.
    if has_current_consent(await load_youth(ctx.session, ctx.youth_id)):
        await ctx.show_menu()
    else:
        await ctx.go(NAME, NOTICE)


async def _show_notice(ctx: Context) -> None:
    forget_answers(ctx)
    known = await known_youth(ctx)
    if known is not None and known.consent_version is not None:
        ctx.preface(NOTICE_CHANGED)
    ctx.reply(NOTICE_INTRO, NOTICE_WHAT, NOTICE_STORED)
    ctx.reply(NOTICE_WHO, NOTICE_HOW_LONG, NOTICE_RIGHTS)
    await ctx.go(NAME, AGE)


async def _ask_age(ctx: Context) -> None:
    buttons = [Button(f"age:{answer}", AGE_LABELS[answer]) for answer in _AGE_ANSWERS]
    ctx.reply(AGE_QUESTION, AGE_WHY, buttons=[buttons[:2], buttons[2:]])


async def _age_chosen(ctx: Context) -> None:
    answer = ctx.button_args[0] if len(ctx.button_args) == 1 else ""
    if answer == UNDER_16:
        await _too_young(ctx)
    elif answer in (AgeGroup.MINOR, AgeGroup.ADULT):
        ctx.data[AGE_KEY] = answer
        await ctx.go(NAME, CONSENT)
    elif answer == AgeGroup.OVER_25:
        ctx.data[AGE_KEY] = answer
        await ctx.go(NAME, OVER_25)
    else:
        await ctx.reject_button()


async def _too_young(ctx: Context) -> None:
    # Nothing of theirs may stay, not even where they came from or were going.
    ctx.data.clear()
    ctx.leave()
    helplines = load_helplines()
    lines = tuple(helpline_line(helplines[key]) for key in ("119", "fil-sante-jeunes"))
    ctx.reply(
        TOO_YOUNG_THANKS,
        TOO_YOUNG,
        t("Si tu as besoin de parler, ou si tu es en danger\u202f:\n{lines}", lines=lines),
        NOTHING_KEPT,
        buttons=[Button("ob:age", WRONG_AGE)],
    )


async def _show_over_25(ctx: Context) -> None:
    ctx.reply(
        OVER_25_LIMIT,
        OVER_25_SERVICES,
        OVER_25_OFFER,
        buttons=[Button("ob:info", OVER_25_CONTINUE), Button("ob:bye", NO_THANKS)],
    )


async def _onboarding_button(ctx: Context) -> None:
    action = ctx.button_args[0] if len(ctx.button_args) == 1 else ""
    if action == "notice":
        await ctx.go(NAME, NOTICE)
    elif action == "age":
        await ctx.go(NAME, AGE)
    elif action == "info":
        await ctx.go(NAME, CONSENT)
    elif action == "bye":
        forget_answers(ctx)
        ctx.leave()
        ctx.say(GOODBYE)
    else:
        await ctx.reject_button()
