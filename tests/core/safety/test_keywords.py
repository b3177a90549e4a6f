"""Spotting urgent situations in typed text: what must trigger, what must not, and the data."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.config import PROJECT_ROOT
from core.safety.keywords import (
    KeywordDataError,
    KeywordMatcher,
    detect_situations,
    load_keywords,
    normalize,
    phrase_pattern,
)
from core.safety.situations import Situation

SHELTER, FOOD, DANGER, SUICIDAL = (
    Situation.NO_SHELTER,
    Situation.NO_FOOD,
    Situation.DANGER,
    Situation.SUICIDAL,
)

TRUE_POSITIVES = [
    # Nowhere to sleep
    ("Je dors dehors depuis 3 jours", SHELTER),
    ("ce soir je vais dormir dehors", SHELTER),
    ("jdors dehors", SHELTER),
    ("je suis à la rue", SHELTER),
    ("JE SUIS A LA RUE", SHELTER),
    ("chui a la rue depuis lundi", SHELTER),
    ("je suis sdf", SHELTER),
    ("Je suis sans-abri", SHELTER),
    ("j'ai nulle part où dormir ce soir", SHELTER),
    ("jai nul part ou dormir", SHELTER),
    ("pas d’endroit où dormir", SHELTER),
    ("mes parents m'ont mis dehors", SHELTER),
    ("ma mère m’a mise à la porte", SHELTER),
    ("je dors dans ma voiture", SHELTER),
    ("je dormais dans le métro", SHELTER),
    ("jai plus de logement", SHELTER),
    ("j ai pas de logement ce soir", SHELTER),
    ("où dormir ce soir ???", SHELTER),
    ("I'm sleeping outside tonight", SHELTER),
    ("slept rough last night", SHELTER),
    ("im homeless", SHELTER),
    ("I have nowhere to sleep", SHELTER),
    ("no where to sleep", SHELTER),
    ("my dad kicked me out", SHELTER),
    ("I'm sleeping in my car", SHELTER),
    ("I live on the streets", SHELTER),
    # Nothing to eat
    ("j’ai rien à manger", FOOD),
    ("j ai rien a manger", FOOD),
    ("Jai pas mangé depuis hier", FOOD),
    ("j'ai pas manger depuis 2 jours", FOOD),
    ("jai faim", FOOD),
    ("J'ai trop faim", FOOD),
    ("Jai faiiiim", FOOD),
    ("je crève la dalle", FOOD),
    ("plus rien à manger chez moi", FOOD),
    ("j'ai pas les moyens de manger", FOOD),
    ("je saute des repas", FOOD),
    ("I have nothing to eat", FOOD),
    ("I haven't eaten since Monday", FOOD),
    ("havent eaten in 2 days", FOOD),
    ("im hungry", FOOD),
    ("I can't afford food", FOOD),
    ("I'm skipping meals", FOOD),
    # In danger
    ("on me frappe", DANGER),
    ("mon copain me frappe", DANGER),
    ("mon beau-père me bat", DANGER),
    ("Je suis en danger", DANGER),
    ("il m'a frappée hier", DANGER),
    ("violences conjugales", DANGER),
    ("il me menace de mort", DANGER),
    ("j'ai peur de rentrer chez moi", DANGER),
    ("ils veulent me marier de force", DANGER),
    ("j'ai été violée", DANGER),
    ("AU SECOURS", DANGER),
    ("someone hits me", DANGER),
    ("my dad beats me", DANGER),
    ("I'm in danger", DANGER),
    ("my boyfriend is abusing me", DANGER),
    ("domestic violence", DANGER),
    ("I was raped", DANGER),
    ("he threatened to kill me", DANGER),
    # Wanting to die or to self-harm
    ("je veux me suicider", SUICIDAL),
    ("suicide", SUICIDAL),
    ("jveux mourir", SUICIDAL),
    ("j'ai envie de mourir", SUICIDAL),
    ("envi de mourir", SUICIDAL),
    ("J’AI ENVIE DE MOURRIR !!!", SUICIDAL),
    ("lenvie de mourir me quitte pas", SUICIDAL),
    ("je vais me tuer", SUICIDAL),
    ("je veux en finir", SUICIDAL),
    ("j'ai plus envie de vivre", SUICIDAL),
    ("je veux plus vivre", SUICIDAL),
    ("j ai envie de me faire du mal", SUICIDAL),
    ("je me scarifie", SUICIDAL),
    ("envie de crever", SUICIDAL),
    ("I want to kill myself", SUICIDAL),
    ("i wanna die", SUICIDAL),
    ("I want 2 die", SUICIDAL),
    ("I feel suicidal", SUICIDAL),
    ("I want to end it all", SUICIDAL),
    ("I hurt myself again", SUICIDAL),
    ("self-harm", SUICIDAL),
    ("dont want to live anymore", SUICIDAL),
]

ORDINARY = [
    "je cherche un atelier logement",
    "rue de la Roquette",
    "j'habite rue Oberkampf",
    "mort de rire",
    "je vais mourir de rire",
    "j'ai tué le game",
    "je dors chez ma tante",
    "je dors mal en ce moment",
    "la rue est bruyante",
    "on se voit à la rentrée",
    "la ruelle derrière la gare",
    "je suis crevé",
    "ça me tue",
    "t'abuses",
    "il abuse grave",
    "du fromage râpé",
    "c'est sans danger",
    "je veux manger au resto",
    "qu'est-ce qu'il y a à manger ?",
    "je cherche un logement",
    "le film est violent",
    "mon tel est mort",
    "je dois me battre pour mes droits",
    "ça me tape sur les nerfs",
    "ça me fait rire",
    "j'ai rendez-vous mercredi à 14h",
    "je veux une formation en cuisine",
    "I'm dying to see it",
    "dead tired",
    "my phone is dead",
    "street food",
    "kill time",
    "I'm killing it",
    "hit me up",
    "fast food is my thing",
    "I ate already",
    "I need help with my homework",
    "",
    "   ",
    "👍",
]


@pytest.mark.parametrize(("text", "situation"), TRUE_POSITIVES)
def test_revealing_messages_trigger_their_situation(text: str, situation: Situation) -> None:
    assert detect_situations(text) == {situation}


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_messages_trigger_nothing(text: str) -> None:
    assert detect_situations(text) == frozenset()


def test_a_message_may_reveal_several_situations() -> None:
    assert detect_situations("je dors dehors et j'ai rien mangé depuis hier") == {SHELTER, FOOD}
    assert detect_situations("il me frappe, j'ai envie de mourir") == {DANGER, SUICIDAL}


def test_every_language_is_checked_whatever_the_message_language() -> None:
    assert detect_situations("bonjour, I have nowhere to sleep, merci") == {SHELTER}
    assert detect_situations("hello, j'ai faim") == {FOOD}


# -- normalisation and phrase syntax ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("J’AI  Envie—de MOURRIR!!", "j ai envie de mourir"),
        ("Ça va à l'école", "ca va a l ecole"),
        ("sans-abri\n\tce soir", "sans abri ce soir"),
        ("faiiiim 115", "faim 115"),  # letters squeezed, digits kept
        ("ﬁn", "fin"),  # compatibility forms unfolded
        ("  ", ""),
    ],
)
def test_normalisation(text: str, expected: str) -> None:
    assert normalize(text) == expected


def _matcher(locale: str, phrase: str, situation: Situation = DANGER) -> KeywordMatcher:
    return KeywordMatcher.from_lists({locale: {situation: [phrase]}})


def test_a_phrase_matches_whole_words_only() -> None:
    matcher = _matcher("en", "rue")
    assert matcher.detect("la rue") == {DANGER}
    assert matcher.detect("la ruelle") == frozenset()
    assert matcher.detect("parue") == frozenset()


def test_a_star_matches_any_ending_of_a_word() -> None:
    matcher = _matcher("en", "frapp* fort")
    assert matcher.detect("il m'a frappée fort") == {DANGER}
    assert matcher.detect("frappe fort") == {DANGER}
    assert matcher.detect("refrappe fort") == frozenset()
    assert matcher.detect("frappe pas fort") == frozenset()


@pytest.mark.parametrize("typed", ["j'ai faim", "j’ai faim", "jai faim", "j ai faim", "J'AI FAIM"])
def test_an_apostrophe_may_be_typed_or_left_out(typed: str) -> None:
    assert _matcher("en", "j'ai faim", FOOD).detect(typed) == {FOOD}


def test_french_elided_words_may_be_glued_to_the_next_one() -> None:
    assert _matcher("fr", "envie de mourir").detect("lenvie de mourir") == {DANGER}
    assert _matcher("fr", "veux mourir").detect("jveux mourir") == {DANGER}
    # Only French elides that way; elsewhere, a glued letter makes another word.
    assert _matcher("en", "envie de mourir").detect("lenvie de mourir") == frozenset()


def test_other_scripts_are_ready_for_their_lists() -> None:
    ukrainian = _matcher("uk", "хочу померти", SUICIDAL)
    assert ukrainian.detect("Я ХОЧУ ПОМЕРТИ!!!") == {SUICIDAL}
    assert ukrainian.detect("хочу поспати") == frozenset()
    arabic = _matcher("ar", "أريد أن أموت", SUICIDAL)
    assert arabic.detect("أُرِيدُ أَنْ أَمُوتَ") == {SUICIDAL}, "short vowels are ignored"


def test_a_phrase_without_a_word_is_refused() -> None:
    with pytest.raises(KeywordDataError):
        phrase_pattern("*' ?")


def test_regex_characters_in_a_phrase_are_taken_literally() -> None:
    assert _matcher("en", "a.b").detect("a-b") == {DANGER}
    assert _matcher("en", "a.b").detect("axb") == frozenset()
    assert _matcher("en", "(x)").detect("x") == {DANGER}


# -- the product's lists -----------------------------------------------------------


LISTS = load_keywords()
PHRASES = [
    (locale, situation, phrase)
    for locale, by_situation in LISTS.items()
    for situation, phrases in by_situation.items()
    for phrase in phrases
]


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_each_language_lists_every_situation(locale: str) -> None:
    assert set(LISTS[locale]) == set(Situation)
    assert all(LISTS[locale][situation] for situation in Situation)


@pytest.mark.parametrize(("locale", "situation", "phrase"), PHRASES)
def test_every_listed_phrase_triggers_its_situation_however_typed(
    locale: str, situation: Situation, phrase: str
) -> None:
    written = phrase.replace("*", "")
    typed_badly = normalize(written).upper().replace(" ", "  ")
    without_apostrophes = written.replace("'", "")
    for text in (written, typed_badly, without_apostrophes, f"bon. {written}!"):
        assert situation in detect_situations(text), f"{locale}: {phrase!r} as {text!r}"


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_no_phrase_is_listed_twice(locale: str) -> None:
    for situation, phrases in LISTS[locale].items():
        patterns = [phrase_pattern(phrase) for phrase in phrases]
        duplicates = {p for p in patterns if patterns.count(p) > 1}
        assert not duplicates, f"{locale}.{situation}: {duplicates}"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"locales": {"fr": {"hungry": ["faim"]}}}, "unknown situation 'hungry'"),
        ({"locales": {"fr": {"no_food": "faim"}}}, "must be a list of phrases"),
        ({"locales": {"fr": {"no_food": ["faim", " "]}}}, "must be a list of phrases"),
        ({"locales": {"fr": ["faim"]}}, "must map situations"),
        ({"locales": {}}, "'locales' object"),
    ],
)
def test_a_malformed_keywords_file_is_refused(
    tmp_path: Path, document: object, message: str
) -> None:
    path = tmp_path / "keywords.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(KeywordDataError, match=message):
        load_keywords(path)


def test_nothing_is_compiled_at_import_time() -> None:
    probe = (
        "import core.safety.keywords as k; "
        "print(k.default_matcher.cache_info().currsize); "
        "k.detect_situations('x'); "
        "print(k.default_matcher.cache_info().currsize)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["0", "1"]


# -- any text at all ---------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=4000))
def test_detection_never_fails_on_any_text(text: str) -> None:
    assert detect_situations(text) <= set(Situation)


@given(
    before=st.text(alphabet=" .,;!?\n\t-'\"()", max_size=20),
    after=st.text(alphabet=" .,;!?\n\t-'\"()", max_size=20),
)
def test_a_phrase_is_found_whatever_punctuation_surrounds_it(before: str, after: str) -> None:
    assert detect_situations(f"{before}envie de mourir{after}") == {SUICIDAL}


@pytest.mark.parametrize(
    "text",
    [
        "a " * 2000,
        "je " * 1333,
        "x" * 4000,
        "dormir " * 571,
        "é’!" * 1333,
        ("Bonjour, je voudrais un rendez-vous pour un atelier CV. " * 80)[:4000],
    ],
    ids=["short-words", "je", "one-word", "prefixes", "punctuation", "prose"],
)
def test_a_4000_character_message_is_checked_quickly(text: str) -> None:
    detect_situations("warm up")
    elapsed = min(_timed(text) for _ in range(3))
    assert elapsed < 0.1, f"{elapsed:.3f}s for {len(text)} characters"


def _timed(text: str) -> float:
    start = time.perf_counter()
    detect_situations(text)
    return time.perf_counter() - start
