"""The notice, the age check, consent and the site, in French and English, on both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

import core.youths
from core.clock import ManualClock
from core.config import Settings
from core.db import Database
from core.demo_data import SITES
from core.i18n import Catalogs, t
from core.models import ConversationState, Site, Youth
from flows.context import Context
from flows.engine import DOUBLE_TAP_WINDOW, ConversationEngine
from flows.gate import RESUME_KEY, require_consent
from flows.onboarding import onboarding_flow
from flows.routing import Command, Flow, Step
from flows.start import start_flow
from tests.support.chat import ChatSimulator, compiled_catalogs, make_chat
from tests.support.factories import make_site
from tests.support.youths import make_consented_chat

AGE_BUTTONS = ["age:under-16", "age:16-17", "age:18-25", "age:over-25"]
CONSENT_BUTTONS = ["consent:yes", "consent:no", "ob:notice"]
SHARE_BUTTONS = ["share:yes", "share:no"]
MENU_PROMPT = {"fr": "Que veux-tu faire ?", "en": "What would you like to do?"}
LONG_TEXT = "Bonjour, je voudrais savoir " * 150
LOCALES = ["fr", "en"]


async def _sites(database: Database) -> dict[str, Site]:
    """The demo sites, with their coordinates, by code."""
    async with database.transaction() as session:
        sites = [
            await make_site(
                session,
                code=site.code,
                name=site.name,
                address=site.address,
                arrondissement=site.arrondissement,
                latitude=site.latitude,
                longitude=site.longitude,
            )
            for site in SITES
        ]
    return {site.code: site for site in sites}


async def _youths(database: Database) -> list[Youth]:
    async with database.reading() as session:
        return list(await session.scalars(select(Youth)))


async def _state(database: Database, user_id: int) -> ConversationState:
    async with database.reading() as session:
        state = await session.get(ConversationState, user_id)
    assert state is not None
    return state


async def _to_age(chat: ChatSimulator, locale: str = "fr", payload: str = "") -> None:
    await chat.send(f"/start {payload}".strip())
    await chat.tap(f"lang:{locale}")


async def _to_consent(chat: ChatSimulator, locale: str = "fr", age: str = "18-25") -> None:
    await _to_age(chat, locale)
    await chat.tap(f"age:{age}")


async def _to_share(chat: ChatSimulator, locale: str = "fr") -> None:
    await _to_consent(chat, locale)
    await chat.tap("consent:yes")


@pytest.fixture
def chat(database: Database, clock: ManualClock, settings: Settings) -> ChatSimulator:
    return make_chat(database, clock, settings)


# -- the whole way through -------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_new_youth_reads_the_notice_consents_picks_a_site_and_gets_the_menu(
    chat: ChatSimulator, database: Database, clock: ManualClock, locale: str
) -> None:
    sites = await _sites(database)
    await chat.send("/start")
    await chat.tap(f"lang:{locale}")

    notice = {
        "fr": ["Salut Sam !", "Passerelle", "faire le point", "Qui le voit ?",
               "conseillers de ta Mission Locale", "2 ans", "6 mois", "24 mois",
               "/mesdonnees", "/supprimer", "Quel âge as-tu ?"],
        "en": ["Hi Sam!", "Passerelle", "check your situation", "Who sees it?",
               "advisers of your Mission Locale", "2 years", "6 months", "24 months",
               "/mydata", "/delete", "How old are you?"],
    }[locale]  # fmt: skip
    for words in notice:
        assert words in chat.text, chat.transcript
    assert len(chat.replies) == 3, "a few short messages, the last one asking the age"
    assert chat.buttons == AGE_BUTTONS
    assert await _youths(database) == [], "nothing stored before consent"

    await chat.tap("age:18-25")
    assert chat.buttons == CONSENT_BUTTONS
    assert {"fr": "Es-tu d'accord", "en": "Do you agree"}[locale] in chat.text
    assert "parent" not in chat.text, "the minors' wording is for 16-17 only"
    assert await _youths(database) == []

    await chat.tap("consent:yes")
    assert chat.buttons == SHARE_BUTTONS
    [youth] = await _youths(database)
    assert youth.telegram_user_id == chat.user_id
    assert (youth.display_name, youth.locale, youth.age_group) == ("Sam", locale, "18-25")
    assert youth.consent_version == core.youths.CONSENT_VERSION
    assert youth.consented_at == youth.created_at == clock.now()
    assert youth.origin is None
    assert youth.share_diagnostic is False

    await chat.tap("share:yes")
    site_buttons = [f"site:{site.id}" for site in sorted(sites.values(), key=lambda s: s.name)]
    assert chat.buttons == [*site_buttons, "site:unknown"]
    assert "Mission Locale — site Est" in chat.button_labels

    await chat.tap(f"site:{sites['paris-est'].id}")
    noted = {"fr": "📍 C'est noté : ", "en": "📍 Noted: "}[locale]
    assert chat.text.startswith(f"{noted}Mission Locale — site Est.")
    assert {"fr": "C'est tout bon", "en": "All set"}[locale] in chat.text
    assert chat.text.endswith(MENU_PROMPT[locale])
    assert "menu:mydata" in chat.buttons
    [youth] = await _youths(database)
    assert youth.site_id == sites["paris-est"].id
    assert youth.share_diagnostic is True
    state = await _state(database, chat.user_id)
    assert state.youth_id == youth.id
    assert (state.flow, state.step) == ("", "")
    assert not any(key.startswith("onboarding.") for key in state.data)


async def test_a_consented_youth_gets_the_menu_after_the_language(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, _ = await make_consented_chat(database, clock, settings)
    await chat.send("/start")
    await chat.tap("lang:en")
    assert chat.text.startswith("Hi Sam!")
    assert chat.text.endswith(MENU_PROMPT["en"])
    assert "Who sees it?" not in chat.text


async def test_the_deep_link_origin_is_recorded_on_the_youth(
    chat: ChatSimulator, database: Database
) -> None:
    await _sites(database)
    await _to_age(chat, payload="maraude-2026-12")
    assert (await _state(database, chat.user_id)).data["origin"] == "maraude-2026-12"
    await chat.tap("age:18-25")
    await chat.tap("consent:yes")
    [youth] = await _youths(database)
    assert youth.origin == "maraude-2026-12"
    assert "origin" not in (await _state(database, chat.user_id)).data, "kept on the youth now"


@pytest.mark.parametrize("locale", LOCALES)
async def test_i_dont_know_my_site_finds_the_nearest_by_arrondissement(
    chat: ChatSimulator, database: Database, locale: str
) -> None:
    sites = await _sites(database)
    await _to_share(chat, locale)
    await chat.tap("share:no")
    await chat.tap("site:unknown")
    assert {"fr": "Dans quel arrondissement", "en": "Which Paris arrondissement"}[locale] in (
        chat.text
    )
    assert chat.buttons == [*(f"arr:{n}" for n in range(1, 21)), "site:list"]

    await chat.send("75020")
    expected = {
        "fr": "Le site le plus proche du 75020, c'est :",
        "en": "The nearest site to 75020 is:",
    }
    assert expected[locale] in chat.text
    assert "Mission Locale — site Est" in chat.text
    assert "21 rue Ramponeau" in chat.text
    est = sites["paris-est"].id
    assert chat.buttons == [f"site:{est}", "site:list"]

    await chat.tap("site:list")
    assert "site:unknown" in chat.buttons, "back to the whole list"
    await chat.tap("site:unknown")
    await chat.tap("arr:16")
    assert "Mission Locale — site Ouest" in chat.text
    await chat.tap(f"site:{sites['paris-ouest'].id}")
    assert chat.text.endswith(MENU_PROMPT[locale])
    [youth] = await _youths(database)
    assert youth.site_id == sites["paris-ouest"].id
    assert "onboarding.arrondissement" not in (await _state(database, chat.user_id)).data


async def test_a_typed_arrondissement_that_is_not_one_is_asked_again(
    chat: ChatSimulator, database: Database
) -> None:
    await _sites(database)
    await _to_share(chat)
    await chat.tap("share:no")
    await chat.tap("site:unknown")
    for typed in ("bonjour", "75021", LONG_TEXT):
        await chat.send(typed)
        assert chat.text.startswith("Je n'ai pas reconnu d'arrondissement de Paris."), typed
        assert "arr:20" in chat.buttons
    await chat.send("11e")
    assert "Mission Locale — site Centre" in chat.text


async def test_without_any_site_the_site_question_is_skipped(
    chat: ChatSimulator, database: Database
) -> None:
    await _to_share(chat)
    await chat.tap("share:yes")
    assert chat.text.startswith("✅ C'est tout bon")
    assert chat.text.endswith(MENU_PROMPT["fr"])
    [youth] = await _youths(database)
    assert youth.site_id is None


# -- ages ----------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
async def test_under_16_gets_helplines_and_nothing_is_stored(
    chat: ChatSimulator, database: Database, locale: str
) -> None:
    await _to_age(chat, locale, payload="site-paris-centre")
    await chat.tap("age:under-16")
    expected = {
        "fr": ["16 à 25 ans", "adulte de confiance", "conseiller de Mission Locale",
               "Je n'ai rien enregistré"],
        "en": ["16 to 25", "adult you trust", "Mission Locale adviser",
               "I haven't saved anything"],
    }[locale]  # fmt: skip
    for words in expected:
        assert words in chat.text, chat.transcript
    assert "119" in chat.text
    assert "0 800 235 236" in chat.text, "Fil Santé Jeunes"
    assert "<b>119</b>" in (chat.replies[0].html or "")
    assert chat.buttons == ["ob:age"]
    assert await _youths(database) == []
    state = await _state(database, chat.user_id)
    assert state.data == {}, "not even where they came from"
    assert (state.flow, state.step, state.youth_id) == ("", "", None)

    await chat.tap("ob:age")
    assert chat.buttons == AGE_BUTTONS, "a mistaken tap can be undone"


@pytest.mark.parametrize("locale", LOCALES)
async def test_over_25_is_pointed_elsewhere_and_may_continue_for_information(
    chat: ChatSimulator, database: Database, locale: str
) -> None:
    await _to_age(chat, locale)
    await chat.tap("age:over-25")
    for words in ("25", "CASVP", "PSA", "RSA", "France Travail"):
        assert words in chat.text
    assert chat.buttons == ["ob:info", "ob:bye"]
    assert await _youths(database) == []

    await chat.tap("ob:info")
    assert chat.buttons == CONSENT_BUTTONS
    await chat.tap("consent:yes")
    [youth] = await _youths(database)
    assert youth.age_group == "over-25"


async def test_over_25_may_leave_without_anything_stored(
    chat: ChatSimulator, database: Database
) -> None:
    await _to_age(chat)
    await chat.tap("age:over-25")
    await chat.tap("ob:bye")
    assert chat.text.startswith("D'accord. Je n'ai rien enregistré.")
    assert await _youths(database) == []
    state = await _state(database, chat.user_id)
    assert "onboarding.age" not in state.data
    assert state.flow == ""


@pytest.mark.parametrize("locale", LOCALES)
async def test_16_and_17_year_olds_get_the_minors_wording(
    chat: ChatSimulator, database: Database, locale: str
) -> None:
    await _to_consent(chat, locale, age="16-17")
    assert {"fr": "demande à ton conseiller ou à un parent", "en": "ask your adviser or a parent"}[
        locale
    ] in chat.text
    await chat.tap("consent:yes")
    [youth] = await _youths(database)
    assert youth.age_group == "16-17"


# -- refusing, and a changed notice --------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
async def test_refusing_consent_stores_nothing_and_offers_the_notice_again(
    chat: ChatSimulator, database: Database, locale: str
) -> None:
    await _to_consent(chat, locale)
    await chat.tap("consent:no")
    expected = {
        "fr": ["je respecte ton choix", "Je n'ai rien enregistré", "/aide", "changer d'avis"],
        "en": ["I respect your choice", "I haven't saved anything", "/help", "change your mind"],
    }[locale]
    for words in expected:
        assert words in chat.text
    assert chat.buttons == ["ob:notice"]
    assert await _youths(database) == []
    assert "onboarding.age" not in (await _state(database, chat.user_id)).data

    await chat.send("je dors dehors ce soir")
    assert "115" in chat.text, "the helplines still work without consent"
    assert await _youths(database) == []

    await chat.tap("ob:notice")
    assert {"fr": "Qui le voit ?", "en": "Who sees it?"}[locale] in chat.text
    assert chat.buttons == AGE_BUTTONS


async def test_a_changed_notice_asks_a_consented_youth_again(
    database: Database, clock: ManualClock, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat, youth = await make_consented_chat(database, clock, settings, age_group="18-25")
    new_version = core.youths.CONSENT_VERSION + 1
    monkeypatch.setattr(core.youths, "CONSENT_VERSION", new_version)

    await chat.send("/start")
    await chat.tap("lang:fr")
    assert "L'information sur tes données a changé" in chat.text
    assert chat.buttons == AGE_BUTTONS
    await chat.tap("age:18-25")
    clock.advance(timedelta(days=1))
    await chat.tap("consent:yes")
    await chat.tap("share:no")
    assert chat.text.endswith(MENU_PROMPT["fr"]), "the site is already known"

    [again] = await _youths(database)
    assert again.id == youth.id
    assert again.consent_version == new_version
    assert again.consented_at == clock.now()
    assert again.site_id == youth.site_id


async def test_refusing_a_changed_notice_keeps_the_old_data_paused(
    database: Database, clock: ManualClock, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat, youth = await make_consented_chat(database, clock, settings)
    monkeypatch.setattr(core.youths, "CONSENT_VERSION", core.youths.CONSENT_VERSION + 1)
    await _to_consent(chat)
    await chat.tap("consent:no")
    assert "/supprimer" in chat.text
    [kept] = await _youths(database)
    assert kept.consent_version == youth.consent_version


# -- coming back where the gate stopped them ---------------------------------------------


async def _secret(ctx: Context) -> None:
    if await require_consent(ctx, resume=("probe", "secret")) is not None:
        await ctx.go("probe", "secret")


async def _show_secret(ctx: Context) -> None:
    ctx.say(t("Bienvenue dans le coin réservé."))


def _engine_with_probe(
    database: Database, clock: ManualClock, settings: Settings, catalogs: Catalogs
) -> ConversationEngine:
    probe = Flow(
        name="probe",
        steps={"secret": Step(show=_show_secret)},
        commands={"secret": Command(_secret)},
    )
    flows = [start_flow(), onboarding_flow(), probe]
    return ConversationEngine(database, clock, settings, catalogs, flows)


async def test_after_consent_the_youth_lands_where_the_gate_stopped_them(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    await _sites(database)
    catalogs = compiled_catalogs()
    engine = _engine_with_probe(database, clock, settings, catalogs)
    chat = ChatSimulator(engine, catalogs, settings.tz, user_id=77)
    await chat.send("/secret")
    assert chat.buttons == AGE_BUTTONS
    assert (await _state(database, 77)).data[RESUME_KEY] == "probe.secret"

    await chat.tap("age:18-25")
    await chat.tap("consent:yes")
    await chat.tap("share:no")
    await chat.tap("site:unknown")
    await chat.send("3")
    await chat.tap(chat.buttons[0])

    assert chat.text == (
        "📍 C'est noté : Mission Locale — site Centre.\n\n"
        "✅ C'est tout bon, merci !\n\n"
        "Bienvenue dans le coin réservé."
    )
    assert RESUME_KEY not in (await _state(database, 77)).data


async def test_a_resume_step_that_no_longer_exists_ends_on_the_menu(
    chat: ChatSimulator, database: Database
) -> None:
    await _to_consent(chat)
    async with database.transaction() as session:
        state = await session.get(ConversationState, chat.user_id)
        assert state is not None
        state.data = {**state.data, RESUME_KEY: "gone.away"}
    await chat.tap("consent:yes")
    await chat.tap("share:no")
    assert chat.text.endswith(MENU_PROMPT["fr"])


async def test_last_seen_is_kept_current_for_a_consented_youth(
    database: Database, clock: ManualClock, settings: Settings
) -> None:
    chat, youth = await make_consented_chat(database, clock, settings)
    clock.advance(timedelta(days=40))
    await chat.send("/menu")
    async with database.reading() as session:
        stored = await session.get(Youth, youth.id)
    assert stored is not None
    assert stored.last_seen_at == clock.now()


# -- bad input -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "buttons"),
    [("age", AGE_BUTTONS), ("consent", CONSENT_BUTTONS), ("share", SHARE_BUTTONS)],
)
@pytest.mark.parametrize("locale", LOCALES)
async def test_free_text_stickers_and_long_messages_ask_the_same_question_again(
    chat: ChatSimulator, database: Database, step: str, buttons: list[str], locale: str
) -> None:
    await _sites(database)
    walk = {"age": _to_age, "consent": _to_consent, "share": _to_share}[step]
    await walk(chat, locale)
    youths = [youth.id for youth in await _youths(database)]
    state = await _state(database, chat.user_id)

    for what in ("oui", "sticker", LONG_TEXT):
        await (chat.send_unsupported(what) if what == "sticker" else chat.send(what))
        assert chat.buttons == buttons, chat.transcript
        assert chat.text.startswith(
            {"fr": ("Je n'ai pas compris", "Je sais lire seulement"),
             "en": ("I didn't understand", "I can only read")}[locale]
        )  # fmt: skip
    after = await _state(database, chat.user_id)
    assert (after.flow, after.step, after.data) == (state.flow, state.step, state.data)
    assert [youth.id for youth in await _youths(database)] == youths


async def test_start_again_in_the_middle_goes_back_to_the_language_then_the_notice(
    chat: ChatSimulator, database: Database
) -> None:
    await _to_consent(chat)
    await chat.send("/start")
    assert chat.buttons == ["lang:fr", "lang:en"]
    await chat.tap("lang:fr")
    assert chat.buttons == AGE_BUTTONS
    assert await _youths(database) == []


async def test_a_double_tap_on_consent_creates_one_youth(
    chat: ChatSimulator, database: Database, clock: ManualClock
) -> None:
    await _to_consent(chat)
    await chat.tap("consent:yes")
    clock.advance(DOUBLE_TAP_WINDOW - timedelta(seconds=1))
    assert await chat.tap("consent:yes") == []
    assert len(await _youths(database)) == 1
    assert chat.buttons == SHARE_BUTTONS


async def test_an_old_button_after_consent_is_stale_and_changes_nothing(
    chat: ChatSimulator, database: Database, clock: ManualClock
) -> None:
    await _sites(database)
    await _to_share(chat)
    clock.advance(timedelta(minutes=1))
    for old in ("age:16-17", "consent:no", "consent:yes", "site:unknown"):
        await chat.tap_unchecked(old)
        assert chat.text.startswith("Ce bouton n'est plus valide."), old
    [youth] = await _youths(database)
    assert youth.age_group == "18-25"


@pytest.mark.parametrize("button", ["age:12", "consent:maybe", "ob:nope", "site:abc", "arr:21"])
async def test_a_tampered_button_is_refused(
    chat: ChatSimulator, database: Database, button: str
) -> None:
    await _to_age(chat)
    await chat.tap_unchecked(button)
    assert chat.text.startswith("Ce bouton n'est plus valide.")
    assert await _youths(database) == []


async def test_a_site_that_disappeared_is_a_stale_button(
    chat: ChatSimulator, database: Database
) -> None:
    sites = await _sites(database)
    await _to_share(chat)
    await chat.tap("share:no")
    gone = sites["paris-nord"]
    async with database.transaction() as session:
        row = await session.get(Site, gone.id)
        assert row is not None
        await session.delete(row)
    await chat.tap(f"site:{gone.id}")
    assert chat.text.startswith("Ce bouton n'est plus valide.")
    [youth] = await _youths(database)
    assert youth.site_id is None
