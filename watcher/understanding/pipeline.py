"""All the understanding of one post, as plain values: what `watcher classify` prints."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from watcher.config import Brand
from watcher.understanding.brand import (
    NO_BRAND,
    BrandMention,
    find_brand,
    own_account,
    own_community,
)
from watcher.understanding.category import categorise
from watcher.understanding.complaint import classify_complaint, in_third_person
from watcher.understanding.identifiers import extract_identifiers
from watcher.understanding.language import LanguageGuess, detect_language
from watcher.understanding.loudness import Loudness, measure_loudness
from watcher.understanding.severity import assess_severity
from watcher.understanding.text import own_words


class PostLike(Protocol):
    """What understanding reads of a post: a stored Post and a PostRecord both fit."""

    @property
    def external_id(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def title(self) -> str | None: ...
    @property
    def text(self) -> str: ...
    @property
    def author(self) -> str | None: ...
    @property
    def author_followers(self) -> int | None: ...
    @property
    def score(self) -> int | None: ...
    @property
    def comments(self) -> int | None: ...
    @property
    def published_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class Understanding:
    external_id: str
    lang: str | None
    brand: str | None
    about_brand: bool
    is_complaint: bool
    complaint_confidence: float
    category: str | None
    severity: str | None
    identifiers: dict[str, list[Any]]
    loudness: Loudness
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The `watcher classify` line."""
        return {
            "external_id": self.external_id,
            "lang": self.lang,
            "about_brand": self.about_brand,
            "is_complaint": self.is_complaint,
            "complaint_confidence": self.complaint_confidence,
            "category": self.category,
            "severity": self.severity,
            "identifiers": self.identifiers,
            "loudness": self.loudness.as_dict(),
            "reasons": self.reasons,
        }


# What a posts file calls a news or blog feed's items; a configured source says so by its type.
FEED_NAMES = frozenset({"rss", "atom", "feed"})


def from_feed(source_type: str, source_name: str) -> bool:
    """Whether posts of this source are a feed's items: a configured feed, or an imported
    file's posts whose source is named "rss", "atom" or "feed"."""
    return source_type == "feed" or (
        source_type == "import" and source_name.casefold() in FEED_NAMES
    )


def post_text(post: PostLike) -> str:
    return "\n".join(part for part in (post.title, post.text) if part)


def understand(
    post: PostLike,
    brands: Sequence[Brand],
    *,
    languages: Sequence[str] = ("pl", "en"),
    ref_patterns: Sequence[str] = (),
    sources: int = 1,
    probability: float | None = None,
    language: LanguageGuess | None = None,
    feed: bool = False,
) -> Understanding:
    """Language, brand, complaint, category, severity, identifiers and loudness of a post.

    `probability` (the complaint model's) and `language` are given when they were
    computed for many posts at once, which is much faster. `feed` says the post is an
    item of a news or blog feed.
    """
    text = post_text(post)
    language = language or detect_language(text, languages)
    mention = find_brand(text, brands, lang=language.lang)
    if mention.reasons == (NO_BRAND,):
        # A post in the brand's own subreddit or forum need not name it.
        community = own_community(post.url, brands)
        if community is not None:
            mention = BrandMention(
                community, True, (), (f"written in {community}'s own community",)
            )
    guess = classify_complaint(text, language.lang, probability=probability)
    own = own_account(post.author, brands)
    if own is not None and guess.is_complaint:
        # The company's own account announcing an outage or apologising is not a customer's
        # grievance, however many words of trouble it has.
        guess = replace(
            guess, is_complaint=False, reasons=(*guess.reasons, f"posted by {own}'s own account")
        )
    elif feed and guess.is_complaint and in_third_person(text, language.lang, press=True):
        # A feed's longer item in which no one speaks of themselves is the news of an outage
        # or a price rise, however many words of trouble it has; a customer's blog post
        # says "I" or "we".
        guess = replace(
            guess,
            is_complaint=False,
            reasons=(*guess.reasons, "a feed's item in which no one speaks of themselves"),
        )
    reasons = [*mention.reasons, *guess.reasons]
    if language.lang is not None and language.lang not in languages:
        reasons.append(f"language {language.lang} is not among {', '.join(languages)}")
    category = severity = None
    if guess.is_complaint:
        found = categorise(text, language.lang)
        category = found.category
        assessed = assess_severity(text, language.lang)
        severity = assessed.severity
        reasons += [*found.reasons[:3], *assessed.reasons]
    loudness = measure_loudness(post.author_followers, post.score, post.comments, sources=sources)
    return Understanding(
        external_id=post.external_id,
        lang=language.lang,
        brand=mention.brand,
        about_brand=mention.about_brand,
        is_complaint=guess.is_complaint,
        complaint_confidence=guess.confidence,
        category=category,
        severity=severity,
        identifiers=extract_identifiers(own_words(text), ref_patterns),
        loudness=loudness,
        reasons=reasons,
    )
