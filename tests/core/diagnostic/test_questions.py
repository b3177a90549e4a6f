"""The questionnaire as data: keys, labels, domains, and the walk through conditions."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from core.diagnostic import DOMAINS, SAFETY, answer, domain, next_question, question, questions_of
from core.diagnostic.domains import health, housing, mobility
from core.diagnostic.domains.safety import ALL_GOOD, TODAY, situation_of
from core.diagnostic.model import MAX_KEY_LENGTH, Answer, Domain, Question
from core.diagnostic.questions import domain_rank, previous_question
from core.i18n import render_text, t
from core.safety.situations import Situation
from tests.support.chat import compiled_catalogs

PARIS = ZoneInfo("Europe/Paris")
ALL_DOMAINS = (SAFETY, *DOMAINS)
ALL_QUESTIONS = [q for item in ALL_DOMAINS for q in item.questions]
ALL_ANSWERS = [(q, a) for q in ALL_QUESTIONS for a in q.answers]
# Telegram shows about this many characters on a button of a phone before cutting it.
MAX_LABEL = 25


def test_the_eight_domains_of_the_design_come_in_order_after_the_safety_step() -> None:
    assert [item.key for item in DOMAINS] == [
        "housing",
        "money",
        "rights",
        "health",
        "digital",
        "job",
        "family",
        "mobility",
    ]
    assert [domain_rank(item.key) for item in ALL_DOMAINS] == list(range(9))
    assert domain("safety") is SAFETY


@pytest.mark.parametrize("item", DOMAINS, ids=lambda d: d.key)
def test_each_domain_has_two_to_four_button_questions(item: Domain) -> None:
    assert 2 <= len(item.questions) <= 4
    assert item.emoji


def test_the_safety_step_offers_each_urgent_situation_and_a_way_out() -> None:
    (only,) = SAFETY.questions
    assert only.key == TODAY
    keys = [a.key for a in only.answers]
    assert keys == [*(situation.value for situation in Situation), ALL_GOOD]
    assert [situation_of(key) for key in keys] == [*Situation, None]
    assert situation_of("anything else") is None


def test_keys_are_unique_short_and_plain() -> None:
    keys = [item.key for item in ALL_DOMAINS] + [q.key for q in ALL_QUESTIONS]
    assert len(keys) == len(set(keys))
    for key in keys + [a.key for _, a in ALL_ANSWERS]:
        assert len(key) <= MAX_KEY_LENGTH, key
        assert set(key) <= set("abcdefghijklmnopqrstuvwxyz0123456789_."), key


@pytest.mark.parametrize("bad", ["", "Housing", "housing-sleep", "a" * (MAX_KEY_LENGTH + 1)])
def test_a_malformed_key_is_refused_where_it_is_written(bad: str) -> None:
    with pytest.raises(ValueError, match="key"):
        Answer(bad, t("Oui"))


def test_a_question_needs_distinct_answers_and_its_domain_prefix() -> None:
    yes = Answer("yes", t("Oui"))
    with pytest.raises(ValueError, match="distinct"):
        Question("x.q", t("Oui"), (yes, yes))
    with pytest.raises(ValueError, match="domain key"):
        Domain("x", "❓", t("Oui"), (Question("y.q", t("Oui"), (yes, Answer("no", t("Non")))),))


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_every_answer_label_fits_on_a_button(locale: str) -> None:
    catalogs = compiled_catalogs()
    too_long = {
        f"{q.key}:{a.key}": rendered
        for q, a in ALL_ANSWERS
        if len(rendered := render_text(a.label, locale, catalogs, PARIS)) > MAX_LABEL
    }
    assert too_long == {}


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_domain_titles_fit_on_a_button_with_their_emoji(locale: str) -> None:
    catalogs = compiled_catalogs()
    for item in ALL_DOMAINS:
        label = f"{item.emoji} {render_text(item.title, locale, catalogs, PARIS)}"
        assert len(label) <= MAX_LABEL, label


def test_lookups_find_questions_and_answers_by_key() -> None:
    assert question(housing.SLEEP) is housing.HOUSING.questions[0]
    assert questions_of("health") == health.HEALTH.questions
    found = answer(housing.SLEEP, housing.STREET)
    assert found is not None
    assert found.key == housing.STREET
    with pytest.raises(KeyError):
        question("housing.nope")
    with pytest.raises(KeyError):
        domain("nope")


@pytest.mark.parametrize(
    ("question_key", "answer_key"),
    [(housing.SLEEP, "castle"), ("housing.nope", "yes"), ("", "")],
)
def test_a_stale_or_forged_button_finds_no_answer(question_key: str, answer_key: str) -> None:
    assert answer(question_key, answer_key) is None


# -- walking a domain -------------------------------------------------------------


def _walk(domain_key: str, answers: dict[str, str]) -> list[str]:
    """The questions asked when answering each with `answers` (or skipping it when absent)."""
    asked: list[str] = []
    given: dict[str, str] = {}
    current = next_question(domain_key, given)
    while current is not None:
        asked.append(current.key)
        if current.key in answers:
            given[current.key] = answers[current.key]
        current = next_question(domain_key, given, after=current.key)
    return asked


# Skipping every question: a follow-up question comes only after the answer it follows.
SKIPPING_ALL = {
    "safety": ["safety.today"],
    "housing": ["housing.sleep", "housing.leave", "housing.mail"],
    "money": ["money.income", "money.meals", "money.bank"],
    "rights": ["rights.papers", "rights.health_cover", "rights.age_25"],
    "health": ["health.mood", "health.care", "health.use"],
    "digital": ["digital.phone", "digital.computer", "digital.online"],
    "job": ["job.now", "job.goal", "job.diploma"],
    "family": ["family.ase", "family.child", "family.minor"],
    "mobility": ["mobility.transport", "mobility.french"],
}


@pytest.mark.parametrize("item", ALL_DOMAINS, ids=lambda d: d.key)
def test_skipping_every_question_still_walks_to_the_end(item: Domain) -> None:
    assert _walk(item.key, {}) == SKIPPING_ALL[item.key]


@pytest.mark.parametrize("face", health.BOTTOM_FACES)
def test_the_suicide_question_follows_one_of_the_two_lowest_faces(face: str) -> None:
    assert _walk("health", {health.MOOD: face}) == [
        health.MOOD,
        health.SUICIDE,
        health.CARE,
        health.USE,
    ]


@pytest.mark.parametrize("face", [health.GREAT, health.GOOD, health.SO_SO])
def test_the_suicide_question_is_not_asked_after_other_faces(face: str) -> None:
    assert health.SUICIDE not in _walk("health", {health.MOOD: face})


def test_the_suicide_question_is_not_asked_when_the_mood_was_skipped() -> None:
    assert _walk("health", {}) == [health.MOOD, health.CARE, health.USE]


def test_whoever_sleeps_outside_is_not_asked_whether_they_may_have_to_leave() -> None:
    assert _walk("housing", {housing.SLEEP: housing.STREET}) == [housing.SLEEP, housing.MAIL]
    assert _walk("housing", {housing.SLEEP: housing.PARENTS}) == [
        housing.SLEEP,
        housing.LEAVE,
        housing.MAIL,
    ]


@pytest.mark.parametrize(("french", "asked"), [("yes", False), ("a_bit", True), ("no", True)])
def test_the_interpreter_is_offered_to_whoever_finds_french_hard(french: str, asked: bool) -> None:
    walked = _walk("mobility", {mobility.FRENCH: french})
    assert (mobility.INTERPRETER in walked) is asked


def test_going_back_returns_to_the_previous_question_asked() -> None:
    low = {health.MOOD: health.LOW}
    previous = previous_question("health", low, before=health.CARE)
    assert previous is not None
    assert previous.key == health.SUICIDE
    good = {health.MOOD: health.GOOD}
    previous = previous_question("health", good, before=health.CARE)
    assert previous is not None
    assert previous.key == health.MOOD
    assert previous_question("health", good, before=health.MOOD) is None


def test_the_last_question_of_a_domain_has_nothing_after_it() -> None:
    assert next_question("housing", {}, after=housing.MAIL) is None


def test_walking_from_a_question_of_another_domain_is_refused() -> None:
    with pytest.raises(KeyError):
        next_question("housing", {}, after=health.MOOD)


def test_answers_that_open_every_follow_up_walk_all_questions_in_order() -> None:
    opening = {
        housing.SLEEP: housing.FAMILY_FRIENDS,
        health.MOOD: health.VERY_LOW,
        mobility.FRENCH: "no",
    }
    walked = [key for item in ALL_DOMAINS for key in _walk(item.key, opening)]
    assert walked == [q.key for q in ALL_QUESTIONS]
