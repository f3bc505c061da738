"""Which part of the service a complaint is about, from a configurable PL/EN vocabulary.

Words are matched as prefixes of the diacritics-folded words, so one entry
("awari") covers "awaria", "awarii", "awarią". The category with most hits
wins; ties go to the earlier category of the taxonomy.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from watcher.understanding.text import fold_diacritics, normalise

DEFAULT_TAXONOMY: dict[str, tuple[str, ...]] = {
    "installation": (
        "instalac",
        "podlacz",
        "montaz",
        "technik",
        "install",
        "engineer",
        "appointment",
        "connect",
        "wizyt",
    ),
    "outage": (
        "awari",
        "nie dzial",
        "brak internet",
        "brak net",
        "brak sygnal",
        "padl",
        "padla",
        "zrywa",
        "outage",
        "down",
        "offline",
        "no internet",
        "no service",
        "no signal",
        "dead",
        "los ",
    ),
    "speed": (
        "predkosc",
        "mb/s",
        "mbps",
        "muli",
        "wolny",
        "wolno",
        "ping",
        "speed",
        "slow",
        "latency",
        "upload",
        "lag",
    ),
    "billing": (
        "faktur",
        "rachun",
        "oplat",
        "naliczy",
        "pobral",
        "zwrot",
        "nadplat",
        "zl ",
        "pln",
        "windykac",
        "cennik",
        "abonament",
        "bill",
        "charg",
        "refund",
        "invoice",
        "overcharg",
        "fee",
        "debt",
        "payment",
    ),
    "contract": (
        "umow",
        "wypowiedz",
        "aneks",
        "rabat",
        "contract",
        "cancel",
        "renew",
        "discount",
        "sales rep",
    ),
    "equipment": (
        "router",
        "modem",
        "dekoder",
        "sprzet",
        "ont",
        "set-top",
        "box",
        "equipment",
        "kabel",
        "cable",
    ),
    "tv": ("telewiz", "kanal", "tv", "channel", "sport", "mecz"),
    "account": (
        "konto",
        "logow",
        "haslo",
        "panel klienta",
        "aplikacj",
        "account",
        "log in",
        "login",
        "password",
        "app",
    ),
    "moving": (
        "przeprowadz",
        "przeniesien",
        "nowy adres",
        "nowe mieszkanie",
        "moving",
        "moved",
        "new address",
        "relocat",
    ),
}
FALLBACK = "other"


@dataclass(frozen=True)
class CategoryGuess:
    category: str
    confidence: float
    reasons: tuple[str, ...]


@lru_cache(maxsize=16)
def _prepared(
    taxonomy: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[tuple[str, tuple[tuple[str, str, bool], ...]], ...]:
    """Folded vocabulary, once per taxonomy: (entry, needle, matched as a phrase)."""
    prepared = []
    for category, vocabulary in taxonomy:
        entries = []
        for entry in vocabulary:
            needle = fold_diacritics(entry.casefold())
            phrase = " " in needle.strip() or not needle.strip().isalpha()
            entries.append((entry.strip(), needle, phrase))
        prepared.append((category, tuple(entries)))
    return tuple(prepared)


def _has_prefix(sorted_words: list[str], prefix: str) -> bool:
    """Whether a word starts with `prefix`: the first word not below it tells."""
    at = bisect_left(sorted_words, prefix)
    return at < len(sorted_words) and sorted_words[at].startswith(prefix)


def categorise(
    text: str, lang: str | None = None, taxonomy: Mapping[str, Sequence[str]] | None = None
) -> CategoryGuess:
    """The best category of the taxonomy, how sure, and the words that decided it."""
    taxonomy = taxonomy or DEFAULT_TAXONOMY
    folded = " " + normalise(text).ascii_folded + " "
    words = sorted(set(folded.split()))
    hits: dict[str, list[str]] = {}
    for category, entries in _prepared(tuple((c, tuple(v)) for c, v in taxonomy.items())):
        for entry, needle, phrase in entries:
            found = needle in folded if phrase else _has_prefix(words, needle)
            if found:
                hits.setdefault(category, []).append(entry)
    if not hits:
        return CategoryGuess(FALLBACK, 0.0, ("no category words",))
    order = list(taxonomy)
    best = max(hits, key=lambda c: (len(hits[c]), -order.index(c)))
    total = sum(len(v) for v in hits.values())
    return CategoryGuess(
        best, round(len(hits[best]) / total, 2), tuple(f"{best}: {w}" for w in hits[best][:5])
    )
