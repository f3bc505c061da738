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
# None is also an English word ("to", "internet"), or an English post would turn Polish.
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


# A word in lower case with a letter only Polish writes: "działa", "złotych"; not "Łódź",
# nor "zł", which English writes after an amount too.
_POLISH_WORDS_WRITTEN = re.compile(
    r"(?<![^\W\d_])(?!zł(?![^\W\d_]))[a-ząęłńśźżćó]*[ąęłńśźżć][a-ząęłńśźżćó]*"
)
_CLAUSES = re.compile(r"[.,;:!?\n]+")


@lru_cache(maxsize=8)
def _detector(languages: tuple[str, ...]) -> LanguageDetector:
    codes = dict.fromkeys(languages + OTHERS)
    chosen = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in codes]
    return LanguageDetectorBuilder.from_languages(*chosen).with_preloaded_language_models().build()


def detect_language(text: str, languages: Sequence[str] = ("pl", "en")) -> LanguageGuess:
    """The most likely configured language, its confidence, and whether the text mixes two."""
    return detect_languages([text], languages)[0]


def detect_languages(
    texts: Sequence[str], languages: Sequence[str] = ("pl", "en")
) -> list[LanguageGuess]:
    """`detect_language` for many texts at once: lingua scores them on all cores."""
    codes = tuple(code.lower() for code in languages)
    try:
        detector = _detector(codes)
    except (AttributeError, ValueError):
        raise ValueError(
            f"unknown language code in {list(languages)}; use ISO 639-1 codes"
        ) from None
    samples = [text[:2000] for text in texts]
    found: list[tuple[str | None, float]] = [(None, 0.0)] * len(samples)
    asked: list[int] = []
    for i, sample in enumerate(samples):
        if len(_LETTERS.findall(sample)) < MIN_LETTERS:
            continue
        if "pl" in codes and len(_POLISH_WORDS_WRITTEN.findall(sample)) >= 2:
            # Words in letters no neighbour language writes (ą ę ł ń ś ź ż ć): Polish, without
            # asking the detector (the most costly step of understanding a post). Names of
            # places do not count: an English post about Łódź or Śródmieście is English.
            found[i] = ("pl", 0.95)
        else:
            asked.append(i)
    scored = detector.compute_language_confidence_values_in_parallel([samples[i] for i in asked])
    for i, values in zip(asked, scored, strict=True):
        if not values:
            continue
        lang = values[0].language.iso_code_639_1.name.lower()
        confidence = float(values[0].value)
        words = set(re.findall(r"[a-z]+", samples[i].casefold()))
        if "pl" in codes and lang != "pl" and len(words & _POLISH_WORDS) >= 2:
            lang, confidence = "pl", max(confidence, 0.6)
        found[i] = (lang, confidence)
    kept = [sample if lang else "" for sample, (lang, _) in zip(samples, found, strict=True)]
    mixed = _mixed(kept, detector, codes)
    return [
        LanguageGuess(lang, round(confidence, 3), is_mixed)
        for (lang, confidence), is_mixed in zip(found, mixed, strict=True)
    ]


def _mixed(
    samples: Sequence[str], detector: LanguageDetector, codes: tuple[str, ...]
) -> list[bool]:
    """For each text: at least two configured languages each carry a real share of the words."""
    clauses_of = [
        [c for c in _CLAUSES.split(sample) if len(c.split()) >= 3][:12] for sample in samples
    ]
    asked = [clause for clauses in clauses_of if len(clauses) >= 2 for clause in clauses]
    answers = iter(detector.detect_languages_in_parallel_of(asked))
    result = []
    for clauses in clauses_of:
        if len(clauses) < 2:
            result.append(False)
            continue
        words_by_lang: dict[str, int] = {}
        for clause in clauses:
            language = next(answers)
            if language is not None:
                code = language.iso_code_639_1.name.lower()
                words_by_lang[code] = words_by_lang.get(code, 0) + len(clause.split())
        total = sum(words_by_lang.values()) or 1
        shares = [n / total for code, n in words_by_lang.items() if code in codes]
        result.append(len([share for share in shares if share >= MIXED_SHARE]) >= 2)
    return result
