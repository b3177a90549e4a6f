"""Catalogues are complete and compiled, and messages render safely in each locale."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from core.config import PROJECT_ROOT, SUPPORTED_LOCALES
from core.i18n import (
    LOCALES_DIR,
    CatalogError,
    Catalogs,
    Text,
    When,
    compile_catalogs,
    language_name,
    match_locale,
    mo_path,
    placeholders,
    po_path,
    render_text,
    stale_catalogs,
    t,
    tn,
)
from tests.support.chat import compiled_catalogs

PARIS = ZoneInfo("Europe/Paris")
# The same keywords as the extraction command of the Makefile.
KEYWORDS = {"t": None, "tn": (1, 2)}
SOURCE_DIRS = ("core", "flows", "bot", "admin")
# What Telegram's HTML parse mode accepts; anything else in a template breaks a send.
_ALLOWED_TAG = re.compile(r"</?(b|strong|i|em|u|s|code|pre|blockquote)>|<a href=\"[^\"<>]+\">|</a>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+);")

MessageId = str | tuple[str, ...]


def _read(locale: str) -> Catalog:
    with po_path(LOCALES_DIR, locale).open("rb") as file:
        return read_po(file, locale=locale)


def _entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def _key(message_id: object) -> MessageId:
    return message_id if isinstance(message_id, str) else tuple(message_id)  # type: ignore[arg-type]


def _source_messages() -> set[MessageId]:
    with (PROJECT_ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: set[MessageId] = set()
    for directory in SOURCE_DIRS:
        if (PROJECT_ROOT / directory).is_dir():
            for _, _, message, _, _ in extract_from_dir(
                PROJECT_ROOT / directory, method_map, options_map, keywords=KEYWORDS
            ):
                found.add(_key(message))
    return found


# -- the committed catalogues --------------------------------------------------


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_catalogue_has_no_untranslated_or_fuzzy_entry(locale: str) -> None:
    catalog = _read(locale)
    assert not catalog.fuzzy, f"{locale}: the header is marked fuzzy, so nothing would compile"
    untranslated = [m.id for m in _entries(catalog) if not all(_forms(m))]
    fuzzy = [m.id for m in _entries(catalog) if m.fuzzy]
    assert untranslated == [], f"{locale}: translate these, then `make i18n`"
    assert fuzzy == [], f"{locale}: review these fuzzy entries"


def test_french_catalogue_is_the_source_text() -> None:
    catalog = _read("fr")
    assert catalog.plural_forms == "nplurals=2; plural=(n > 1);"
    differing = [m.id for m in _entries(catalog) if _key(m.string) != _key(m.id)]
    assert differing == [], "run `python locales/sync_source.py`"


def test_every_message_of_the_source_is_in_every_catalogue() -> None:
    source = _source_messages()
    assert source, "extraction found no message at all"
    with (LOCALES_DIR / "messages.pot").open("rb") as file:
        template = {_key(m.id) for m in _entries(read_po(file))}
    assert source - template == set(), "run `make i18n`: the template misses messages"
    for locale in SUPPORTED_LOCALES:
        entries = {_key(m.id) for m in _entries(_read(locale))}
        assert source - entries == set(), f"{locale}: run `make i18n` and translate"
        assert entries - source == set(), f"{locale}: entries no longer in the code"


def test_the_panel_templates_are_extracted_with_the_same_keywords() -> None:
    templates = PROJECT_ROOT / "admin" / "templates"
    pages = sorted(templates.rglob("*.html"))
    assert pages, "the panel has no templates"
    with (PROJECT_ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    by_file: dict[str, set[MessageId]] = {}
    for filename, _, message, _, _ in extract_from_dir(
        PROJECT_ROOT / "admin", method_map, options_map, keywords=KEYWORDS
    ):
        if filename.endswith(".html"):
            by_file.setdefault(filename, set()).add(_key(message))
    assert "Se connecter" in by_file["templates/login.html"]
    assert ("{n} compte", "{n} comptes") in by_file["templates/accounts/list.html"]
    assert {"Aller au contenu", "Se déconnecter"} <= by_file["templates/base.html"]
    assert set().union(*by_file.values()) <= _source_messages()


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_translations_keep_the_placeholders(locale: str) -> None:
    for message in _entries(_read(locale)):
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        expected = set().union(*(placeholders(i) for i in ids))
        for form in _forms(message):
            found = placeholders(form)
            if len(ids) > 1:  # a plural form may leave out the count: "un atelier"
                found, wanted = found - {"n"}, expected - {"n"}
            else:
                wanted = expected
            assert found == wanted, f"{locale}: {form!r} for {message.id!r}"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_templates_are_valid_telegram_html(locale: str) -> None:
    for message in _entries(_read(locale)):
        for form in _forms(message):
            bare = _ENTITY.sub("", _ALLOWED_TAG.sub("", form))
            assert not re.search(r"[<>&]", bare), f"{locale}: escape <, > and & in {form!r}"


def test_compiled_catalogues_are_current() -> None:
    catalogs = compiled_catalogs()
    assert stale_catalogs() == []
    for locale in SUPPORTED_LOCALES:
        translations = catalogs.translations(locale)
        for message in _entries(_read(locale)):
            if isinstance(message.id, str):
                assert translations.gettext(message.id) == message.string
            else:
                singular, plural = message.id[0], message.id[1]
                assert translations.ngettext(singular, plural, 1) == message.string[0]


def _forms(message: Message) -> list[str]:
    string = message.string
    return [string] if isinstance(string, str) else list(string)


# -- compiling and loading -----------------------------------------------------


def test_a_missing_compiled_catalogue_says_how_to_build_it(tmp_path: Path) -> None:
    shutil.copytree(LOCALES_DIR / "en", tmp_path / "en", ignore=shutil.ignore_patterns("*.mo"))
    with pytest.raises(CatalogError, match="make i18n"):
        Catalogs(tmp_path, ["en"])


def test_a_missing_or_outdated_mo_is_stale_until_compiled(tmp_path: Path) -> None:
    shutil.copytree(LOCALES_DIR / "fr", tmp_path / "fr", ignore=shutil.ignore_patterns("*.mo"))
    assert stale_catalogs(tmp_path, ["fr"]) == ["fr"]
    assert compile_catalogs(tmp_path, ["fr"]) == ["fr"]
    assert stale_catalogs(tmp_path, ["fr"]) == []

    compiled = mo_path(tmp_path, "fr").stat().st_mtime
    os.utime(po_path(tmp_path, "fr"), (compiled + 10, compiled + 10))
    assert stale_catalogs(tmp_path, ["fr"]) == ["fr"]
    assert Catalogs(tmp_path, ["fr"]).locales == ("fr",), "loading does not judge freshness"


def test_sync_source_fills_french_from_the_msgids(tmp_path: Path) -> None:
    catalog = Catalog(locale="fr", domain="messages")
    catalog.add("Bonjour {name}", "")
    catalog.add(("{n} atelier", "{n} ateliers"), ("", ""))
    catalog.add("Au revoir", "Salut", flags=["fuzzy"])
    path = tmp_path / "messages.po"
    with path.open("wb") as file:
        write_po(file, catalog)
    spec = importlib.util.spec_from_file_location("sync_source", LOCALES_DIR / "sync_source.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    assert module.sync(path) == 3
    assert module.sync(path) == 0

    with path.open("rb") as file:
        synced = read_po(file, locale="fr")
    assert synced["Bonjour {name}"].string == "Bonjour {name}"
    plural_forms = synced["{n} atelier"].string
    assert len(plural_forms) == synced.num_plurals
    assert tuple(plural_forms) == ("{n} atelier", *["{n} ateliers"] * (synced.num_plurals - 1))
    assert synced["Au revoir"].string == "Au revoir"
    assert not synced["Au revoir"].fuzzy


# -- rendering -----------------------------------------------------------------


@pytest.fixture
def test_catalogs(tmp_path: Path) -> Catalogs:
    """Catalogues with plural and markup entries the product does not have yet."""
    english = {
        "<b>Atelier</b> {title}": "<b>Workshop</b> {title}",
        "{who} a écrit\u202f: {what}": "{who} wrote: {what}",
        "Merci {name}\u202f!": "Thanks {name}!",
        "Tes rendez-vous\u202f:\n{lines}": "Your appointments:\n{lines}",
        "Rendez-vous {when}": "Appointment {when}",
    }
    plural = ("{n} place libre", "{n} places libres")
    for locale in ("fr", "en"):
        catalog = Catalog(locale=locale, domain="messages")
        for msgid, english_text in english.items():
            catalog.add(msgid, english_text if locale == "en" else msgid)
        forms = ("{n} free seat", "{n} free seats") if locale == "en" else plural
        catalog.add(plural, forms)
        catalog.add(
            ("Une inscription", "{n} inscriptions"),
            ("One booking", "{n} bookings")
            if locale == "en"
            else ("Une inscription", "{n} inscriptions"),
        )
        po = po_path(tmp_path, locale)
        po.parent.mkdir(parents=True)
        with po.open("wb") as file:
            write_po(file, catalog)
    compile_catalogs(tmp_path, ["fr", "en"])
    return Catalogs(tmp_path, ["fr", "en"])


def test_user_strings_are_escaped_and_template_markup_is_kept(test_catalogs: Catalogs) -> None:
    text = t("<b>Atelier</b> {title}", title="CV & <i>lettre</i>")
    assert render_text(text, "en", test_catalogs, PARIS) == (
        "<b>Workshop</b> CV &amp; &lt;i&gt;lettre&lt;/i&gt;"
    )


def test_nested_texts_are_translated_and_escaped_once(test_catalogs: Catalogs) -> None:
    text = t(
        "{who} a écrit\u202f: {what}",
        who=t("Merci {name}\u202f!", name="<Léa>"),
        what="a < b",
    )
    assert render_text(text, "en", test_catalogs, PARIS) == "Thanks &lt;Léa&gt;! wrote: a &lt; b"
    assert render_text(text, "fr", test_catalogs, PARIS) == (
        "Merci &lt;Léa&gt;\u202f! a écrit\u202f: a &lt; b"
    )


def test_a_tuple_of_texts_renders_as_lines(test_catalogs: Catalogs) -> None:
    lines = (t("Merci {name}\u202f!", name="A"), t("Merci {name}\u202f!", name="B"))
    text = t("Tes rendez-vous\u202f:\n{lines}", lines=lines)
    assert (
        render_text(text, "en", test_catalogs, PARIS) == "Your appointments:\nThanks A!\nThanks B!"
    )


@pytest.mark.parametrize(
    ("locale", "n", "expected"),
    [
        ("fr", 0, "0 place libre"),
        ("fr", 1, "1 place libre"),
        ("fr", 2, "2 places libres"),
        ("fr", 1500, "1\u202f500 places libres"),
        ("en", 0, "0 free seats"),
        ("en", 1, "1 free seat"),
        ("en", 1500, "1,500 free seats"),
    ],
)
def test_plurals_follow_each_language(
    test_catalogs: Catalogs, locale: str, n: int, expected: str
) -> None:
    text = tn("{n} place libre", "{n} places libres", n)
    assert render_text(text, locale, test_catalogs, PARIS) == expected


def test_a_singular_form_may_leave_out_the_count(test_catalogs: Catalogs) -> None:
    one = tn("Une inscription", "{n} inscriptions", 1)
    assert render_text(one, "en", test_catalogs, PARIS) == "One booking"
    assert render_text(
        tn("Une inscription", "{n} inscriptions", 3), "fr", test_catalogs, PARIS
    ) == ("3 inscriptions")


THURSDAY_2PM = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)  # 14:00 in Paris


@pytest.mark.parametrize(
    ("locale", "value", "expected"),
    [
        ("fr", THURSDAY_2PM, "jeudi 26 novembre à 14:00"),
        ("en", THURSDAY_2PM, "Thursday 26 November at 14:00"),
        ("fr", When(THURSDAY_2PM, "date"), "jeudi 26 novembre"),
        ("en", When(THURSDAY_2PM, "time"), "14:00"),
        ("fr", When(THURSDAY_2PM, "short_date"), "jeu. 26 nov."),
        ("en", When(THURSDAY_2PM, "short_datetime"), "Thu 26 Nov at 14:00"),
        ("fr", date(2026, 12, 3), "jeudi 3 décembre"),
        # Summer time: 12:00 UTC is 14:00 in Paris in July.
        ("fr", datetime(2026, 7, 2, 12, 0, tzinfo=UTC), "jeudi 2 juillet à 14:00"),
        # Late in the evening in UTC is already the next day in Paris.
        ("en", When(datetime(2026, 11, 26, 23, 30, tzinfo=UTC), "date"), "Friday 27 November"),
    ],
)
def test_dates_are_shown_in_the_locale_and_time_zone(
    locale: str, value: date | When, expected: str
) -> None:
    text = t("Rendez-vous {when}", when=value)
    rendered = render_text(text, locale, compiled_catalogs(), PARIS)
    assert rendered.removeprefix("Rendez-vous ").removeprefix("Appointment ") == expected


def test_numbers_use_narrow_no_break_spaces_in_french() -> None:
    catalogs = compiled_catalogs()
    text = t("Rendez-vous {when}", when=12345.5)
    assert render_text(text, "fr", catalogs, PARIS) == "Rendez-vous 12\u202f345,5"
    assert render_text(text, "en", catalogs, PARIS).endswith(" 12,345.5")


def test_an_unknown_locale_shows_the_french_source(test_catalogs: Catalogs) -> None:
    text = t("Merci {name}\u202f!", name="Léa")
    assert render_text(text, "de", test_catalogs, PARIS) == "Merci Léa\u202f!"


# -- building messages ---------------------------------------------------------


def test_texts_are_values() -> None:
    assert t("Merci {name}\u202f!", name="A") == t("Merci {name}\u202f!", name="A")
    assert hash(t("Merci {name}\u202f!", name="A")) == hash(t("Merci {name}\u202f!", name="A"))
    assert t("Merci {name}\u202f!", name="A").args == {"name": "A"}
    assert tn("{n} place", "{n} places", 3) == Text("{n} place", "{n} places", 3)


@pytest.mark.parametrize(
    "build",
    [
        lambda: t("Merci {name}"),
        lambda: t("Merci", name="A"),
        lambda: t("Merci {name!r}", name="A"),
        lambda: t("Merci {name:>10}", name="A"),
        lambda: t("Merci {}"),
        lambda: t("Le {when}", when=datetime(2026, 11, 26, 14, 0)),
        lambda: t("Oui {answer}", answer=True),
        lambda: t("Liste {items}", items=("a", "b")),
        lambda: t("Objet {thing}", thing=object()),
        lambda: tn("{n} place", "{n} places", 2, n=3),
        lambda: When(date(2026, 11, 26), "time"),
    ],
)
def test_malformed_messages_are_refused_where_they_are_written(build: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        build()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("code", "expected"),
    [("fr", "fr"), ("en-GB", "en"), ("EN_us", "en"), ("pt-BR", None), ("", None), (None, None)],
)
def test_telegram_language_codes_match_supported_locales(
    code: str | None, expected: str | None
) -> None:
    assert match_locale(code, SUPPORTED_LOCALES) == expected


def test_languages_are_named_in_their_own_language() -> None:
    assert [language_name(locale) for locale in ("fr", "en", "uk")] == [
        "Français",
        "English",
        "Українська",
    ]
