"""Which language a post is in, among the configured ones (lingua, offline models)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

# Below this, a guess is reported as no language (emoji, "ok", numbers).
MIN_LETTERS = 3
MIXED_SHARE = 0.25
_LETTERS = re.compile(r"[^\W\d_]")
# Polish typed without diacritics still has these words; lingua sometimes misses it.
_POLISH_WORDS = frozenset(
    [
        "nie",
        "jest",
        "sie",
        "juz",
        "od",
        "mam",
        "mnie",
        "jak",
        "ale",
        "czy",
        "tak",
        "co",
        "to",
        "na",
        "za",
        "przez",
        "dla",
        "bo",
        "tylko",
        "wiec",
        "jeszcze",
        "dziala",
        "zgloszenie",
        "tydzien",
        "tygodnia",
        "internet",
        "nikt",
    ]
)


@dataclass(frozen=True)
class LanguageGuess:
    lang: str | None  # ISO 639-1, e.g. "pl"
    confidence: float
    mixed: bool  # a second configured language has a real share of the text


# Neighbours a Polish/English feed really sees; a post in one of them is reported as such
# instead of being forced into a configured language.
OTHERS = ("de", "ru", "uk", "cs", "sk", "fr", "es", "it")


@lru_cache(maxsize=8)
def _detector(languages: tuple[str, ...]) -> LanguageDetector:
    codes = dict.fromkeys(languages + OTHERS)
    chosen = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in codes]
    return LanguageDetectorBuilder.from_languages(*chosen).with_preloaded_language_models().build()


def detect_language(text: str, languages: Sequence[str] = ("pl", "en")) -> LanguageGuess:
    """The most likely configured language, its confidence, and whether the text mixes two."""
    sample = text[:2000]
    if len(_LETTERS.findall(sample)) < MIN_LETTERS:
        return LanguageGuess(None, 0.0, False)
    codes = tuple(code.lower() for code in languages)
    try:
        detector = _detector(codes)
    except (AttributeError, ValueError):
        raise ValueError(
            f"unknown language code in {list(languages)}; use ISO 639-1 codes"
        ) from None
    values = detector.compute_language_confidence_values(sample)
    if not values:
        return LanguageGuess(None, 0.0, False)
    best = values[0]
    lang = best.language.iso_code_639_1.name.lower()
    confidence = float(best.value)
    words = set(re.findall(r"[a-z]+", sample.casefold()))
    if "pl" in codes and lang != "pl" and len(words & _POLISH_WORDS) >= 2:
        lang, confidence = "pl", max(confidence, 0.6)
    return LanguageGuess(lang, round(confidence, 3), _mixed(detector, sample, codes))


_CLAUSES = re.compile(r"[.,;:!?\n]+")


def _mixed(detector: LanguageDetector, text: str, codes: tuple[str, ...]) -> bool:
    """True when at least two configured languages each carry a real share of the words."""
    words_by_lang: dict[str, int] = {}
    clauses = [c for c in _CLAUSES.split(text) if len(c.split()) >= 3]
    if len(clauses) < 2:
        return False
    for clause in clauses[:12]:
        found = detector.detect_language_of(clause)
        if found is not None:
            code = found.iso_code_639_1.name.lower()
            words_by_lang[code] = words_by_lang.get(code, 0) + len(clause.split())
    total = sum(words_by_lang.values()) or 1
    shares = [n / total for code, n in words_by_lang.items() if code in codes]
    return len([share for share in shares if share >= MIXED_SHARE]) >= 2
