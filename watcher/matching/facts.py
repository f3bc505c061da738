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

from wordfreq import zipf_frequency

from watcher.understanding.complaint import announces_contact
from watcher.understanding.examples import example_lines
from watcher.understanding.identifiers import CITY_FORMS, amount_key
from watcher.understanding.text import fold_diacritics

_NON_WORD = re.compile(r"[^\w]+")
_DIGITS = re.compile(r"\d+")
# Polish case endings of place names and other nouns and adjectives, diacritics folded
# (people type "kwiaciarnie" for "kwiaciarnię"), longest first: "Grochowska" and "na
# Grochowskiej", "Legionowo" and "w Legionowie", "Wadowice" and "w Wadowicach",
# "kwiaciarnia" and "kwiaciarnię" share a stem.
_PLACE_ENDINGS = sorted(
    ["iego", "iach", "iami", "iej", "ich", "ych", "ymi", "imi", "ego", "emu", "owi", "ach",
     "ami", "ia", "ie", "ii", "io", "iu", "ej", "im", "ym", "om", "a", "e", "i", "o", "u", "y"],
    key=len,
    reverse=True,
)  # fmt: skip
_PLACE_TOKEN = re.compile(r"\w+")
# What ends a sentence or a clause between two words: a capital after it is no name.
_SENTENCE_GAP = re.compile(r"[.!?\n:;\"'#(]")
# Zipf frequency (log10 of uses per billion words) at which a word is common: 3.5 is about
# three in a million ("reklamacja" 3.1 in Polish is rare in general text, which is why our
# own complaint vocabulary is removed as well).
COMMON_ZIPF = 3.5
COMMON_LANGS = ("pl", "en")
# A house number: "214", "12a" (not "12.11", which the tokens split anyway, nor a year).
_HOUSE = re.compile(r"\d{1,3}[a-zA-Z]?$")
# A number a unit follows counts something ("4 dzień", "3 dni", "10 zł", "2 times"): no house.
_COUNTED = re.compile(
    r"(?:dni|dnia|dzien|dzień|doba|doby|dobę|dobe|tydz\w*|tygod\w*|miesi\w*|godz\w*|min\w*"
    r"|h|days?|weeks?|months?|hours?|times|razy?|lat\w*|years?|zł|zl|pln|eur|usd|mb|gb|km|kwh"
    r"|proc\w*|osób|osob|people)$",
    re.IGNORECASE,
)
# How far into a post street names are looked for (bounded time on long posts).
MENTION_CHARS = 5000


def fold(text: str) -> str:
    """Case- and diacritics-folded text: many Poles type without diacritics."""
    return text.casefold() if text.isascii() else fold_diacritics(text.casefold())


def ref_digits(reference: str) -> str:
    """The number in a ticket reference: 'NT-10234', '#10234' and '10234' agree."""
    return "".join(_DIGITS.findall(reference))


def ref_keys(reference: str) -> tuple[str, ...]:
    """The numbers a ticket may be cited by: all its digits ('PGE/2026/40547' and 'PGE 2026
    40547' agree) and, for a number in parts, its last part ('#40547', 'zgłoszenie 40547')."""
    groups = _DIGITS.findall(reference)
    full = "".join(groups)
    if len(groups) > 1 and len(groups[-1]) >= 4:
        return (full, groups[-1])
    return (full,)


def strip_ending(word: str, endings: Iterable[str]) -> str:
    """The word without the first of the endings (longest first) that leaves three letters."""
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=1 << 16)
def place_stem(word: str) -> str:
    """A folded word of a name without its case ending; numbers stay as they are."""
    word = fold(word)
    return word if word.isdigit() else strip_ending(word, _PLACE_ENDINGS)


@lru_cache(maxsize=1 << 16)
def place_key(place: str) -> str:
    """A place as the matcher compares it: 'ul. Grochowskiej' and 'Grochowska' agree."""
    return " ".join(place_stem(word) for word in _PLACE_TOKEN.findall(place))


@lru_cache(maxsize=1 << 16)
def place_keys(place: str) -> tuple[str, ...]:
    """The keys a post may name a place by: its `place_key`, and for a double-barrelled
    street each part people shorten it to ("Grota" or "Roweckiego" for
    "Grota-Roweckiego", "Skłodowskiej" for "Curie-Skłodowskiej")."""
    key = place_key(place)
    if "-" not in place:
        return (key,)
    parts = [place_key(part) for part in place.split("-")]
    return (key, *(part for part in parts if len(part) >= 4 and part != key))


def place_runs(text: str) -> dict[str, set[str]]:
    """Keys of one to three words a text may name a street with, without "ul." before it,
    each with the house numbers that follow it ("Grochowska 214 m. 5" -> {"214"}).

    A run counts when it starts with a capital letter inside a sentence ("czekam na
    Legnickiej") or a house number follows it ("legnicka 12"). Lowercase words and
    the first word of a sentence ("Długo czekam") are too often common words.
    """
    text = text[:MENTION_CHARS]
    matches = list(_PLACE_TOKEN.finditer(text))
    tokens = [m.group(0) for m in matches]
    # A house number follows its street after a space alone ("Grochowska 214", not
    # "dalej martwy, 4 dzień"), and no unit follows it.
    numbers = [
        _HOUSE.match(t)
        if t[0].isdigit()
        and i > 0
        and not text[matches[i - 1].end() : matches[i].start()].strip()
        and not (i + 1 < len(tokens) and _COUNTED.match(tokens[i + 1]))
        else None
        for i, t in enumerate(tokens)
    ] + [None] * 3
    runs: dict[str, set[str]] = {}
    stems: dict[int, str] = {}
    for start, match in enumerate(matches):
        token = tokens[start]
        if token.isdigit():
            continue
        capital = token[0].isupper() and not (
            start == 0 or _SENTENCE_GAP.search(text, matches[start - 1].end(), match.start())
        )
        if not capital and not any(numbers[start + 1 : start + 4]):
            continue
        for end in range(start + 1, min(start + 3, len(tokens)) + 1):
            number = numbers[end]
            if capital or number:
                for i in range(start, end):
                    if i not in stems:
                        stems[i] = place_stem(tokens[i])
                found = runs.setdefault(" ".join(stems[i] for i in range(start, end)), set())
                if number:
                    found.add(number.group(0).casefold())
    return runs


def street_numbers(text: str, streets: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """(street key, house number) for each of a text's streets a number follows: the
    address of a ticket ("ul. Grochowska 214 m. 5" -> ("grochowsk", "214"))."""
    pairs = set()
    for street in streets:
        for match in re.finditer(re.escape(street) + r"\s+(\d{1,3}[a-zA-Z]?)\b", text):
            pairs.add((place_key(street), match.group(1).casefold()))
    return tuple(sorted(pairs))


def house_numbers(runs: dict[str, set[str]]) -> tuple[tuple[str, str], ...]:
    """(street key, house number) pairs of `place_runs`, as frozen facts keep them."""
    return tuple(sorted((key, n) for key, numbers in runs.items() for n in numbers))


@lru_cache(maxsize=1)
def problem_vocabulary() -> frozenset[str]:
    """Stems of the words our own complaint examples use (both languages): the vocabulary
    every complaint about the service shares ("reklamacja", "dekoder", "odpowiedzi")."""
    stems: set[str] = set()
    for lang in ("pl", "en"):
        for _, _, _, text in example_lines(lang):
            stems.update(place_stem(token) for token in _PLACE_TOKEN.findall(text))
    return frozenset(stems)


@lru_cache(maxsize=1 << 16)
def uncommon(token: str) -> bool:
    """Rarer than about three in a million words of Polish and of English (wordfreq)."""
    word = token.casefold()
    return all(zipf_frequency(word, lang, wordlist="small") < COMMON_ZIPF for lang in COMMON_LANGS)


# A town's district named after it ("Opole-Zaodrze", "Opole (Zaodrze)", "Gdańsk-Wrzeszcz"):
# a place everyone there shares, not a word that singles a ticket out. Found from the dash
# or the bracket (a regex trying every word is five times slower: every ticket is read).
_DISTRICT_MARK = re.compile(r"[-\u2013(]")
_DISTRICT_NAME = re.compile(r" ?([A-ZĄĆĘŁŃÓŚŹŻ][^\W\d_]+)")


def districts(text: str) -> set[str]:
    text = text[:MENTION_CHARS]
    found = set()
    for mark in _DISTRICT_MARK.finditer(text):
        end = mark.start()
        if end and text[end - 1] == " ":
            end -= 1  # "Kraków - Nowa Huta", "Opole (Zaodrze)"
        start = end
        while start > 0 and text[start - 1].isalpha():
            start -= 1
        if start == end or text[start:end].casefold() not in CITY_FORMS:
            continue
        name = _DISTRICT_NAME.match(text, mark.end())
        if name:
            found.add(place_stem(name.group(1)))
    return found


def content_words(text: str) -> frozenset[str]:
    """Stems of the words that can single a ticket out ("kwiaciarnia", "patchcord",
    "Legionowo", "H3600"): uncommon in the language and not the vocabulary of complaints
    in general. How many tickets have each decides if it does (`MatchContext.rare_words`)."""
    common = problem_vocabulary()
    words = set()
    for token in _PLACE_TOKEN.findall(text[:MENTION_CHARS]):
        if token.isdigit() or len(token) < 3 or not uncommon(token):
            continue
        if len(token) >= 5 or any(c.isdigit() for c in token):
            words.add(place_stem(token))
    return frozenset(words - common - districts(text))


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
    # References the post gives as someone else's: "sąsiadka (ma zgłoszenie MRC-214748)".
    foreign_refs: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    amounts: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    plan: int | None = None  # speed of the plan, Mb/s
    # Words that may name a street (see `place_runs`); compared with the ticket's streets.
    place_mentions: frozenset[str] = frozenset()
    house_numbers: tuple[tuple[str, str], ...] = ()  # (street key, number) named in the text
    words: frozenset[str] = frozenset()  # see `content_words`
    codes: tuple[str, ...] = ()  # document numbers: an order, a claim, a contract
    units: tuple[str, ...] = ()  # numbered rooms, flats, halls: "room 408"
    # The author says they are about to write or call ("jutro dzwonię"): see `candidates`.
    contact_announced: bool = False
    network: str | None = None  # where the author posted: "twitter", "reddit" (`network_of`)

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
        network: str | None = None,
    ) -> ComplaintFacts:
        def strings(key: str) -> tuple[str, ...]:
            return tuple(str(item) for item in identifiers.get(key) or () if item)

        runs = place_runs(text)
        amounts = tuple(amount_key(item) for item in identifiers.get("amounts") or ())
        refs = strings("ticket_refs")
        foreign = tuple(ref for ref in refs if _said_of_another(text, ref_digits(ref)))
        return cls(
            complaint_id=complaint_id,
            text=text,
            author=author,
            published_at=published_at,
            category=category,
            url=url,
            ticket_refs=tuple(ref for ref in refs if ref not in foreign),
            foreign_refs=foreign,
            emails=strings("emails"),
            phones=strings("phones"),
            amounts=tuple(a for a in amounts if a and not a.startswith("None")),
            places=strings("places"),
            dates=strings("dates"),
            plan=plan_speed(identifiers.get("speeds") or ()),
            place_mentions=frozenset(runs),
            house_numbers=house_numbers(runs),
            words=content_words(text),
            codes=strings("codes"),
            units=strings("units"),
            contact_announced=announces_contact(text),
            network=network,
        )


# Someone the author tells about, not for: a neighbour, a friend, a colleague.
THIRD_PARTY = re.compile(
    r"\b(?:s[ąa]siad\w*|neighbou?rs?|koleg[aię]|kolez[aą]nk\w*|znajom\w*|friends?)\b",
    re.IGNORECASE,
)
_OWN_AGAIN = re.compile(r"\b(?:m[óo]j\w*|moj\w*|mam|mine|my|our|nasz\w*)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?\n]")
THIRD_PARTY_REACH = 120


def said_of_another(text: str, start: int) -> bool:
    """Whether the words at `start` are told of a neighbour or a friend: named after one in
    the same sentence, with nothing of the author's own in between ("u sąsiada, pana
    Chmielewskiego (on ma zgłoszenie SLE-319728)", not "sąsiad też, moje zgłoszenie 12")."""
    before = text[max(0, start - THIRD_PARTY_REACH) : start]
    ends = list(_SENTENCE_END.finditer(before))
    if ends:
        before = before[ends[-1].end() :]
    told = list(THIRD_PARTY.finditer(before))
    return bool(told) and not _OWN_AGAIN.search(before[told[-1].end() :])


def _said_of_another(text: str, digits: str) -> bool:
    """`said_of_another` for a cited reference, found in the text by its number."""
    at = text.find(digits) if digits else -1
    return at >= 0 and said_of_another(text, at)


# A post speaking for a whole street or building ("Cała Mogileńska bez netu", "the whole
# estate is down", "u wszystkich sąsiadów"): it reports the street's trouble, not its own.
_AREA_WIDE = re.compile(
    r"\b[Cc]a[łl](?:ej|[aeyą]) (?:[A-ZĄĆĘŁŃÓŚŹŻ]\w+|ulic\w*|osiedl\w*|blok\w*|kamienic\w*"
    r"|budyn\w*|klatk\w*)"
    r"|\b(?:[Uu] wszystkich|[Ww]szyscy s[ąa]siedzi|wszystkich s[ąa]siad\w*)"
    r"|\b(?:whole|entire) (?:street|road|estate|block|building)"
    r"|\beveryone (?:on|in) (?:the |our |my )?(?:street|road|estate|block|building)"
)


def speaks_for_an_area(text: str) -> bool:
    return _AREA_WIDE.search(text[:MENTION_CHARS]) is not None


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
    words: frozenset[str] = frozenset()  # see `content_words`
    house_numbers: tuple[tuple[str, str], ...] = ()  # (street key, number) of its address
    codes: tuple[str, ...] = ()  # document numbers its text quotes
    units: tuple[str, ...] = ()  # numbered rooms, flats, halls its text names


@dataclass
class Candidate:
    """A ticket proposed for a complaint, and what proposed it."""

    ticket: TicketFacts
    channels: set[str] = field(default_factory=set)
    reference: str = "none"  # exact | near | other | none
    identity: str = "none"  # exact | shared | name | partial | other | none
    similarity: float = 0.0
    # Words the post and the ticket share that few tickets have (see `MatchContext`).
    rare_words: tuple[str, ...] = ()
