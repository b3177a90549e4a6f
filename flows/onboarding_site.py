"""The choice of the Mission Locale site, directly or from the arrondissement.

The arrondissement only finds the nearest site: it waits in the conversation
state (`ARRONDISSEMENT_KEY`) and is never stored on the youth row.
"""

from __future__ import annotations

from core.i18n import Text, t
from core.models import Site
from core.sites import list_sites, nearest_site, parse_arrondissement
from core.youths import set_site
from flows.context import Context
from flows.onboarding_state import (
    ARRONDISSEMENT,
    ARRONDISSEMENT_KEY,
    NAME,
    NEAREST,
    SITE,
    consented_youth,
    finish,
)
from flows.replies import Button

SITE_QUESTION = t(
    "📍 Quel site de la Mission Locale te suit\u202f? "
    "Si tu n’en as pas encore, choisis le plus proche de chez toi."
)
DONT_KNOW = t("🤷 Je ne sais pas")
ARRONDISSEMENT_QUESTION = t(
    "Dans quel arrondissement de Paris habites-tu\u202f? "
    "Touche son numéro, ou écris-le (par exemple 75011)."
)
ARRONDISSEMENT_NOT_KEPT = t(
    "Je ne garde pas cette réponse\u202f: elle sert juste à trouver le site."
)
NOT_AN_ARRONDISSEMENT = t(
    "Je n’ai pas reconnu d’arrondissement de Paris. "
    "Écris un numéro de 1 à 20, ou un code postal de 75001 à 75020."
)
BACK_TO_LIST = t("↩️ Revenir à la liste")
NO_SITE_NEARBY = t("Je n’ai pas trouvé de site proche. Choisis dans la liste.")
IS_IT_OK = t("Ça te va\u202f?")
YES = t("✅ Oui")
ANOTHER_SITE = t("Choisir un autre")


async def ask_site(ctx: Context) -> None:
    sites = await list_sites(ctx.session)
    if not sites:
        # Nothing to choose from yet: advisers will place them.
        await finish(ctx)
        return
    rows = [Button(f"site:{site.id}", site.name) for site in sites]
    ctx.reply(SITE_QUESTION, buttons=[*rows, Button("site:unknown", DONT_KNOW)])


async def site_chosen(ctx: Context) -> None:
    choice = ctx.button_args[0] if len(ctx.button_args) == 1 else ""
    if choice == "unknown":
        await ctx.go(NAME, ARRONDISSEMENT)
        return
    if choice == "list":
        await ctx.go(NAME, SITE)
        return
    youth = await consented_youth(ctx)
    if youth is None:
        return
    site_id = _number(choice)
    site = await set_site(ctx.session, youth, site_id) if site_id is not None else None
    if site is None:
        await ctx.reject_button()
        return
    ctx.preface(t("📍 C’est noté\u202f: {site}.", site=site.name))
    await finish(ctx)


async def ask_arrondissement(ctx: Context) -> None:
    numbers = [Button(f"arr:{n}", str(n)) for n in range(1, 21)]
    rows = [numbers[i : i + 5] for i in range(0, 20, 5)]
    ctx.reply(
        ARRONDISSEMENT_QUESTION,
        ARRONDISSEMENT_NOT_KEPT,
        buttons=[*rows, Button("site:list", BACK_TO_LIST)],
    )


async def arrondissement_typed(ctx: Context) -> None:
    await _arrondissement_given(ctx, parse_arrondissement(ctx.text))


async def arrondissement_tapped(ctx: Context) -> None:
    args = ctx.button_args
    number = _number(args[0]) if len(args) == 1 else None
    if number is None or parse_arrondissement(args[0]) != number:
        await ctx.reject_button()
        return
    await _arrondissement_given(ctx, number)


async def _arrondissement_given(ctx: Context, arrondissement: int | None) -> None:
    if arrondissement is None:
        await ctx.reshow(NOT_AN_ARRONDISSEMENT)
        return
    ctx.data[ARRONDISSEMENT_KEY] = arrondissement
    await ctx.go(NAME, NEAREST)


async def propose_nearest(ctx: Context) -> None:
    arrondissement = ctx.data.get(ARRONDISSEMENT_KEY)
    if not isinstance(arrondissement, int):
        await ctx.go(NAME, ARRONDISSEMENT)
        return
    site = nearest_site(arrondissement, await list_sites(ctx.session))
    if site is None:
        ctx.preface(NO_SITE_NEARBY)
        await ctx.go(NAME, SITE)
        return
    ctx.reply(
        _nearest_text(arrondissement, site),
        IS_IT_OK,
        buttons=[Button(f"site:{site.id}", YES), Button("site:list", ANOTHER_SITE)],
    )


def _nearest_text(arrondissement: int, site: Site) -> Text:
    postcode = f"750{arrondissement:02d}"
    if site.address:
        return t(
            "Le site le plus proche du {postcode}, c’est\u202f:\n<b>{site}</b>\n{address}",
            postcode=postcode,
            site=site.name,
            address=site.address,
        )
    return t(
        "Le site le plus proche du {postcode}, c’est\u202f:\n<b>{site}</b>",
        postcode=postcode,
        site=site.name,
    )


def _number(arg: str) -> int | None:
    return int(arg) if arg.isascii() and arg.isdigit() else None
