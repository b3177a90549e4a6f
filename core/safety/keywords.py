"""Spotting an urgent situation in whatever a youth types, in any of our languages.

The phrases are data (`keywords.json`); this module turns them into one regular
expression per situation, once per process, the first time a message is checked.
Youths write on cheap phones, often in a second language: without accents, in
SMS spelling, with doubled or missing letters and either apostrophe. So the
message and the phrases go through the same normalisation, and phrases match
whole words only, so that "rue de la Roquette" is not "à la rue".

Every locale's phrases are checked on every message: a youth may write in any
language whatever the one they chose. Missing an urgent message costs more than
showing helplines once too often, so the lists lean towards catching.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.safety.situations import Situation

KEYWORDS_FILE = Path(__file__).with_name("keywords.json")

# Typed apostrophes and their look-alikes; in a phrase, each marks an optional space.
_APOSTROPHES = re.compile("['’‘ʼ`´′]")
_SEPARATORS = re.compile(r"[\W_]+")
# "mourrir", "faiiim": a letter typed twice or more counts once, on both sides.
_REPEATED_LETTER = re.compile(r"([^\W\d_])\1+")
_WILDCARD = "*"
# French glues elided words to the next one when typing fast: "jveux", "lenvie".
_ELISION = {"fr": r"(?:[cdjlmnst]|qu)?"}

PhraseLists = Mapping[str, Mapping[Situation, Iterable[str]]]


class KeywordDataError(ValueError):
    """The keywords file is malformed; the message names the locale and situation."""


def normalize(text: str) -> str:
    """Lower-case words without accents, separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = _SEPARATORS.sub(" ", bare.casefold())
    return _REPEATED_LETTER.sub(r"\1", words).strip()


def phrase_pattern(phrase: str) -> str:
    """The regular expression of one phrase, to match on normalised text."""
    words = []
    for word in _APOSTROPHES.sub("'", phrase).split():
        wildcard = word.endswith(_WILDCARD)
        parts = [normalize(part) for part in word.rstrip(_WILDCARD).split("'")]
        body = " ?".join(re.escape(part) for part in parts if part)
        if body:
            words.append(body + (r"\w*" if wildcard else ""))
    if not words:
        raise KeywordDataError(f"{phrase!r} has no word to match")
    return " ".join(words)


def locale_pattern(locale: str, phrases: Iterable[str]) -> str:
    """One locale's phrases, each matched as whole words."""
    # The word boundaries and the elision are written once around all the phrases,
    # not around each: on a 4,000-character message that is about twenty times faster.
    alternatives = "|".join(phrase_pattern(phrase) for phrase in phrases)
    return rf"(?<!\w){_ELISION.get(locale, '')}(?:{alternatives})(?!\w)"


@dataclass(frozen=True, slots=True)
class KeywordMatcher:
    """One compiled expression per situation, over all locales' phrases."""

    patterns: tuple[tuple[Situation, re.Pattern[str]], ...]

    @classmethod
    def from_lists(cls, lists: PhraseLists) -> KeywordMatcher:
        by_situation: dict[Situation, list[str]] = {}
        for locale, phrase_lists in lists.items():
            for situation, phrases in phrase_lists.items():
                listed = tuple(phrases)
                if listed:
                    by_situation.setdefault(situation, []).append(locale_pattern(locale, listed))
        return cls(
            tuple(
                (situation, re.compile("|".join(patterns)))
                for situation, patterns in by_situation.items()
            )
        )

    def detect(self, text: str) -> frozenset[Situation]:
        normalised = normalize(text)
        return frozenset(
            situation for situation, pattern in self.patterns if pattern.search(normalised)
        )


def load_keywords(path: Path = KEYWORDS_FILE) -> dict[str, dict[Situation, tuple[str, ...]]]:
    """The phrase lists by locale and situation, checked for shape."""
    document = json.loads(path.read_text(encoding="utf-8"))
    locales = document.get("locales") if isinstance(document, dict) else None
    if not isinstance(locales, dict) or not locales:
        raise KeywordDataError(f"{path}: expected an object with a 'locales' object")
    lists: dict[str, dict[Situation, tuple[str, ...]]] = {}
    for locale, by_situation in locales.items():
        if not isinstance(by_situation, dict):
            raise KeywordDataError(f"{path}: {locale!r} must map situations to phrase lists")
        lists[locale] = {}
        for key, phrases in by_situation.items():
            try:
                situation = Situation(key)
            except ValueError as error:
                raise KeywordDataError(f"{path}: {locale}: unknown situation {key!r}") from error
            if not isinstance(phrases, list) or not all(
                isinstance(phrase, str) and phrase.strip() for phrase in phrases
            ):
                raise KeywordDataError(f"{path}: {locale}.{key} must be a list of phrases")
            lists[locale][situation] = tuple(phrases)
    return lists


@cache
def default_matcher() -> KeywordMatcher:
    """The matcher of the product's keyword file, built on first use."""
    return KeywordMatcher.from_lists(load_keywords())


def detect_situations(text: str) -> frozenset[Situation]:
    """The urgent situations a message reveals, in any supported language; often none."""
    return default_matcher().detect(text)
