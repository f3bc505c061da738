"""RSS and Atom feeds (Google Alerts included): fetched safely, parsed from bytes by feedparser.

feedparser is only ever handed bytes we fetched, never a URL, so it cannot
fetch anything itself. A "bozo" feed that still has entries is read with a
warning; one without entries is an error that loses nothing.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import feedparser

from watcher.config import SourceConfig
from watcher.formats.posts import PostRecord, safe_url
from watcher.sources.base import Collected, SourceError
from watcher.sources.fetch import FetchLimits, fetch
from watcher.understanding.text import strip_markup


def unwrap_google_alert(url: str) -> str:
    """Google Alerts link to google.com/url?...&url=REAL; the post is at REAL."""
    parts = urlsplit(url)
    if parts.hostname and parts.hostname.endswith("google.com") and parts.path == "/url":
        target = parse_qs(parts.query).get("url") or parse_qs(parts.query).get("q")
        if target:
            return target[0]
    return url


def _published(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), UTC)
    return None


def _text(entry: Any) -> str:
    if entry.get("content"):
        return strip_markup(" ".join(part.get("value", "") for part in entry["content"]))
    return strip_markup(entry.get("summary", "") or "")


def parse_feed(source: str, body: bytes) -> Collected:
    """Posts from the bytes of a feed; SourceError when it is not a feed at all."""
    # The text is stripped of markup, so the URIs in HTML that feedparser would make
    # absolute are never read (entry links are resolved either way); that pass costs
    # about a fifth of the parse.
    parsed = feedparser.parse(body, resolve_relative_uris=False)
    warnings: list[str] = []
    if parsed.get("bozo"):
        reason = str(parsed.get("bozo_exception", "malformed feed"))[:200]
        if not parsed.entries:
            raise SourceError(f"{source}: not a readable feed ({reason}); check the URL")
        warnings.append(f"{source}: malformed feed read anyway ({reason})")
    posts: list[PostRecord] = []
    for entry in parsed.entries:
        link = entry.get("link")
        try:
            url = safe_url(unwrap_google_alert(link)) if link else None
        except ValueError:
            url = None
            warnings.append(f"{source}: entry link {str(link)[:60]!r} is not http(s); dropped")
        external_id = entry.get("id") or url
        title = strip_markup(entry.get("title", "")).strip() or None
        text = " ".join(_text(entry).split())
        if not external_id or not (text or title):
            warnings.append(f"{source}: an entry without id, link or text was skipped")
            continue
        posts.append(
            PostRecord(
                source=source,
                external_id=str(external_id)[:500],
                text=text,
                url=url,
                author=(entry.get("author") or None),
                published_at=_published(entry),
                title=title,
            )
        )
    return Collected(posts, warnings=warnings)


def collect_feed(
    source: SourceConfig,
    checkpoint: dict[str, Any],
    *,
    limits: FetchLimits,
    etag: str | None,
    last_modified: str | None,
) -> Collected:
    fetched = fetch(
        source.url, internal=source.internal, limits=limits, etag=etag, last_modified=last_modified
    )
    if fetched.status == 304:
        return Collected([], checkpoint, etag, last_modified, not_modified=True)
    collected = parse_feed(source.name, fetched.body)
    collected.etag = fetched.headers.get("etag")
    collected.last_modified = fetched.headers.get("last-modified")
    return collected
