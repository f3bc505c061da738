"""Mastodon: public hashtag timelines of an instance, read through its public REST API.

`GET /api/v1/timelines/tag/{hashtag}?since_id=...` needs no account. The
newest status id per hashtag is the checkpoint; HTML content becomes plain
text; the account's followers count is the reach figure.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from watcher.config import SourceConfig
from watcher.formats.posts import PostRecord, safe_url
from watcher.sources.base import Collected, SourceError
from watcher.sources.fetch import FetchLimits, fetch
from watcher.understanding.text import strip_markup

PAGE = 40


def _status(source: str, item: dict[str, Any]) -> PostRecord | None:
    text = " ".join(strip_markup(str(item.get("content") or "")).split())
    if not text:
        return None
    account = item.get("account") or {}
    try:
        url = safe_url(item.get("url") or item.get("uri"))
    except ValueError:
        url = None
    published = item.get("created_at")
    return PostRecord(
        source=source,
        external_id=str(item.get("uri") or item["id"]),
        text=text,
        url=url,
        author=account.get("acct") or account.get("username"),
        author_followers=account.get("followers_count"),
        published_at=datetime.fromisoformat(published.replace("Z", "+00:00")).astimezone(UTC)
        if published
        else None,
        score=item.get("favourites_count"),
        comments=item.get("replies_count"),
    )


def collect_mastodon(
    source: SourceConfig, checkpoint: dict[str, Any], *, limits: FetchLimits
) -> Collected:
    options = dict(source.options)
    instance = str(options.get("instance") or source.url).rstrip("/")
    hashtags = [str(h).lstrip("#") for h in options.get("hashtags", [])]
    if not instance or not hashtags:
        raise SourceError(
            f"{source.name}: a mastodon source needs instance = ... and hashtags = [...]"
        )
    newest: dict[str, str] = dict(checkpoint.get("since_id", {}))
    posts: list[PostRecord] = []
    for tag in hashtags:
        query = {"limit": PAGE} | ({"since_id": newest[tag]} if tag in newest else {})
        url = f"{instance}/api/v1/timelines/tag/{quote(tag)}?{urlencode(query)}"
        fetched = fetch(url, internal=source.internal, limits=limits)
        try:
            items = json.loads(fetched.body)
        except json.JSONDecodeError as exc:
            raise SourceError(
                f"{source.name}: {instance} did not answer with JSON; is it Mastodon?"
            ) from exc
        if not isinstance(items, list):
            raise SourceError(f"{source.name}: unexpected answer from {instance}")
        for item in items:
            record = _status(source.name, item)
            if record is not None:
                posts.append(record)
        ids = [str(item["id"]) for item in items if "id" in item]
        if ids:
            newest[tag] = max(ids, key=lambda i: (len(i), i))
    return Collected(posts, {"since_id": newest})
