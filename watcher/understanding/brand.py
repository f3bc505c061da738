"""Is a post about a watched brand? Aliases with Polish inflection, exclusions, competitors.

Matching runs on the normalised, diacritics-folded text, so "Netię", "Netie",
"NETII", a "Nеtia" spelled with a Cyrillic е and the accounts "@Netia_pl" and
"@NetiaSA" all count, while "Netiaczek" or "internetia" do not. A post that
names the brand only in passing while its grievance is with a competitor
("switched from Netia to Orange and Orange is down") is not about the brand.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from wordfreq import zipf_frequency

from watcher.config import Brand
from watcher.understanding.text import fold_diacritics, normalise

# Polish case endings (diacritics folded) an alias may take: Netia/Netii/Netię/Netią/Netio,
# Dropss/Dropssa/Dropssem/Dropssie/Dropssowi.
_ENDINGS = (
    "",
    "a",
    "i",
    "ii",
    "e",
    "o",
    "u",
    "y",
    "em",
    "ie",
    "owi",
    "ach",
    "ami",
    "om",
    "ow",
    "iem",
)
DEFAULT_COMPETITORS = (
    "Orange", "Play", "T-Mobile", "Plus", "UPC", "Vectra", "Inea", "Toya", "Polsat Box",
    "Multimedia Polska", "Netia", "Comcast", "Verizon", "Vodafone", "BT", "Virgin Media",
)  # fmt: skip
_SWITCH = re.compile(
    r"\b(?:przeszed\w*|przeszl\w*|zmienil\w*|odszed\w*|odeszl\w*|ucieklem|ucieklam|"
    r"switched|moved|left|went)\s(?:z|ze|from|od)?\s?(?P<from>[\w-]+(?:\s[\w-]+)?)\s"
    r"(?:do|na|to|for)\s(?P<to>[\w-]+)"
)
_COMPARE = re.compile(
    r"\b(?:unlike|w przeciwienstwie do|inaczej niz|lepsz\w* niz|better than|zamiast|instead of)"
    r"\s(?P<name>[\w-]+)"
)

# A mention of the brand as someone else's, a former or a better choice, with no complaint of
# its own: "a colleague with Aurum got his refund in a week", "jak byłem w Aurum, to
# przynajmniej odbierali", "should have just gone to Watomir". Folded text before the mention.
_OTHERS_BEFORE = re.compile(
    r"(?:\b(?:colleague|friend|brother|sister|neighbou?r|mate|wife|husband|dad|mum|mom|parents"
    r"|cousin|flatmate|co-?worker|kolega|kolezanka|znajom\w*|sasiad\w*|brat|siostra|szwagi\w*"
    r"|tesc\w*|mama|tata|zona|maz|rodzice|kuzyn\w*)(?: \w+){0,3} (?:with|at|on|in|z|ze|w|ma|u)"
    r"|\b(?:jak|kiedy|gdy) (?:bylem|bylam|bylismy|mialem|mialam) (?:w|u|z)"
    r"|\bwhen i was (?:with|at|in)"
    r"|\b(?:should|shoulda|should've)(?: have)? (?:just )?(?:gone|stayed|stuck|went) (?:to|with)"
    r"|\b(?:i'?d|i would|i'?ll|i will|i'?m going to) (?:just )?(?:switch|go back|move)"
    r" (?:to|back to)"
    r"|\bi'?ve used|\bi have used|\bwracam (?:do|z)"
    r"|\bprzynajmniej (?:w|u|z)|\bat least)\s*$"
)
# The author acting for the relative whose service it is: "Tata ma Harbour ... dzwoniłam
# w jego imieniu", "I rang them on my mum's behalf". The grievance is with the brand.
_ON_BEHALF = re.compile(
    r"\bw (?:jego|jej|ich) imieniu\b|\bw imieniu (?:\w+ ){0,2}(?:taty|mamy|ojca|matki"
    r"|rodzicow|tescia|tesciowej|babci|dziadka|zony|meza|brata|siostry|syna|corki)\b"
    r"|\b(?:zadzwonil|dzwonil|pisal|napisal)\w* za (?:niego|nia|nich)\b"
    r"|\bon (?:his|her|their|my \w+'?s?) behalf\b|\bon behalf of my\b"
    # A relative's complaint about the household's service: "my wife filed a complaint
    # with Rama about our windows", "żona złożyła reklamację w Ramie".
    r"|\b(?:wife|husband|girlfriend|boyfriend|zona|maz|partner\w*|dziewczyn\w*|chlopak)\b"
    r"(?: \w+){0,2}? (?:filed|lodged|raised|made|opened|sent|zlozyl\w*|zglosil\w*|wyslal\w*"
    r"|napisal\w*) (?:a |an |the |our |nasz\w* )?(?:complaint|claim|ticket|reklamacj\w*"
    r"|zgloszeni\w*|skarg\w*)\b"
)
# "W Watomirze przynajmniej dowieźli", "Wracam do Siatki, tam przynajmniej ...".
_OTHERS_AFTER = re.compile(r"^[\s,]+(?:\w+\s){0,2}(?:przynajmniej|at least)\b")
CONTEXT_CHARS = 40


# A brand named like a common English word ("Play", "Orange", "Plus"): in an English post a
# lowercase "play" is the verb. Zipf 4 is about ten uses in a million words.
COMMON_WORD_ZIPF = 4.0
# Accounts are written without the hyphen of the name ("@TMobile_Polska" for T-Mobile).
_HANDLE = re.compile(r"(?<![\w.+-])@([\w-]+)")  # an account, not an e-mail's domain


@dataclass(frozen=True)
class BrandMention:
    brand: str | None  # the watched brand the post is about, if any
    about_brand: bool
    mentions: tuple[str, ...]  # the alias forms found, as written
    reasons: tuple[str, ...]


def _fold_phrase(phrase: str) -> str:
    return normalise(phrase).ascii_folded


@lru_cache(maxsize=256)
def _alias_pattern(alias: str) -> re.Pattern[str]:
    folded = _fold_phrase(alias)
    stem = folded[:-1] if len(folded) > 3 and folded[-1] in "aeo" else folded
    endings = "|".join(sorted({folded[len(stem) :], *_ENDINGS}, key=len, reverse=True))
    # "_" separates too ("@netia_pl", "#netia_awaria"), and an @handle that starts with the
    # alias is the brand's account ("@NetiaSA").
    word = rf"(?<![^\W_])(?<!-){re.escape(stem)}(?:{endings})(?![^\W_]|-)"
    handle = rf"(?<=@){re.escape(folded)}\w*"
    return re.compile(rf"{word}|{handle}")


def _found(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    return list(pattern.finditer(text))


@lru_cache(maxsize=1024)
def _common_word(form: str) -> bool:
    """Whether a form of a brand's name is also an everyday English word ("play")."""
    return form.isalpha() and zipf_frequency(form, "en") >= COMMON_WORD_ZIPF


def _as_name(match: re.Match[str], folded: str, cased: str | None) -> bool:
    """Whether a form of the brand's name that is an everyday word is the name:
    capitalised ("Play", "PLAY"), or a #tag or an @account. `cased` is `folded` with its
    case kept."""
    if cased is None or not _common_word(match.group(0)):
        return True
    start = match.start()
    return (start > 0 and folded[start - 1] in "#@") or cased[start].isupper()


def _handle_key(name: str) -> str:
    return _fold_phrase(name).replace("-", "").replace(" ", "")


def _addressed_to_competitor(text: str, brand: Brand, competitors: Sequence[str]) -> str | None:
    """The competitor a post is addressed to (its @accounts name a competitor and none is
    the brand's), as in "@Orange_Polska no signal for days, my neighbour on Play has it"."""
    handles = [_handle_key(h) for h in _HANDLE.findall(text)]
    if not handles:
        return None
    ours = [_handle_key(a) for a in (brand.name, *brand.aliases)]
    if any(h.startswith(key) for h in handles for key in ours if key):
        return None
    for competitor in competitors:
        key = _handle_key(competitor)
        if competitor.casefold() != brand.name.casefold() and any(
            _account_of(h, key) for h in handles
        ):
            return competitor
    return None


# What follows a company's name in its accounts: "@Orange_Polska", "@OrangePL", "@NetiaSA".
_ACCOUNT_SUFFIX = re.compile(r"(?:_\w*|pl|polska|poland|uk|sa|help|support|care|news)?")


def _account_of(handle: str, key: str) -> bool:
    """Whether an @account is the company's ("@TMobile_Polska"), not a name that merely
    starts like it ("@playstation", "@btsportsfan")."""
    return handle.startswith(key) and _ACCOUNT_SUFFIX.fullmatch(handle[len(key) :]) is not None


def _names_competitor(name: str, brand: Brand, competitors: Sequence[str]) -> bool:
    return any(
        _alias_pattern(c).fullmatch(name)
        for c in competitors
        if c.casefold() != brand.name.casefold()
    )


def _passing_mention(text: str, brand: Brand, competitors: Sequence[str]) -> str | None:
    """Why the brand is named only in passing, or None when the post is about it."""
    aliases = [_alias_pattern(a) for a in brand.aliases]

    def is_brand(name: str) -> bool:
        return any(p.fullmatch(name) for p in aliases)

    for match in _SWITCH.finditer(text):
        source = match.group("from").split()[-1]
        target = match.group("to")
        if is_brand(source) and _names_competitor(target, brand, competitors):
            later = text[match.end() :]
            if not any(p.search(later) for p in aliases):
                return f"left {brand.name} for {target}; the grievance is with {target}"
    addressee = _addressed_to_competitor(text, brand, competitors)
    if addressee is not None:
        return f"addressed to {addressee}; {brand.name} is named in passing"
    for match in _COMPARE.finditer(text):
        if is_brand(match.group("name")):
            others = [c for c in competitors if c.casefold() != brand.name.casefold()]
            if any(_alias_pattern(c).search(text) for c in others):
                return f"{brand.name} named as a comparison with a competitor"
    mentions = [m for pattern in aliases for m in _found(pattern, text)]
    if (
        mentions
        and not _ON_BEHALF.search(text)
        and all(
            _OTHERS_BEFORE.search(text[max(m.start() - CONTEXT_CHARS, 0) : m.start()])
            or _OTHERS_AFTER.match(text[m.end() : m.end() + CONTEXT_CHARS])
            for m in mentions
        )
    ):
        return f"{brand.name} named only as someone else's, a former or a better choice"
    return None


def _excluded_spans(
    brand: Brand, folded: str, ascii_folded: str
) -> list[tuple[str, list[tuple[int, int]]]]:
    """Each excluded phrase the text holds, with where. Phrases are compared without
    diacritics (people type without them), except one that without them would be one of
    the brand's own names: "moją ostoją" (my refuge) is "Moja Ostoja" (the app) folded, so
    it is compared with its diacritics."""
    names = {_fold_phrase(a) for a in (brand.name, *brand.aliases)}
    same_length = len(folded) == len(ascii_folded)
    found = []
    for phrase in brand.exclude:
        folded_phrase = _fold_phrase(phrase)
        if folded_phrase in names:
            if not same_length:
                continue
            text, wanted = folded, normalise(phrase).folded
        else:
            text, wanted = ascii_folded, folded_phrase
        spans = [(m.start(), m.end()) for m in re.finditer(re.escape(wanted), text)]
        if spans:
            found.append((phrase, spans))
    return found


def _other_sense(brand: Brand, excluded: Sequence[str]) -> str | None:
    """The excluded phrase of a post that marks the other sense of the brand's word without
    naming it ("#Ekstraklasa", "bramki w derbach" for a footballer who shares the name).
    The caller skips a post written to the brand's @account."""
    for phrase in excluded:
        folded = _fold_phrase(phrase)
        if not any(_alias_pattern(a).search(folded) for a in (brand.name, *brand.aliases)):
            return phrase
    return None


def names_any(text: str, names: Sequence[str] = DEFAULT_COMPETITORS) -> bool:
    """Whether the text names any of these brands (in any inflected form)."""
    folded = normalise(text).ascii_folded
    return any(_alias_pattern(name).search(folded) for name in names)


NO_BRAND = "no watched brand named"
_SUBREDDIT = re.compile(r"^/r/([^/]+)")


def _place_key(name: str) -> str:
    return re.sub(r"[^a-z0-9.]", "", _fold_phrase(name).lstrip("@#"))


def own_community(url: str | None, brands: Sequence[Brand]) -> str | None:
    """The watched brand whose own community a post was written in: a subreddit named as
    the brand or one of its products (r/RiftRaiders), or a site under one of the brand's
    domains (forum.gremlingames.example for the alias "gremlingames.example")."""
    if not url:
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").casefold()
    subreddit = _SUBREDDIT.match(parts.path)
    place = _place_key(subreddit.group(1)) if subreddit else None
    for brand in brands:
        domains, names = _place_keys(brand.name, tuple(brand.aliases))
        if any(host == key or host.endswith(f".{key}") for key in domains) or place in names:
            return brand.name
    return None


# Words a company's own byline adds to its name: "Zespół Skok", "Netia Support".
_BYLINE = re.compile(
    r"^(?:(?:zespol|team|biuro prasowe|obsluga klienta|support) )?(?P<name>.+?)"
    r"(?: (?:team|support|help|pomoc|press|newsroom))?$"
)


def own_account(author: str | None, brands: Sequence[Brand]) -> str | None:
    """The watched brand whose own account wrote a post: an alias "@NetiaSA" is its handle,
    and a byline of the brand's name ("Netia", "Zespół Skok") is the company's own."""
    if not author:
        return None
    key = author.strip().removeprefix("@").casefold()
    byline = _BYLINE.match(_fold_phrase(author.strip()))
    name = byline.group("name") if byline else None
    for brand in brands:
        if any(a.startswith("@") and a[1:].casefold() == key for a in brand.aliases):
            return brand.name
        if name and name in _names(brand.name, tuple(brand.aliases)):
            return brand.name
    return None


@lru_cache(maxsize=64)
def _names(name: str, aliases: tuple[str, ...]) -> frozenset[str]:
    """A brand's name and aliases, folded, without its @accounts and #tags: what a byline
    of the company is written as."""
    return frozenset(_fold_phrase(a) for a in (name, *aliases) if not a.startswith(("@", "#")))


@lru_cache(maxsize=64)
def _place_keys(name: str, aliases: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """(domains, other names) of a brand, as `own_community` compares them."""
    keys = {_place_key(a) for a in (name, *aliases)}
    return frozenset(k for k in keys if "." in k), frozenset(k for k in keys if "." not in k)


def find_brand(
    text: str,
    brands: Sequence[Brand],
    competitors: Sequence[str] = DEFAULT_COMPETITORS,
    lang: str | None = None,
) -> BrandMention:
    """The watched brand a post is about, with the forms found and the reasons.

    A brand named like an everyday English word counts in an English or unknown-language
    post only where it is written as a name ("Play", "#play", "@Play_Polska"), not as the
    verb ("can't play online"); Polish has no such word, so there any form counts.
    """
    normalised = normalise(text)
    folded = normalised.ascii_folded
    cased_text = fold_diacritics(normalised.clean)
    cased = cased_text if lang != "pl" and len(cased_text) == len(folded) else None
    for brand in brands:
        scan = folded
        excluded = []
        for phrase, spans in _excluded_spans(brand, normalised.folded, folded):
            excluded.append(phrase)
            for start, end in spans:
                scan = f"{scan[:start]}{' ' * (end - start)}{scan[end:]}"  # positions kept
        found = [
            m
            for a in brand.aliases
            for m in _found(_alias_pattern(a), scan)
            if _as_name(m, scan, cased)
        ]
        mentions = [m.group(0) for m in found]
        addressed = any(m.start() > 0 and scan[m.start() - 1] == "@" for m in found)
        context = None if addressed else _other_sense(brand, excluded)
        if context is not None:
            return BrandMention(None, False, (), (f"{brand.name} in another sense: {context!r}",))
        if not mentions:
            if excluded:
                return BrandMention(
                    None, False, (), (f"only in an excluded phrase: {excluded[0]!r}",)
                )
            continue
        passing = _passing_mention(scan, brand, competitors)
        if passing:
            return BrandMention(brand.name, False, tuple(mentions), (passing,))
        reasons = (f"names {brand.name} as {', '.join(sorted(set(mentions)))}",)
        return BrandMention(brand.name, True, tuple(mentions), reasons)
    return BrandMention(None, False, (), (NO_BRAND,))
