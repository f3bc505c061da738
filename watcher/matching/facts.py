"""Plain facts about a complaint and a ticket, as the matcher compares them.

Built from ORM rows by the linker; pure code (features, scoring) sees only
these, so it is tested without a database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from watcher.understanding.text import fold_diacritics

_NON_WORD = re.compile(r"[^\w]+")
_DIGITS = re.compile(r"\d+")
# Polish case endings of street names (nouns and adjectives), longest first:
# "Grochowska", "na Grochowskiej", "os. Kalinowe", "na Kalinowym" share a stem.
_PLACE_ENDINGS = sorted(
    ["iego", "iej", "ich", "ych", "ymi", "imi", "ego", "emu", "owi", "ej", "ą", "ę",
     "im", "ym", "om", "ie", "a", "e", "i", "o", "u", "y"],
    key=len,
    reverse=True,
)  # fmt: skip
_PLACE_TOKEN = re.compile(r"\w+")
_SENTENCE_END = frozenset(".!?\n:;\"'#(")
# How far into a post street names are looked for (bounded time on long posts).
MENTION_CHARS = 5000


def fold(text: str) -> str:
    """Case- and diacritics-folded text: many Poles type without diacritics."""
    return text.casefold() if text.isascii() else fold_diacritics(text.casefold())


def ref_digits(reference: str) -> str:
    """The number in a ticket reference: 'NT-10234', '#10234' and '10234' agree."""
    return "".join(_DIGITS.findall(reference))


@lru_cache(maxsize=1 << 16)
def place_stem(word: str) -> str:
    """A folded street-name word without its case ending; numbers stay as they are."""
    word = fold(word)
    if word.isdigit():
        return word
    for ending in _PLACE_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def place_key(place: str) -> str:
    """A place as the matcher compares it: 'ul. Grochowskiej' and 'Grochowska' agree."""
    return " ".join(place_stem(word) for word in _PLACE_TOKEN.findall(place))


def place_mentions(text: str) -> frozenset[str]:
    """Keys of one to three words a text may name a street with, without "ul." before it.

    A run counts when it starts with a capital letter inside a sentence ("czekam na
    Legnickiej") or a house number follows it ("legnicka 12"). Lowercase words and
    the first word of a sentence ("Długo czekam") are too often common words.
    """
    text = text[:MENTION_CHARS]
    matches = list(_PLACE_TOKEN.finditer(text))
    tokens = [m.group(0) for m in matches]
    stems = [place_stem(token) for token in tokens]
    keys: set[str] = set()
    for start, match in enumerate(matches):
        token = tokens[start]
        if token.isdigit():
            continue
        gap = text[matches[start - 1].end() : match.start()] if start else "."
        capital = token[0].isupper() and not _SENTENCE_END.intersection(gap)
        for end in range(start + 1, min(start + 3, len(tokens)) + 1):
            numbered = end < len(tokens) and tokens[end][0].isdigit()
            if capital or numbered:
                keys.add(" ".join(stems[start:end]))
    return frozenset(keys)


def plan_speed(speeds: Iterable[Any]) -> int | None:
    """The plan among the speeds a text names: the highest ("paying for 300 Mb/s and
    getting 20 Mbps"); what a line really delivers is below what was sold."""
    values = [int(speed) for speed in speeds if str(speed).isdigit()]
    return max(values) if values else None


@dataclass(frozen=True)
class ComplaintFacts:
    """What a public complaint tells about its ticket."""

    complaint_id: int
    text: str
    author: str | None
    published_at: datetime | None
    category: str | None
    url: str | None = None
    ticket_refs: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    amounts: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    plan: int | None = None  # speed of the plan, Mb/s
    # Words that may name a street (see `place_mentions`); compared with the ticket's streets.
    place_mentions: frozenset[str] = frozenset()

    @classmethod
    def from_identifiers(
        cls,
        complaint_id: int,
        *,
        text: str,
        author: str | None,
        published_at: datetime | None,
        category: str | None,
        identifiers: dict[str, Any],
        url: str | None = None,
    ) -> ComplaintFacts:
        def strings(key: str) -> tuple[str, ...]:
            return tuple(str(item) for item in identifiers.get(key) or () if item)

        amounts = tuple(
            str(item.get("value")) if isinstance(item, dict) else str(item)
            for item in identifiers.get("amounts") or ()
        )
        return cls(
            complaint_id=complaint_id,
            text=text,
            author=author,
            published_at=published_at,
            category=category,
            url=url,
            ticket_refs=strings("ticket_refs"),
            emails=strings("emails"),
            phones=strings("phones"),
            amounts=tuple(a for a in amounts if a and a != "None"),
            places=strings("places"),
            dates=strings("dates"),
            plan=plan_speed(identifiers.get("speeds") or ()),
            place_mentions=place_mentions(text),
        )


@dataclass(frozen=True)
class TicketFacts:
    """What the matcher knows of a candidate ticket."""

    ticket_id: int
    external_id: str
    text: str
    customer_id: int | None
    created_at: datetime
    status: str
    solved_at: datetime | None
    category: str | None
    customer_name: str | None = None
    amounts: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    plan: int | None = None  # speed of the plan, Mb/s
    # The public post watcher opened this ticket from, if it did (`post_url` of the ticket).
    opened_from: str | None = None


@dataclass
class Candidate:
    """A ticket proposed for a complaint, and what proposed it."""

    ticket: TicketFacts
    channels: set[str] = field(default_factory=set)
    reference: str = "none"  # exact | near | other | none
    identity: str = "none"  # exact | shared | name | none
    similarity: float = 0.0
