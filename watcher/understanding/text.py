"""Normalising untrusted post text: markup, invisible characters, look-alikes, diacritics.

A post may carry HTML remnants, zero-width characters or Cyrillic look-alike
letters (a "Nеtia" with a Cyrillic е slips past a naive filter); everything
that reads the text works on what `normalise` returns.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import simplemma

# Long posts add nothing a decision needs past this, and bound the time spent.
MAX_CHARS = 20_000
_TAGS = re.compile(
    r"<(script|style)\b[^>]{0,200}>.*?</\1\s*>|<[^>]{0,500}>", re.IGNORECASE | re.DOTALL
)
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E, 0x200E, 0x200F], None
)
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
# Cyrillic and Greek letters that look like Latin ones.
_HOMOGLYPHS = str.maketrans(
    "аеорсухіјѕԁԛԝтАВЕКМНОРСТХІЈЅνοτΑΒΕΗΙΚΜΝΟΡΤΧΥΖ",
    "aeopcyxijsdqwtABEKMHOPCTXIJSvotABEHIKMNOPTXYZ",
)
_FOLD_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "đ": "d", "ß": "ss"})


def strip_markup(text: str) -> str:
    """Plain text from a post that may carry HTML: tags dropped, entities decoded."""
    if "<" in text:
        text = _TAGS.sub(" ", text)
    return html.unescape(text) if "&" in text else text


# Every combining mark (all have code points below U+20000), deleted in one translate.
_DROP_COMBINING = {cp: None for cp in range(0x20000) if unicodedata.combining(chr(cp))}


# Where a quote tweet's quoted post begins ("Quote @asia_m:", "QT @x:"): the rest is it.
_QUOTE_TWEET = re.compile(
    r"^[ \t]*(?:quote|qt|quoting|cytuj[aą]c)[ \t]+@[\w.]+[ \t]*:", re.I | re.M
)
# A line quoted in a reply ("> ...").
_QUOTED_LINE = re.compile(r"^[ \t]*>.*(?:\n|$)", re.M)


def own_words(text: str) -> str:
    """The text without what it quotes of someone else's post: the amounts, names and
    numbers there are the quoted author's, not this one's."""
    quote = _QUOTE_TWEET.search(text)
    if quote:
        text = text[: quote.start()]
    return _QUOTED_LINE.sub("", text).strip()


def fold_diacritics(text: str) -> str:
    """'Zażółć' -> 'Zazolc': Poles often type without diacritics."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return decomposed.translate(_DROP_COMBINING)


def deceive_proof(text: str) -> str:
    """Invisible characters removed and look-alike letters mapped to Latin."""
    return text.translate(_INVISIBLE).translate(_HOMOGLYPHS)


@dataclass(frozen=True)
class Normalised:
    clean: str  # markup and invisible characters gone, NFKC, spaces collapsed, bounded
    folded: str  # casefolded
    ascii_folded: str  # casefolded without diacritics
    tokens: tuple[str, ...]  # words of ascii_folded


@lru_cache(maxsize=4096)  # the stages of one post normalise its text several times
def normalise(text: str) -> Normalised:
    clean = unicodedata.normalize("NFKC", deceive_proof(strip_markup(text[: MAX_CHARS * 2])))
    clean = _SPACES.sub(" ", clean).strip()[:MAX_CHARS]
    folded = clean.casefold()
    ascii_folded = fold_diacritics(folded)
    return Normalised(clean, folded, ascii_folded, tuple(_WORD.findall(ascii_folded)))


@lru_cache(maxsize=50_000)
def _lemma(word: str, lang: str) -> str:
    return str(simplemma.lemmatize(word, lang=lang))


def lemmas(text: str, lang: str | None) -> tuple[str, ...]:
    """Lemmas of the words of a text (simplemma), for word features."""
    words = _WORD.findall(text.casefold())
    if lang not in ("pl", "en"):
        return tuple(words)
    return tuple(_lemma(w, lang) for w in words)
