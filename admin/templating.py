"""Jinja2 pages in the staff member's language, through the same catalogues as the bot.

Templates mark text with `t("…", name=value)` and `tn("…", "…", n)`, the same
functions and French msgids as Python code, so `make i18n` extracts both (babel.cfg
maps `admin/templates` to Jinja2's extractor). `tr(text)` renders a `Text` that a
core service returned (an error, say). Values are escaped; so are the translations,
so a message can go in an attribute too.

The language: `?lang=xx` (remembered in a cookie), else that cookie, else French.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from admin.access import ADMINS, ANY_STAFF, COORDINATION, Rule, optional_staff
from admin.sessions import CSRF_FIELD, LOCALE_COOKIE, is_https, session_of
from admin.state import panel_of
from core.config import SUPPORTED_LOCALES
from core.i18n import Catalogs, Param, Text, When, WhenStyle, language_name, render_text, t
from core.staff import StaffView

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
PANEL_LOCALE = "fr"
LOCALE_COOKIE_SECONDS = 365 * 24 * 3600

# The main menu: a page shows in it for the roles its rule admits.
NAV: tuple[tuple[str, Text, Rule], ...] = (
    ("/", t("Accueil"), ANY_STAFF),
    ("/slots", t("Créneaux"), ANY_STAFF),
    ("/to-complete", t("Présences à compléter"), ANY_STAFF),
    ("/youths", t("Jeunes"), ANY_STAFF),
    ("/inbox", t("Demandes de contact"), ANY_STAFF),
    ("/dashboard", t("Tableau de bord"), COORDINATION),
    ("/preview", t("Aperçu du bot"), ANY_STAFF),
    ("/admin/staff", t("Comptes"), ADMINS),
    ("/admin/sites", t("Sites"), ADMINS),
    ("/admin/partners", t("Partenaires"), ADMINS),
)


def make_environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def chosen_locale(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in SUPPORTED_LOCALES:
        return asked
    remembered = request.cookies.get(LOCALE_COOKIE)
    return remembered if remembered in SUPPORTED_LOCALES else PANEL_LOCALE


class Translator:
    """`t`, `tn`, `tr` and `when` for one page, in one locale."""

    def __init__(self, locale: str, catalogs: Catalogs, tz: Any) -> None:
        self.locale, self.catalogs, self.tz = locale, catalogs, tz
        # A page repeats its labels, numbers and dates row after row: each is rendered
        # once per page. Safe because a page has one locale, catalogue and time zone, and
        # texts and values are immutable (equal ones, such as 2 and 2.0, read alike).
        self._texts: dict[Text, Markup] = {}
        self._plains: dict[Param, str] = {}

    def t(self, msgid: str, /, **params: Param) -> Markup:
        return self.tr(t(msgid, **params))

    def tn(self, singular: str, plural: str, n: int, /, **params: Param) -> Markup:
        return self.tr(Text(singular, plural, n, tuple(sorted(params.items()))))

    def tr(self, text: Text) -> Markup:
        rendered = self._texts.get(text)
        if rendered is None:
            rendered = self._texts[text] = self._translate(text)
        return rendered

    def _translate(self, text: Text) -> Markup:
        translations = self.catalogs.translations(self.locale)
        if text.plural is None:
            template = translations.gettext(text.msgid)
        else:
            assert text.n is not None
            template = translations.ngettext(text.msgid, text.plural, text.n)
        values = {name: self._value(value) for name, value in text.params}
        if text.n is not None:
            values.setdefault("n", self._plain(text.n))
        return escape(template).format_map(values)

    def when(self, value: date, style: WhenStyle = "short_datetime") -> str:
        if not isinstance(value, datetime) and style not in ("date", "short_date"):
            style = "short_date"
        return self._plain(When(value, style))

    def _value(self, value: Param) -> Any:
        if isinstance(value, Text):
            return self.tr(value)
        if isinstance(value, tuple):
            return Markup("<br>").join(self.tr(item) for item in value)
        if isinstance(value, str):
            return value  # escaped by `format_map`
        return self._plain(value)

    def _plain(self, value: Param) -> str:
        # Numbers and dates as core.i18n formats them for the locale (plain text).
        plain = self._plains.get(value)
        if plain is None:
            message = Text("{v}", params=(("v", value),))
            plain = self._plains[value] = render_text(message, self.locale, self.catalogs, self.tz)
        return plain


def page_translator(request: Request) -> Translator:
    """The page's translator, for a route that writes some text before `render`."""
    panel = panel_of(request)
    return Translator(chosen_locale(request), panel.catalogs, panel.settings.tz)


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    translator: Translator | None = None,
) -> HTMLResponse:
    panel = panel_of(request)
    translator = translator or page_translator(request)
    locale = translator.locale
    staff = optional_staff(request)
    csrf = session_of(request).csrf
    page = panel.templates.get_template(template).render(
        {
            "request": request,
            "staff": staff,
            "locale": locale,
            "languages": _languages(request, locale),
            "nav": _nav(staff, request.url.path, translator),
            "csrf_token": csrf,
            "csrf_field": lambda: Markup('<input type="hidden" name="{}" value="{}">').format(
                CSRF_FIELD, csrf
            ),
            "t": translator.t,
            "tn": translator.tn,
            "tr": translator.tr,
            "when": translator.when,
            **(context or {}),
        }
    )
    response = HTMLResponse(page, status_code=status_code)
    if request.query_params.get("lang") == locale:
        response.set_cookie(
            LOCALE_COOKIE,
            locale,
            max_age=LOCALE_COOKIE_SECONDS,
            httponly=True,
            samesite="lax",
            secure=is_https(request),
        )
    return response


def _languages(request: Request, current: str) -> list[dict[str, Any]]:
    others = {key: value for key, value in request.query_params.items() if key != "lang"}
    return [
        {
            "code": code,
            "name": language_name(code),
            "href": f"{request.url.path}?{urlencode({**others, 'lang': code})}",
            "current": code == current,
        }
        for code in SUPPORTED_LOCALES
    ]


def _nav(staff: StaffView | None, path: str, translator: Translator) -> list[dict[str, Any]]:
    if staff is None:
        return []
    return [
        {
            "href": href,
            "label": translator.tr(label),
            "current": path == href or (href != "/" and path.startswith(href)),
        }
        for href, label, rule in NAV
        if rule.admits(staff)
    ]
