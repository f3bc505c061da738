"""Candidate tickets for a complaint, from independent channels, unioned.

Channels: ticket references in the text (and one-typo near misses), the
author's identities (handle, e-mail, phone, name), document numbers, the
streets and numbered rooms or flats the post names, rare words, the text
index, and the time window that keeps only tickets opened before the post
(or up to a day after it: the customer who tweets first and phones later).
`MatchContext` holds what the channels look up, loaded once and refreshed
incrementally.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from importlib.resources import files
from typing import Any

from nicknames import NickNamer
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from watcher.identities import NORMALISERS, network_of
from watcher.matching.facts import (
    Candidate,
    ComplaintFacts,
    TicketFacts,
    content_words,
    fold,
    place_key,
    place_keys,
    plan_speed,
    ref_digits,
    ref_keys,
    said_of_another,
    street_numbers,
    strip_ending,
)
from watcher.matching.features import parse_amount
from watcher.matching.index import TicketIndex
from watcher.matching.parallel import map_chunks
from watcher.models import Customer, Identity, Ticket
from watcher.understanding.identifiers import CITIES, amount_key, extract_details

CLOSED = ("solved", "closed")
# Identity levels that say a ticket is the author's own.
SAME_CUSTOMER = ("exact", "shared", "name", "partial")
# How long after a post its ticket may be opened and still be the post's, whichever channel
# finds it: the social team opens a ticket from the tweet the next morning, a customer who
# tweets at night phones in when the line opens, a guest posts from the room and calls the
# desk after, "filing it through the form now".
OPENED_FROM_POST = timedelta(days=1)
# The author's own ticket (by a handle, e-mail, phone or name) may come a little later: "w
# poniedziałek dzwonię", "this week I write to them officially".
OWN_OPENED_FROM_POST = timedelta(days=2)
# A post that says its author is about to write or call ("jutro piszę reklamację", "will
# ring them first thing tomorrow", "expect an email"): that ticket may come days later.
ANNOUNCED_OPENED_FROM_POST = timedelta(days=3)
# A street named in more tickets than this is a main road, not a neighbourhood: the post's
# other words must find its ticket.
STREET_TICKETS = 30
# A word in this many tickets or fewer (a shop's name, a router model, a small town) points
# at those tickets; a commoner one is the vocabulary of the problem, which the text index has.
RARE_WORD_TICKETS = 3
# Polish case endings, longest first: "Kowalskiego" and "Kowalski" share a stem.
_ENDINGS = sorted(
    ["iego", "iej", "ego", "emu", "owi", "iem", "em", "ie", "ą", "ę", "a", "u", "y", "i", "ej"],
    key=len,
    reverse=True,
)
_WORD = re.compile(r"[^\W\d_]{2,}")
# A post names its author by part of a name: a sign-off at its very end ("– Sarah",
# "Pozdrawiam, Kasia", "Wiesława A.", "– Priya (Krzyki)"), or a title before a surname
# ("pani Lisowej", "Mr Hale"). The part is compared only with the candidates' customers.
_SIGN_OFF = re.compile(
    r"(?:^|[\n–—-]|[.!?]\s|\b(?:pozdrawiam|pozdrowienia|pozdr|dzięki|dzieki|thanks|regards"
    r"|cheers)\b[,.!]?)\s*([^\W\d_]{3,})(?:\s+[^\W\d_]\.?)?\s*(?:\([^()\n]{0,40}\))?\s*[.!]?$",
    re.IGNORECASE,
)
_TITLED = re.compile(
    r"\b(?i:pan|pani|pana|panu|panem|panią|panie|mr|mrs|ms)\.?\s+([A-ZĄĆĘŁŃÓŚŹŻ][^\W\d_]{2,})"
)
# A signature by initial and surname ("J. Pawlak, Ozorków", "— R. Kubacki").
_INITIAL_SURNAME = re.compile(
    r"(?:^|\n|[–—-]\s*)[A-ZĄĆĘŁŃÓŚŹŻ]\.\s?([A-ZĄĆĘŁŃÓŚŹŻ][^\W\d_]{2,})(?:,[^\n,]{0,40})?\s*[.!]?$"
)
SIGN_OFF_CHARS = 80
_HANDLE_WORD = re.compile(r"[^\W\d_]{3,}")
_SPACE = re.compile(r"\s")
# Words of a handle or a page's shown name: "weranda_deco", "Olena | Vyshyvanka Studio".
_HANDLE_PARTS = re.compile(r"[\s_.|\-/()@]+")
# An e-mail domain's name this long or longer ("sowa" could be anyone's) can be a handle's.
DOMAIN_MIN = 5
# Handles are short; a longer author is searched for a domain only word by word.
HANDLE_MAX = 40
_NOT_ALNUM = re.compile(r"[^0-9a-z]")
_APOSTROPHE = re.compile(r"(?<=\w)['’`](?=\w)")
# A handle word this long may carry an initial at either end ("cdubois", "sophiem").
HANDLE_INITIAL_MIN = 5
# A first name or the cut start of a surname in a handle is at least this long.
HANDLE_PART_MIN = 3


@lru_cache(maxsize=1)
def _diminutives() -> dict[str, frozenset[str]]:
    """name_stem of a Polish diminutive ("Kasia", "Tomka") -> stems of its full names."""
    forms: dict[str, set[str]] = defaultdict(set)
    raw = files("watcher.matching").joinpath("data/diminutives_pl.tsv")
    for line in raw.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        full, diminutives = line.split("\t", 1)
        for diminutive in diminutives.split(","):
            forms[name_stem(diminutive.strip())].add(name_stem(full))
    return {stem: frozenset(full) for stem, full in forms.items()}


@lru_cache(maxsize=1)
def _nicknames() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=1 << 14)
def given_name_stems(word: str) -> frozenset[str]:
    """The word as a first name, and the full names it may be short for: Polish
    diminutives ("Kasia" for Katarzyna) and English nicknames ("Bill" for William)."""
    stem = name_stem(word)
    english = _nicknames().canonicals_of(word.casefold()) if word.isascii() else set()
    return frozenset({stem} | _diminutives().get(stem, frozenset()) | set(map(name_stem, english)))


@dataclass(frozen=True)
class NameParts:
    """Given names and surnames (stems) a post names its author by, short of a full name."""

    given: frozenset[str] = frozenset()
    surnames: frozenset[str] = frozenset()
    # A handle word cut in two, for a first name run into a surname's start ("sarahwhit"):
    # the given-name stems of the head, the folded tail and its stem.
    cuts: tuple[tuple[frozenset[str], str, str], ...] = ()

    def name(self, first: str, last: str) -> bool:
        return (
            first in self.given
            or last in self.surnames
            or any(
                first in heads and (last.startswith(tail) or tail_stem == last)
                for heads, tail, tail_stem in self.cuts
            )
        )


def _handle_cuts(word: str) -> Iterable[tuple[frozenset[str], str, str]]:
    """A handle word as a first name run into the start of a surname, at every cut, the
    way handles are made: "sarahwhit" for Sarah Whitfield, "marekwis" for Marek
    Wiśniewski, "ninabaran" for Nina Baranowska, "kevwalsh" for Kevin Walsh."""
    for cut in range(HANDLE_PART_MIN, len(word) - HANDLE_PART_MIN + 1):
        tail = fold(word[cut:])
        yield given_name_stems(word[:cut]), tail, name_stem(tail)


def name_parts(text: str, author: str | None) -> NameParts:
    """The author's given name from a sign-off or the handle ("kasia_zielu"), and a
    surname after a title ("pani Lisowej", also as the wife of Mr Lis) or in the handle."""
    given: set[str] = set()
    surnames: set[str] = set()
    ending = text[-SIGN_OFF_CHARS:].rstrip()
    signed = _SIGN_OFF.search(ending)
    if signed and signed.group(1)[0].isupper():
        given |= given_name_stems(signed.group(1))
    initialled = _INITIAL_SURNAME.search(ending)
    if initialled:
        surnames.add(name_stem(initialled.group(1)))
    for titled in _TITLED.finditer(text[:3000]):
        if said_of_another(text, titled.start()):
            continue  # "u sąsiada, pana Chmielewskiego": the neighbour's name
        stem = name_stem(titled.group(1))
        surnames.add(stem)
        if stem.endswith("ow") and len(stem) > 4:
            surnames.add(stem[:-2])  # "Lisowa", "Nowakowa": a married form
    cuts: list[tuple[frozenset[str], str, str]] = []
    for token in _HANDLE_WORD.findall(author or ""):
        cuts.extend(_handle_cuts(token.casefold()))
        given |= given_name_stems(token)
        surnames.add(name_stem(token))
        # "thomas_mueller" for Müller; an initial written on: "cdubois", "sophiem", "markt".
        surnames.add(name_stem(_umlauts_folded(token)))
        if len(token) >= HANDLE_INITIAL_MIN:
            given |= given_name_stems(token[:-1])
            surnames.add(name_stem(token[1:]))
    return NameParts(frozenset(given), frozenset(surnames), tuple(cuts))


def _umlauts_spelled(word: str) -> str:
    """A German name as written without umlauts: "Müller" -> "Mueller"."""
    return word.translate(_UMLAUTS)


def _umlauts_folded(word: str) -> str:
    """The other way round, in a handle: "mueller" -> "muller", as fold("Müller") is."""
    return _SPELLED_UMLAUT.sub(lambda m: m.group(0)[0], word)


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_SPELLED_UMLAUT = re.compile(r"(?i)[aou]e")


@lru_cache(maxsize=1 << 16)
def name_stem(word: str) -> str:
    """A surname or first name without its Polish case ending, folded (cached: every
    word of every post is tried as a name)."""
    return fold(strip_ending(word.casefold(), _ENDINGS))


@dataclass
class ChannelLimits:
    """How far each channel looks; from the MATCH_* settings."""

    top_k: int = 10
    window: timedelta = timedelta(days=90)
    solved_window: timedelta = timedelta(days=30)
    name_similarity: float = 88.0


@dataclass
class MatchContext:
    """Tickets, identities and the text index, as the channels need them."""

    limits: ChannelLimits = field(default_factory=ChannelLimits)
    index: TicketIndex = field(default_factory=TicketIndex)
    tickets: dict[int, TicketFacts] = field(default_factory=dict)
    by_digits: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_customer: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    # Tickets by the street they name (its `place_key`), for posts that name a street.
    by_place: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    # The tickets of each content word: a word few tickets share singles one out.
    by_word: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    # The tickets quoting each document number (an order, a contract, a fleet number).
    by_code: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    # The tickets naming each numbered room, flat or hall ("room 408").
    by_unit: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    # The tickets naming each sum, in whole units of any currency ("€180", "180 €").
    by_amount: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    # Stems of the watched brands' names ("inpost"): every post is about them, so however
    # few tickets write the name out, it singles none of them out.
    brand_words: frozenset[str] = frozenset()
    identities: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    # The networks each customer's handle is known on (None: not said).
    handle_networks: dict[tuple[str, int], set[str | None]] = field(
        default_factory=lambda: defaultdict(set)
    )
    names: dict[tuple[str, str], set[int]] = field(default_factory=lambda: defaultdict(set))
    # The customers writing from each e-mail domain ("weranda-deco.example" -> "werandadeco"):
    # a shop's or studio's own domain is often its handle too ("weranda_deco").
    email_domains: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    customer_names: dict[int, str] = field(default_factory=dict)
    # (first name stem, surname stem) of each customer with a full name.
    name_stems: dict[int, tuple[str, str]] = field(default_factory=dict)
    watermark: datetime | None = None
    _name_choices: list[str] | None = None
    _name_keys: list[tuple[str, str]] = field(default_factory=list)

    def refresh(self, session: Session, now: datetime) -> int:
        """Load tickets and identities changed since the last call; returns how many."""
        # Columns, not ORM objects: a hundred thousand tickets load several times faster.
        query = select(*_TICKET_COLUMNS, Customer.name).outerjoin(
            Customer, Ticket.customer_id == Customer.id
        )
        if self.watermark is not None:
            query = query.where(
                or_(Ticket.updated_at >= self.watermark, Ticket.imported_at >= self.watermark)
            )
        rows = [tuple(row) for row in session.execute(query)]
        changed = [facts for part in map_chunks(_facts_of, rows) for facts in part]
        customers = {t.customer_id for t in changed if t.customer_id is not None}
        if self.watermark is None or customers:
            self._load_identities(session, customers if self.watermark is not None else None)
        indexable, stale = [], []
        for facts in changed:
            old = self.tickets.get(facts.ticket_id)
            if old is not None:
                for word in old.words:
                    self.by_word[word].discard(old.ticket_id)
                for code in old.codes:
                    self.by_code[code].discard(old.ticket_id)
                for unit in old.units:
                    self.by_unit[unit].discard(old.ticket_id)
                for whole in _wholes(old.amounts):
                    self.by_amount[whole].discard(old.ticket_id)
                for key in _streets(old):
                    self.by_place[key].discard(old.ticket_id)
                for key in ref_keys(old.external_id):
                    self.by_digits[key].discard(old.ticket_id)
                if old.customer_id is not None:
                    self.by_customer[old.customer_id].discard(old.ticket_id)
            self.tickets[facts.ticket_id] = facts
            for word in facts.words:
                self.by_word[word].add(facts.ticket_id)
            for code in facts.codes:
                self.by_code[code].add(facts.ticket_id)
            for unit in facts.units:
                self.by_unit[unit].add(facts.ticket_id)
            for whole in _wholes(facts.amounts):
                self.by_amount[whole].add(facts.ticket_id)
            for key in _streets(facts):
                self.by_place[key].add(facts.ticket_id)
            for key in ref_keys(facts.external_id):
                self.by_digits[key].add(facts.ticket_id)
            if facts.customer_id is not None:
                self.by_customer[facts.customer_id].add(facts.ticket_id)
            if _indexable(facts, now, self.limits.solved_window):
                # A status change alone leaves the indexed text as it is.
                if old is None or old.text != facts.text or facts.ticket_id not in self.index:
                    indexable.append((facts.ticket_id, facts.text))
            else:
                stale.append(facts.ticket_id)
        self.index.remove(stale)
        self.index.update(indexable)
        self.index.prepare()
        self.watermark = now
        return len(changed)

    def _load_identities(self, session: Session, customer_ids: set[int] | None) -> None:
        query = select(Identity.customer_id, Identity.kind, Identity.value, Identity.platform)
        if customer_ids is not None:
            query = query.where(Identity.customer_id.in_(customer_ids))
        for customer_id, kind, value, platform in session.execute(query):
            if not value:
                continue
            if kind == "name":
                self._add_name(customer_id, value)
            else:
                self.identities[(kind, value)].add(customer_id)
                if kind == "email" and "@" in value:
                    label = _domain_label(value)
                    if label is not None:
                        self.email_domains[label].add(customer_id)
                if kind == "handle":
                    self.handle_networks[(value, customer_id)].add(network_of(platform))
        names = select(Customer.id, Customer.name).where(Customer.name.is_not(None))
        if customer_ids is not None:
            names = names.where(Customer.id.in_(customer_ids))
        for customer_id, name in session.execute(names):
            if name:
                self._add_name(customer_id, name)

    def _add_name(self, customer_id: int, name: str) -> None:
        # "O'Brien" is "obrien" in a handle ("mick_obrien", "mobrien_waw") and "Brien"
        # after the apostrophe in a text's words: both keys name the customer.
        words = _WORD.findall(_APOSTROPHE.sub("", name))
        if len(words) >= 2:
            self.customer_names[customer_id] = name
            key = (name_stem(words[0]), name_stem(words[-1]))
            self.names[key].add(customer_id)
            self.name_stems[customer_id] = key
            split = _WORD.findall(name)
            if len(split) >= 2:
                self.names[(name_stem(split[0]), name_stem(split[-1]))].add(customer_id)
            # "Thomas Müller" is also "thomas_mueller" where a keyboard has no umlaut.
            first, last = _umlauts_spelled(words[0]), _umlauts_spelled(words[-1])
            spelled = (name_stem(first), name_stem(last))
            if spelled != key:
                self.names[spelled].add(customer_id)

    def candidates(
        self, complaint: ComplaintFacts, text_hits: list[tuple[int, float]] | None = None
    ) -> list[Candidate]:
        """Every ticket any channel proposes, with what each channel found.

        `text_hits` are the index's results for this complaint when they were
        computed for many complaints at once (much faster than one by one).
        """
        found: dict[int, Candidate] = {}

        def excluded(ticket_id: int) -> bool:
            # A ticket watcher opened from a public post holds that post's words. From this
            # very post it is no evidence of which ticket the post is about (and matching it
            # would close a loop); from another named author's post it is that stranger's
            # ticket, however alike the words (the same outage, a copied post).
            ticket = self.tickets[ticket_id]
            if ticket.opened_from is None:
                return False
            if ticket.opened_from == complaint.url:
                return True
            opener, author = ticket.customer_name, complaint.author
            return bool(opener and author and fold(opener) != fold(author))

        def add(ticket_id: int, channel: str) -> Candidate:
            candidate = found.get(ticket_id)
            if candidate is None and excluded(ticket_id):
                return Candidate(self.tickets[ticket_id])  # proposed, then dropped
            if candidate is None:
                candidate = found[ticket_id] = Candidate(self.tickets[ticket_id])
            candidate.channels.add(channel)
            return candidate

        exact, shared, named = self.customers_of(complaint)
        # The strongest identity evidence wins for each ticket: exact > shared > name.
        for level, customers in (("name", named), ("shared", shared), ("exact", exact)):
            for customer_id in customers:
                for ticket_id in self.by_customer.get(customer_id, ()):
                    ticket = self.tickets[ticket_id]
                    if self._in_window(ticket, complaint, own=True):
                        add(ticket_id, "identity").identity = level

        cited = {ref_digits(ref) for ref in complaint.ticket_refs} - {""}
        for digits in cited:
            for ticket_id in self.by_digits.get(digits, ()):
                add(ticket_id, "reference").reference = "exact"
        # A neighbour's reference names a rival: the neighbour's ticket, not the author's.
        for digits in {ref_digits(ref) for ref in complaint.foreign_refs} - cited - {""}:
            for ticket_id in self.by_digits.get(digits, ()):
                add(ticket_id, "reference").reference = "other"
        exact_refs = {c.ticket.ticket_id for c in found.values() if c.reference == "exact"}
        if cited and not exact_refs:
            for digits in cited:
                for ticket_id in self._near_references(digits):
                    add(ticket_id, "reference")

        # Every ticket quoting a document number the post quotes.
        for code in complaint.codes:
            for ticket_id in self.by_code.get(code, ()):
                ticket = self.tickets[ticket_id]
                if self._in_window(ticket, complaint):
                    add(ticket_id, "code")

        # Every ticket naming the room (flat, hall) the post names, unless it is in so many
        # tickets that it is every hotel's room 12.
        for unit in complaint.units:
            rooms = self.by_unit.get(unit, ())
            for ticket_id in rooms if len(rooms) <= STREET_TICKETS else ():
                ticket = self.tickets[ticket_id]
                if self._in_window(ticket, complaint):
                    add(ticket_id, "unit")

        # Every ticket naming a sum the post names that few tickets name ("180 €" against
        # "€180 early termination fee"): a post in another language than its ticket shares
        # few of its words with it, but its numbers.
        for whole in _wholes(complaint.amounts):
            named = self.by_amount.get(whole, set())
            for ticket_id in named if len(named) <= RARE_WORD_TICKETS else ():
                if self._in_window(self.tickets[ticket_id], complaint):
                    add(ticket_id, "amount")

        # Every ticket on a street the post names, so neighbours on one street are rivals
        # (an outage) rather than whichever the text index happened to rank first.
        for key in self._streets_named(complaint):
            for ticket_id in self.by_place[key]:
                if self._in_window(self.tickets[ticket_id], complaint):
                    add(ticket_id, "place")

        # Every ticket sharing a word that singles few tickets out: the text index misses
        # a ticket written in another language, or a long post's few telling words.
        for word in complaint.words - self.brand_words:
            if self._rare(word):
                for ticket_id in self.by_word[word]:
                    if self._in_window(self.tickets[ticket_id], complaint):
                        add(ticket_id, "words")

        if text_hits is None and complaint.text.strip():
            text_hits = self.index.search([complaint.text], self.limits.top_k * 3)[0]
        if text_hits:
            taken = 0
            for ticket_id, _ in text_hits:
                if taken >= self.limits.top_k:
                    break
                if self._in_window(self.tickets[ticket_id], complaint):
                    add(ticket_id, "text")
                    taken += 1

        similarities = self.index.similarity(complaint.text, list(found)) if found else {}
        parts: NameParts | None = None
        # A full shown name, and not the brand's own page (named in its tickets for another
        # reason).
        person = complaint.author
        if not (person and _FULL_NAME.fullmatch(person.strip())) or (
            content_words(person) & self.brand_words
        ):
            person = None
        for ticket_id, candidate in found.items():
            candidate.similarity = similarities.get(ticket_id, 0.0)
            candidate.rare_words = self.rare_words(complaint, candidate.ticket)
            opener = candidate.ticket.customer_name
            if (
                candidate.identity == "none"
                and candidate.ticket.opened_from is not None
                and opener
                and complaint.author
                and fold(opener) == fold(complaint.author)
            ):
                # watcher opened this ticket from an earlier post of this author, and named
                # its customer after them (another site's handle is no exact identity).
                candidate.identity = "name"
            elif candidate.identity in ("none", "partial") and _named_in(person, candidate.ticket):
                # The ticket names the author in its text: the caller for a parent ("Call
                # from Monika Malinowska (daughter-in-law)"), a business on its owner's
                # ticket ("Marek Dudek (Pub Pod Kogutem)").
                candidate.identity = "name"
            elif exact and candidate.identity == "none":
                # The author is a known customer (by a handle, e-mail or phone only they
                # have): this ticket is someone else's.
                candidate.identity = "other"
            elif candidate.identity == "none" and candidate.ticket.customer_id is not None:
                stems = self.name_stems.get(candidate.ticket.customer_id)
                if stems is not None:
                    if parts is None:
                        parts = name_parts(complaint.text, complaint.author)
                    if parts.name(*stems):
                        candidate.identity = "partial"
            if cited and candidate.reference == "none":
                candidate.reference = _cited_level(candidate, cited, unknown=not exact_refs)
        return sorted(found.values(), key=lambda c: c.ticket.ticket_id)

    def _streets_named(self, complaint: ComplaintFacts) -> list[str]:
        keys = {place_key(p) for p in complaint.places if p not in CITIES}
        keys.update(key for key in complaint.place_mentions if key in self.by_place)
        return [key for key in keys if 0 < len(self.by_place.get(key, ())) <= STREET_TICKETS]

    def rare_words(self, complaint: ComplaintFacts, ticket: TicketFacts) -> tuple[str, ...]:
        """Words the post and the ticket share that at most RARE_WORD_TICKETS tickets have."""
        # A street is a detail already (with its house number): not counted twice.
        # Nor is the district a street is named after ("Grochów", "ul. Grochowska").
        placed = {word for place in ticket.places for word in place_key(place).split()}
        shared = {
            word
            for word in (complaint.words & ticket.words) - self.brand_words
            if not any(word.startswith(p) or p.startswith(word) for p in placed)
        }
        return tuple(sorted(w for w in shared if self._rare(w)))

    def _rare(self, word: str) -> bool:
        """Whether at least one and at most RARE_WORD_TICKETS tickets have the word."""
        return 0 < len(self.by_word.get(word, ())) <= RARE_WORD_TICKETS

    def customers_of(self, complaint: ComplaintFacts) -> tuple[set[int], set[int], set[int]]:
        """Customers the author is: by a unique identity, by one several share, by name."""
        keys = [("email", NORMALISERS["email"](e)) for e in complaint.emails]
        keys += [("phone", NORMALISERS["phone"](p)) for p in complaint.phones]
        if complaint.author:
            keys.append(("handle", NORMALISERS["handle"](complaint.author)))
            if _SPACE.search(complaint.author.strip()):
                # A page's shown name and its address: "Piekarnia Złoty Kłos" is
                # facebook:piekarniazlotyklos on the ticket.
                keys.append(("handle", _NOT_ALNUM.sub("", fold(complaint.author))))
        exact: set[int] = set()
        shared: set[int] = set()
        named: set[int] = set()
        for kind, value in keys:
            owners = self.identities.get((kind, value), set())
            if kind == "handle" and complaint.network is not None:
                # The same handle on another network is often the same person, and not
                # seldom someone else ("kasiaw" on Twitter and on Reddit): as good as a
                # name, and no proof that the author's other tickets are not theirs.
                elsewhere = {c for c in owners if self._elsewhere(value, c, complaint.network)}
                named |= elsewhere
                owners = owners - elsewhere
            (exact if len(owners) == 1 else shared).update(owners)
        words = _WORD.findall(" ".join(filter(None, [complaint.author, complaint.text[:3000]])))
        stems = [name_stem(w) for w in words]
        for i in range(len(words) - 1):
            last = stems[i + 1]
            for first in given_name_stems(words[i]):
                named |= self.names.get((first, last), set())
        if complaint.author and not named:
            named |= self._fuzzy_name(complaint.author)
        if complaint.author:
            named |= self._domain_owner(complaint.author)
        return exact, shared - exact, named - exact - shared

    def _domain_owner(self, author: str) -> set[int]:
        """The one customer whose e-mail domain the author's handle or shown name spells
        ("weranda_deco" for weronika@weranda-deco.example, "Olena | Vyshyvanka Studio"
        for vyshyvankastudio.example), alone or with a word before or after it
        ("clayandtide_studio"). A domain several customers write from (a webmail, an
        office) or one naming the watched brand singles no one out."""
        folded = fold(author)
        whole = _NOT_ALNUM.sub("", folded)
        keys = {whole, *(_NOT_ALNUM.sub("", part) for part in _HANDLE_PARTS.split(folded))}
        if len(whole) <= HANDLE_MAX:
            # Ends and starts of the handle: a word run onto the domain's name. Not of a long
            # shown name (its keys would grow with the square of its length).
            keys |= {whole[:end] for end in range(DOMAIN_MIN + 1, len(whole))}
            keys |= {whole[start:] for start in range(1, len(whole) - DOMAIN_MIN)}
        owners: set[int] = set()
        for key in keys:
            found = self.email_domains.get(key) if len(key) >= DOMAIN_MIN else None
            if found and len(found) == 1 and not any(b in key for b in self.brand_words):
                owners |= found
        return owners if len(owners) == 1 else set()

    def _elsewhere(self, handle: str, customer_id: int, network: str) -> bool:
        """Whether the customer's handle is known only on networks other than this one."""
        networks = self.handle_networks.get((handle, customer_id), {None})
        return None not in networks and network not in networks

    def _fuzzy_name(self, author: str) -> set[int]:
        """Customers whose name is a near spelling of the author's (typos, missing letters)."""
        words = _WORD.findall(author)
        if len(words) < 2:
            return set()
        wanted = f"{name_stem(words[0])} {name_stem(words[-1])}"
        if self._name_choices is None or len(self._name_choices) != len(self.names):
            self._name_choices = [f"{first} {last}" for first, last in self.names]
            self._name_keys = list(self.names)
        matches: set[int] = set()
        for _, _, index in process.extract(
            wanted, self._name_choices, scorer=fuzz.ratio,
            score_cutoff=self.limits.name_similarity, limit=20,
        ):  # fmt: skip
            matches |= self.names[self._name_keys[index]]
        return matches

    def _near_references(self, digits: str) -> set[int]:
        """Tickets whose number is one typo (or a swap of two digits) away from a cited one
        that does not exist."""
        if len(digits) < 4:
            return set()
        near: set[int] = set()
        for other, _, _ in process.extract(
            digits, list(self.by_digits), scorer=OSA.distance, score_cutoff=1, limit=None
        ):
            if other != digits:
                near |= self.by_digits[other]
        return near

    def _in_window(
        self, ticket: TicketFacts, complaint: ComplaintFacts, *, own: bool = False
    ) -> bool:
        """Opened before the post (or soon after it: a day, two for the author's `own`
        ticket, three when the post announces the call or letter) and not closed long
        before it."""
        published_at = complaint.published_at
        if complaint.contact_announced:
            after = ANNOUNCED_OPENED_FROM_POST
        else:
            after = OWN_OPENED_FROM_POST if own else OPENED_FROM_POST
        if published_at is None:
            return True
        return ticket.created_at <= published_at + after and (
            published_at - ticket.created_at <= self.limits.window or ticket.status not in CLOSED
        )


def _cited_level(candidate: Candidate, cited: set[str], *, unknown: bool) -> str:
    """How a ticket the post does not cite exactly stands to the numbers it cites.

    A number one typo from a cited one is `near` when the ticket is the author's own (by
    a handle, e-mail, phone or name): a customer mistyping their own ticket's number. One
    typo from a cited number and no sign of whose it is, it is only a `typo`: with numbers
    handed out in sequence, a dozen other customers' tickets are one typo away as well.
    (A cited number may exist and still be a typo of the right one.) Two digits swapped
    ("316947" for "316974") are a typo on the author's own ticket, and on anyone's only
    when the cited number is no ticket's (`unknown`): a number that exists is more
    likely right than swapped, and its swaps would add a dozen more strangers.
    """
    keys = ref_keys(candidate.ticket.external_id)
    own = candidate.identity in SAME_CUSTOMER
    if any(_one_typo(key, cited, Levenshtein.distance) for key in keys):
        return "near" if own else "typo"
    if (own or unknown) and any(_one_typo(key, cited, OSA.distance) for key in keys):
        return "near" if own else "typo"
    return "other"


def _wholes(amounts: Iterable[str]) -> set[int]:
    """Sums (amount keys, "180.00 EUR") in whole units, grosze and pence dropped; not a sum
    said roughly ("27900.00~50"), which many would round to."""
    parsed = (parse_amount(key) for key in amounts)
    return {int(amount.value) for amount in parsed if amount is not None and not amount.approx}


# A shown name of at least two words of letters ("Monika Malinowska", "Pub Pod Kogutem").
_FULL_NAME = re.compile(r"[^\W\d_]{2,}(?:[ -][^\W\d_]{2,})+")


def _named_in(author: str | None, ticket: TicketFacts) -> bool:
    """The author's full shown name (`_FULL_NAME`) is written in the ticket's text (not
    only as its requester, which the identity channel compares)."""
    if not author:
        return False
    name = fold(author.strip())
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", fold(ticket.text)) is not None


def _one_typo(digits: str, cited: Iterable[str], distance: Callable[[str, str], int]) -> bool:
    return any(len(c) >= 4 and distance(digits, c) == 1 for c in cited)


def _indexable(facts: TicketFacts, now: datetime, solved_window: timedelta) -> bool:
    if facts.status not in CLOSED:
        return True
    return facts.solved_at is None or now - facts.solved_at <= solved_window


_TICKET_COLUMNS = (
    Ticket.id, Ticket.external_id, Ticket.subject, Ticket.description, Ticket.customer_id,
    Ticket.created_at, Ticket.status, Ticket.solved_at, Ticket.category, Ticket.requester_name,
    Ticket.extra["post_url"].as_string(),
)  # fmt: skip


def _streets(ticket: TicketFacts) -> set[str]:
    return {key for p in ticket.places if p not in CITIES for key in place_keys(p)}


def _facts_of(rows: Sequence[tuple[Any, ...]]) -> list[TicketFacts]:
    return [_facts(row) for row in rows]


def _facts(row: tuple[Any, ...]) -> TicketFacts:
    """What the matcher knows of a ticket, from the columns `_TICKET_COLUMNS` and the
    customer's name."""
    (ticket_id, external_id, subject, description, customer_id, created_at, status,
     solved_at, category, requester_name, opened_from, customer_name) = row  # fmt: skip
    text = f"{subject}\n{description or ''}"
    details = extract_details(text)
    streets = [p for p in details["places"] if p not in CITIES]
    return TicketFacts(
        ticket_id=ticket_id,
        external_id=external_id,
        text=text,
        customer_id=customer_id,
        created_at=created_at,
        status=status,
        solved_at=solved_at,
        category=category,
        customer_name=customer_name or requester_name,
        amounts=tuple(amount_key(amount) for amount in details["amounts"]),
        places=tuple(details["places"]),
        dates=tuple(details["dates"]),
        plan=plan_speed(details["speeds"]),
        codes=tuple(details["codes"]),
        units=tuple(details["units"]),
        opened_from=opened_from,
        words=content_words(text),
        house_numbers=street_numbers(text, streets),
    )


def _domain_label(email: str) -> str | None:
    """The name of an e-mail's domain, letters and digits only: "weranda-deco.example" ->
    "werandadeco"; None when too short to tell anyone apart."""
    label = _NOT_ALNUM.sub("", fold(email.rpartition("@")[2].split(".")[0]))
    return label if len(label) >= DOMAIN_MIN else None
