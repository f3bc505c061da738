"""Compare a complaint with a candidate ticket, feature by feature, at levels.

Each feature has a fixed, ordered set of levels (as in Fellegi-Sunter record
linkage); the scorer turns each level into a log2 weight fitted on labelled
data. The band edges here describe the data (how similar, how long ago), the
weights say how much each band is worth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from watcher.matching.facts import Candidate, ComplaintFacts, TicketFacts, place_key, place_keys
from watcher.understanding.category import DEFAULT_TAXONOMY, FALLBACK
from watcher.understanding.identifiers import CITIES

LEVELS: dict[str, tuple[str, ...]] = {
    "reference": ("exact", "near", "typo", "other", "none"),
    "identity": ("exact", "shared", "name", "partial", "other", "none"),
    "text": ("high", "medium", "low", "none"),
    "time": ("days_0_3", "days_3_21", "days_21_90", "older", "after_post", "unknown"),
    "status": ("open", "solved_recently", "solved_long_ago"),
    "category": ("agree", "disagree", "unknown"),
    "details": ("two_plus", "one", "none", "conflict", "unknown"),
    "city": ("agree", "disagree", "unknown"),
    "words": ("two_plus", "one", "none"),
}

# Cosine similarity bands of the character n-gram index.
TEXT_BANDS = ((0.35, "high"), (0.2, "medium"), (0.1, "low"))
# A ticket solved this long before the post is unlikely to be what it is about.
SOLVED_RECENTLY = timedelta(days=30)
# Clocks and imports disagree by minutes; a ticket opened the same hour still counts.
CLOCK_SLACK = timedelta(hours=1)


@dataclass(frozen=True)
class Comparison:
    """One feature's level for one (complaint, ticket) pair."""

    feature: str
    level: str


def text_level(similarity: float) -> str:
    for edge, level in TEXT_BANDS:
        if similarity >= edge:
            return level
    return "none"


def time_level(published_at: datetime | None, created_at: datetime) -> str:
    if published_at is None:
        return "unknown"
    gap = published_at - created_at
    if gap < -CLOCK_SLACK:
        return "after_post"
    if gap <= timedelta(days=3):
        return "days_0_3"
    if gap <= timedelta(days=21):
        return "days_3_21"
    if gap <= timedelta(days=90):
        return "days_21_90"
    return "older"


def status_level(ticket: TicketFacts, published_at: datetime | None) -> str:
    """The ticket's state when the post was written: one solved since was open then."""
    if ticket.status not in ("solved", "closed") or ticket.solved_at is None:
        return "open"
    if published_at is not None and ticket.solved_at > published_at:
        return "open"
    if published_at is None or published_at - ticket.solved_at <= SOLVED_RECENTLY:
        return "solved_recently"
    return "solved_long_ago"


def category_level(complaint: ComplaintFacts, ticket: TicketFacts) -> str:
    """Whether the post's category (of our taxonomy) is the ticket's. A helpdesk category
    outside the taxonomy ("delivery", "network") cannot be compared: unknown."""
    theirs = (ticket.category or "").strip().lower()
    if not complaint.category or complaint.category == FALLBACK or theirs not in DEFAULT_TAXONOMY:
        return "unknown"
    return "agree" if complaint.category == theirs else "disagree"


@dataclass(frozen=True)
class Amount:
    value: Decimal
    approx: Decimal = Decimal(0)  # how far off a rounded sum ("27,9k") may be
    currency: str = ""  # "" when none is named

    def comparable(self, other: Amount) -> bool:
        """Sums in two named currencies (3k USD, 3 100 zł) are not the same kind."""
        return not (self.currency and other.currency and self.currency != other.currency)


@lru_cache(maxsize=1 << 16)
def parse_amount(key: str) -> Amount | None:
    """An amount from its key (identifiers.amount_key): "1240.56 PLN", "27900.00~50"."""
    number, _, currency = key.partition(" ")
    value, _, approx = number.partition("~")
    try:
        return Amount(
            Decimal(value.replace(",", ".")).quantize(Decimal("0.01")),
            Decimal(approx or 0),
            currency,
        )
    except (InvalidOperation, ValueError):
        return None


def same_amount(mine: Amount, theirs: Amount) -> bool:
    """The same sum, also when one side leaves the grosze out ("1240 zł" for 1 240,56 zł) or
    rounds it to thousands ("27,9k" for 27 880 zł)."""
    if not mine.comparable(theirs):
        return False
    if mine.value == theirs.value:
        return True
    slack = max(mine.approx, theirs.approx)
    if slack:
        return abs(mine.value - theirs.value) <= slack
    whole = any(a.value == a.value.to_integral_value() for a in (mine, theirs))
    return whole and abs(mine.value - theirs.value) < 1


def _shared_amounts(complaint: ComplaintFacts, ticket: TicketFacts) -> list[str]:
    theirs = [a for a in map(parse_amount, ticket.amounts) if a is not None]
    return [
        str(mine.value)
        for raw in complaint.amounts
        if (mine := parse_amount(raw)) is not None and any(same_amount(mine, t) for t in theirs)
    ]


def shared_details(complaint: ComplaintFacts, ticket: TicketFacts) -> list[str]:
    """Amounts, places, document numbers, numbered rooms or flats, dates and the plan (its
    speed) the post and the ticket both name."""
    shared: list[str] = []
    shared.extend(f"amount {a}" for a in _shared_amounts(complaint, ticket))
    # Streets in any case ("ul. Grochowska" and "na Grochowskiej"), named with or without
    # "ul." in the post. A city is no detail (thousands of tickets share one): see city_level.
    # Each key the ticket's streets may be named by -> (the street's own key, the street).
    ticket_places = {
        key: (place_key(p), p) for p in ticket.places if p not in CITIES for key in place_keys(p)
    }
    named: dict[str, str] = {}
    for place in complaint.places:
        if place not in CITIES:
            named.setdefault(place_key(place), place)
    for key, (_, place) in ticket_places.items():
        if key in complaint.place_mentions:
            named.setdefault(key, place)
    # The ticket's streets the post names, each with the keys it names it by ("Grota-
    # Roweckiego 20" is also "Roweckiego 20": one street, the numbers after either).
    by_street: dict[str, tuple[str, set[str]]] = {}
    for key, place in named.items():
        if key in ticket_places:
            street = ticket_places[key][0]
            by_street.setdefault(street, (place, set()))[1].add(key)
    for street, (place, keys) in by_street.items():
        mine = {n for k, n in complaint.house_numbers if k in keys}
        theirs = {n for k, n in ticket.house_numbers if k == street}
        if mine and theirs and not mine & theirs:
            continue  # a neighbour: the same street, another house
        shared.append(f"place {place}")
        shared.extend(f"house {n}" for n in sorted(mine & theirs))
    # A document number the ticket quotes (an order, a claim, a card), not a cited reference.
    cited = {ref.upper() for ref in (*complaint.ticket_refs, *complaint.foreign_refs)}
    shared.extend(f"number {c}" for c in complaint.codes if c in ticket.codes and c not in cited)
    shared.extend(u for u in complaint.units if u in ticket.units)  # "room 408"
    ticket_dates = {d[-5:] for d in ticket.dates}  # '--11-12' and '2026-11-12' agree
    shared.extend(f"date {d}" for d in complaint.dates if d[-5:] in ticket_dates)
    if complaint.plan is not None and complaint.plan == ticket.plan:
        shared.append(f"plan {complaint.plan} Mb/s")
    return shared


def city_level(complaint: ComplaintFacts, ticket: TicketFacts) -> str:
    """Whether the post and the ticket name the same city; a different one speaks against."""
    mine = {p for p in complaint.places if p in CITIES}
    theirs = {p for p in ticket.places if p in CITIES}
    if not mine or not theirs:
        return "unknown"
    return "agree" if mine & theirs else "disagree"


def _has_details(ticket: TicketFacts) -> bool:
    """Whether the ticket names anything a post could share: with none (an empty
    description, a terse subject) sharing none is no evidence either way."""
    return bool(
        ticket.amounts
        or ticket.dates
        or ticket.plan
        or ticket.codes
        or ticket.units
        or any(p not in CITIES for p in ticket.places)
    )


def conflicting_details(complaint: ComplaintFacts, ticket: TicketFacts) -> bool:
    """Whether the post and the ticket name an amount, a date or a plan of the same kind
    and never the same one: "79 zł" against a ticket about "89,99 zł"."""
    mine = [a for a in map(parse_amount, complaint.amounts) if a is not None]
    theirs = [a for a in map(parse_amount, ticket.amounts) if a is not None]
    if any(m.comparable(t) for m in mine for t in theirs) and not _shared_amounts(
        complaint, ticket
    ):
        return True
    mine_dates = {d[-5:] for d in complaint.dates}
    theirs_dates = {d[-5:] for d in ticket.dates}
    if mine_dates and theirs_dates and not mine_dates & theirs_dates:
        return True
    return complaint.plan is not None and ticket.plan is not None and complaint.plan != ticket.plan


def _other_unit(mine: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
    """Whether the post and the ticket number a room (a flat, a hall) and never the same:
    room 406 against a ticket about room 412 is the guest next door."""
    kinds = {u.split()[0] for u in mine} & {u.split()[0] for u in theirs}
    return bool(kinds) and not set(mine) & set(theirs)


def details_level(count: int) -> str:
    return "two_plus" if count >= 2 else "one" if count == 1 else "none"


def _details(complaint: ComplaintFacts, ticket: TicketFacts, shared: list[str]) -> str:
    if _other_unit(complaint.units, ticket.units):
        # Another room of the same hotel (flat of the same block): another guest, whatever
        # dates and amounts of one incident the two share.
        return "conflict"
    if shared:
        return details_level(len(shared))
    if not _has_details(ticket):
        return "unknown"
    return "conflict" if conflicting_details(complaint, ticket) else "none"


def compare(complaint: ComplaintFacts, candidate: Candidate) -> list[Comparison]:
    """Every feature's level for this pair, in the order of LEVELS."""
    ticket = candidate.ticket
    details = shared_details(complaint, ticket)
    city = city_level(complaint, ticket)
    if city == "unknown" and any(d.startswith("place ") for d in details):
        # On the post's street and naming no city: taken to be in the post's city, so that
        # neighbours are not told apart by whether their ticket wrote the city down.
        city = "agree" if any(p in CITIES for p in complaint.places) else "unknown"
    return [
        Comparison("reference", candidate.reference),
        Comparison("identity", candidate.identity),
        Comparison("text", text_level(candidate.similarity)),
        Comparison("time", time_level(complaint.published_at, ticket.created_at)),
        Comparison("status", status_level(ticket, complaint.published_at)),
        Comparison("category", category_level(complaint, ticket)),
        Comparison("details", _details(complaint, ticket, details)),
        Comparison("city", city),
        Comparison("words", details_level(len(candidate.rare_words))),
    ]
