"""The first conversation: /start, the choice of language, the main menu, help and cancel.

The graph is drawn in `start.mmd`. The home commands live here because they
work from any state: they are how a youth gets out of anywhere. After the first
choice of language, a youth who has not consented to the current notice goes on
to it (`flows.onboarding`); the others get the menu.
"""

from __future__ import annotations

import re

from core.i18n import Text, language_name, t
from core.models import Youth
from flows.context import Context
from flows.gate import require_consent
from flows.replies import Button
from flows.routing import Audience, ButtonRoute, Command, Flow, MenuEntry, Step

NAME = "start"
CHOOSE_LANGUAGE = "choose_language"
CHANGE_LANGUAGE = "change_language"
LANGUAGE_PREFIX = "lang"
ORIGIN_KEY = "origin"
# A deep-link payload as Telegram allows it; anything else is not ours and is ignored.
_ORIGIN = re.compile(r"[A-Za-z0-9_-]{1,64}")

LANGUAGE_PROMPT = t("🌍 Choisis ta langue.\nChoose your language.")
GREETING = t("Salut\u202f! 👋")
PRESENTATION = t("Je suis Passerelle, l’assistant de ta Mission Locale.")
# TRANSLATORS: shown in the language just chosen; name your own language.
LANGUAGE_SAVED = t("C’est noté, je te parle en français.")
CANCELLED = t("C’est annulé.")
NOTHING_TO_CANCEL = t("Il n’y a rien à annuler.")


def start_flow() -> Flow:
    fr, en = ("fr",), ("en",)
    help_command = t("voir ce que je sais faire")
    language_command = t("changer de langue")
    cancel_command = t("arrêter ce que tu fais")
    return Flow(
        name=NAME,
        steps={
            CHOOSE_LANGUAGE: Step(show=_ask_language),
            CHANGE_LANGUAGE: Step(show=_ask_language),
        },
        commands={
            "start": Command(_start, t("recommencer")),
            "menu": Command(_menu, t("voir le menu")),
            "aide": Command(_help, help_command, fr),
            "help": Command(_help, help_command, en),
            "langue": Command(_change_language, language_command, fr),
            "language": Command(_change_language, language_command, en),
            "annuler": Command(_cancel, cancel_command, fr),
            "cancel": Command(_cancel, cancel_command, en),
        },
        buttons={LANGUAGE_PREFIX: ButtonRoute(_language_chosen)},
        menu=(
            # Bilingual on purpose: whoever landed in the wrong language can still find it.
            MenuEntry("lang", t("🌍 Langue / Language"), 80, _change_language, Audience.EVERYONE),
            MenuEntry("help", t("❓ Aide"), 90, _help, Audience.EVERYONE),
        ),
    )


async def _start(ctx: Context) -> None:
    if _ORIGIN.fullmatch(ctx.text):
        ctx.data[ORIGIN_KEY] = ctx.text
    await ctx.go(NAME, CHOOSE_LANGUAGE)


async def _menu(ctx: Context) -> None:
    await ctx.show_menu()


async def _change_language(ctx: Context) -> None:
    await ctx.go(NAME, CHANGE_LANGUAGE)


async def _ask_language(ctx: Context) -> None:
    ctx.reply(LANGUAGE_PROMPT, buttons=[_language_buttons(ctx)])


def _language_buttons(ctx: Context) -> list[Button]:
    first = ctx.chosen_locale or ctx.suggested_locale
    ordered = sorted(ctx.locales, key=lambda locale: locale != first)
    return [
        Button(f"{LANGUAGE_PREFIX}:{locale}", _marked(language_name(locale), locale == first))
        for locale in ordered
    ]


def _marked(label: str, suggested: bool) -> str:
    return f"✓ {label}" if suggested else label


async def _language_chosen(ctx: Context) -> None:
    args = ctx.button_args
    locale = args[0] if len(args) == 1 else ""
    if locale not in ctx.locales:
        await ctx.reject_button()
        return
    first_time = ctx.step == CHOOSE_LANGUAGE
    ctx.locale = locale
    if ctx.youth_id is not None:
        youth = await ctx.session.get(Youth, ctx.youth_id)
        if youth is not None:
            youth.locale = locale
    if not first_time:
        await ctx.show_menu(LANGUAGE_SAVED)
        return
    ctx.preface(_greeting(ctx), PRESENTATION)
    # A youth who has not consented to the current notice reads it now.
    if await require_consent(ctx) is not None:
        await ctx.show_menu()


def _greeting(ctx: Context) -> Text:
    name = ctx.event.display_name.strip()
    return t("Salut {name}\u202f! 👋", name=name) if name else GREETING


async def _help(ctx: Context) -> None:
    lines = tuple(
        t("/{command} — {description}", command=command, description=description)
        for command, description in ctx.described_commands()
    )
    await ctx.show_menu(
        t("Je suis là pour t’aider avec la Mission Locale. Utilise les boutons du menu."),
        t("Tu peux aussi taper une commande\u202f:\n{commands}", commands=lines),
    )


async def _cancel(ctx: Context) -> None:
    await ctx.show_menu(CANCELLED if ctx.flow else NOTHING_TO_CANCEL)
