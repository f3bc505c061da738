"""Normalising customer identities so that the same person compares equal.

Pure functions: the ticket importer stores what they return, the matcher
compares what they return for a post's author.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_DIGITS = re.compile(r"\D")
_SPACES = re.compile(r"\s+")
# Nine national digits is a Polish number; watcher's first market.
DEFAULT_COUNTRY_CODE = "48"


def normalise_email(value: str) -> str:
    return value.strip().lower()


def normalise_phone(value: str) -> str:
    """Digits with a country code: '+48 601-234-567' and '601234567' agree."""
    digits = _NON_DIGITS.sub("", value)
    if value.strip().lstrip("(").startswith("00"):  # "0048 601…", "(0048) 601…"
        digits = digits[2:]
    if len(digits) == 9:
        digits = DEFAULT_COUNTRY_CODE + digits
    return digits


# Reddit shows its users as "u/name" or "/u/name"; the name is the handle.
_REDDIT_USER = re.compile(r"^/?u/(?=\w)", re.I)


def normalise_handle(value: str) -> str:
    return _REDDIT_USER.sub("", value.strip()).lstrip("@").casefold()


def normalise_name(value: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip().casefold()


# Social networks as sources and identities name them ("netia-reddit", "x", "fb").
_NETWORKS = {
    "twitter": "twitter", "x": "twitter", "reddit": "reddit", "facebook": "facebook",
    "fb": "facebook", "wykop": "wykop", "instagram": "instagram", "tiktok": "tiktok",
    "youtube": "youtube", "linkedin": "linkedin", "mastodon": "mastodon",
    "bluesky": "bluesky", "threads": "threads",
}  # fmt: skip
_NAME_PARTS = re.compile(r"[^0-9a-z]+")


def network_of(*names: str | None) -> str | None:
    """The social network a source's name or type, or an identity's platform, names, if
    any: a handle is only the same person's on the same network."""
    for name in names:
        for part in _NAME_PARTS.split((name or "").casefold()):
            if part in _NETWORKS:
                return _NETWORKS[part]
    return None


NORMALISERS = {
    "email": normalise_email,
    "phone": normalise_phone,
    "handle": normalise_handle,
    "name": normalise_name,
}


def identity_hash(kind: str, value: str, platform: str | None = None) -> str:
    """SHA-256 of a normalised identity; handles are hashed with their platform."""
    key = f"{kind}:{platform or ''}:{value}"
    return hashlib.sha256(key.encode()).hexdigest()
