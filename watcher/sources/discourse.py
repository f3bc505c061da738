"""Discourse forums, read through their public JSON API instead of scraping their pages.

A forum source with `preset = "discourse"` lists topics from `/latest.json` (or
`/c/{slug}/{id}.json` when its URL is a category, or reads the one topic its URL
points at), then reads each topic that changed from `/t/{id}.json` and, for
topics longer than that first chunk, the remaining posts from
`/t/{id}/posts.json?post_ids[]=...`.

The checkpoint remembers per topic its `last_posted_at`/`bumped_at` and the
highest post id read, so an unchanged topic is not fetched again and a bumped
one only fetches the posts that are new. Every request goes through `fetch`
(size cap, checked redirects, private addresses refused unless `internal`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from parsel import Selector

from watcher.config import SourceConfig
from watcher.formats.posts import PostRecord
from watcher.sources.base import Collected, SourceError
from watcher.sources.fetch import FetchLimits, fetch
from watcher.spiders.text import node_text

CHUNK = 20  # post ids per /t/{id}/posts.json request, Discourse's own chunk size
MAX_POST_REQUESTS = 50  # posts.json requests per run; a longer backlog continues next run
MAX_PAGES = 20
TOPICS_KEPT = 2000  # topics remembered in the checkpoint
REGULAR = 1  # post_type; 2 moderator notices, 3 small actions, 4 whispers are not posts
LIKE = 2  # actions_summary id of likes


@dataclass(frozen=True)
class Target:
    """Where a source's URL points: the forum's base, and a listing or a single topic."""

    base: str  # scheme://host[/subfolder], no trailing slash
    listing: str | None  # path of the topic list, e.g. /latest.json or /c/support/5.json
    topic_id: int | None = None


def target(url: str) -> Target:
    """The forum base and what to list from a source URL (home, /latest, /c/..., /t/...)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SourceError(f"{url!r}: a discourse source needs the forum's http(s) URL")
    path = parts.path.rstrip("/").removesuffix(".json")
    root = f"{parts.scheme}://{parts.netloc}"
    segments = path.split("/")
    if "c" in segments:  # /c/{slug}/{id}, /c/{parent}/{child}/{id}, .../l/latest
        at = segments.index("c")
        category = segments[at:]
        if "l" in category:
            category = category[: category.index("l")]
        if len(category) < 2:
            raise SourceError(f"{url!r}: no category after /c/")
        return Target(root + "/".join(segments[:at]), "/" + "/".join(category) + ".json")
    if "t" in segments:  # /t/{slug}/{id}[/{post_number}] or /t/{id}
        at = segments.index("t")
        after = [*segments[at + 1 : at + 3], ""]
        topic = after[0] if after[0].isdigit() else after[1]
        if not topic.isdigit():
            raise SourceError(f"{url!r}: no topic id after /t/")
        return Target(root + "/".join(segments[:at]), None, int(topic))
    for tail in ("latest", "new", "top", "categories"):
        if path.endswith("/" + tail):
            path = path.removesuffix("/" + tail)
            break
    return Target(root + path, "/latest.json")


def cooked_text(cooked: str) -> str:
    """Plain text of a post's cooked HTML: scripts and styles dropped, the poster's own
    angle brackets (`&lt;script&gt;`, `&lt;!channel&gt;`) kept as the text they are."""
    if not cooked.strip():
        return ""
    page = Selector(text=cooked)
    page.css(".lightbox-wrapper .meta").drop()  # "image 1920×1080 123 KB" under pictures
    return node_text(page.xpath("/html/body"))


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else None


def _likes(post: dict[str, Any]) -> int | None:
    for action in post.get("actions_summary") or []:
        if isinstance(action, dict) and action.get("id") == LIKE:
            count = action.get("count")
            return count if isinstance(count, int) else None
    count = post.get("like_count")
    return count if isinstance(count, int) else None


@dataclass
class _Run:
    source: SourceConfig
    limits: FetchLimits
    base: str
    host: str
    post_requests: int = 0
    warnings: list[str] = field(default_factory=list)

    def get(self, path: str) -> dict[str, Any]:
        url = self.base + path
        fetched = fetch(url, internal=self.source.internal, limits=self.limits)
        try:
            answer = json.loads(fetched.body)
        except ValueError as exc:  # JSONDecodeError, or bytes that are not UTF-8
            raise SourceError(
                f"{self.source.name}: {url} did not answer with JSON ({str(exc)[:80]}); "
                "is it a Discourse forum?"
            ) from exc
        if not isinstance(answer, dict):
            raise SourceError(f"{self.source.name}: {url} answered {type(answer).__name__}, "
                              "not a Discourse object; is it a Discourse forum?")  # fmt: skip
        return answer

    def record(self, topic: dict[str, Any], post: dict[str, Any]) -> PostRecord | None:
        """A post as the Posts format, or None for notices, hidden, deleted and empty posts."""
        if post.get("post_type", REGULAR) != REGULAR or post.get("hidden"):
            return None
        if post.get("deleted_at") or post.get("user_deleted") or post.get("cooked_hidden"):
            return None
        text = cooked_text(str(post.get("cooked") or ""))
        post_id, number = post.get("id"), post.get("post_number")
        if not text or not isinstance(post_id, int) or not isinstance(number, int):
            return None
        topic_id = topic.get("id") or post.get("topic_id")
        slug = topic.get("slug") or post.get("topic_slug") or "topic"
        title = " ".join(str(topic.get("title") or post.get("topic_title") or "").split())
        replies = post.get("reply_count")
        return PostRecord(
            source=self.source.name,
            external_id=f"{self.host}/{post_id}",
            text=text,
            url=f"{self.base}/t/{slug}/{topic_id}/{number}",
            author=post.get("username") or None,
            published_at=_moment(post.get("created_at")),
            title=(title if number == 1 else f"Re: {title}") if title else None,
            score=_likes(post),
            comments=replies if isinstance(replies, int) else None,
        )

    def topic_posts(self, topic_id: int, read_up_to: int) -> tuple[list[PostRecord], int, bool]:
        """The posts of a topic above post id `read_up_to` (the first chunk always, so edits
        there are seen); the highest id read; whether the topic was read to its end."""
        answer = self.get(f"/t/{topic_id}.json")
        stream = answer.get("post_stream")
        if not isinstance(stream, dict) or not isinstance(stream.get("posts"), list):
            raise SourceError(
                f"{self.source.name}: {self.base}/t/{topic_id}.json has no post_stream.posts; "
                "is it a Discourse forum?"
            )
        posts: list[dict[str, Any]] = [p for p in stream["posts"] if isinstance(p, dict)]
        have = {p.get("id") for p in posts}
        ids = [i for i in stream.get("stream") or [] if isinstance(i, int)]
        missing = [i for i in ids if i not in have and i > read_up_to]
        complete = True
        for start in range(0, len(missing), CHUNK):
            if self.post_requests >= MAX_POST_REQUESTS:
                complete = False
                break
            self.post_requests += 1
            chunk = missing[start : start + CHUNK]
            more = self.get(f"/t/{topic_id}/posts.json?" + urlencode({"post_ids[]": chunk}, True))
            found = (more.get("post_stream") or {}).get("posts")
            if not isinstance(found, list):
                raise SourceError(
                    f"{self.source.name}: {self.base}/t/{topic_id}/posts.json has no "
                    "post_stream.posts"
                )
            posts.extend(p for p in found if isinstance(p, dict))
        records = [r for r in (self.record(answer, p) for p in posts) if r is not None]
        read = [p["id"] for p in posts if isinstance(p.get("id"), int)]
        return records, max([read_up_to, *read]), complete

    def listing(self, path: str, pages: int) -> Iterator[list[dict[str, Any]]]:
        """Pages of the topic list, each a list of topics with an int id."""
        for page in range(pages):
            answer = self.get(path + (f"?page={page}" if page else ""))
            topic_list = answer.get("topic_list")
            if not isinstance(topic_list, dict) or not isinstance(topic_list.get("topics"), list):
                raise SourceError(
                    f"{self.source.name}: {self.base}{path} has no topic_list.topics; "
                    "is it a Discourse forum or category?"
                )
            yield [t for t in topic_list["topics"] if isinstance(t, dict)
                   and isinstance(t.get("id"), int)]  # fmt: skip
            if not topic_list.get("more_topics_url"):
                return


def _marker(topic: dict[str, Any]) -> str | None:
    """What changes when a topic gets a new post: its last_posted_at and bumped_at."""
    last, bumped = topic.get("last_posted_at"), topic.get("bumped_at")
    return f"{last}|{bumped}" if last or bumped else None


def _pages(source: SourceConfig) -> int:
    raw = dict(source.options).get("pages", 1)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= MAX_PAGES:
        raise SourceError(
            f"{source.name}: pages must be a whole number from 1 to {MAX_PAGES} "
            "(pages of /latest.json read per run)"
        )
    return raw


def collect_discourse(
    source: SourceConfig, checkpoint: dict[str, Any], *, limits: FetchLimits
) -> Collected:
    """Read the topics of a Discourse forum or category that changed since the checkpoint."""
    where = target(source.url)
    run = _Run(source, limits, where.base, urlsplit(where.base).netloc.lower())
    known: dict[str, dict[str, Any]] = {
        str(k): v for k, v in dict(checkpoint.get("topics") or {}).items() if isinstance(v, dict)
    }
    seen: dict[str, dict[str, Any]] = {}
    posts: list[PostRecord] = []

    def read(topic_id: int, marker: str | None) -> bool:
        """Read one topic into posts and seen; False when the run must stop here."""
        key = str(topic_id)
        before = known.get(key, {})
        up_to = before.get("read_up_to")
        try:
            records, read_up_to, complete = run.topic_posts(
                topic_id, up_to if isinstance(up_to, int) else 0
            )
        except SourceError as exc:
            run.warnings.append(f"{source.name}: topic {topic_id} skipped: {exc}")
            seen[key] = before
            return "HTTP 429" not in str(exc)  # rate limited: the rest waits for the next run
        posts.extend(records)
        seen[key] = {"marker": marker if complete else None, "read_up_to": read_up_to}
        if not complete:
            run.warnings.append(
                f"{source.name}: topic {topic_id} has more posts than one run reads; "
                "the rest are read in the next runs"
            )
        return True

    if where.topic_id is not None:
        read(where.topic_id, None)
    else:
        assert where.listing is not None
        going = True
        for page in run.listing(where.listing, _pages(source)):
            changed = 0
            for topic in page:
                key = str(topic["id"])
                if key in seen:  # listed twice (pinned, or moved between pages)
                    continue
                marker = _marker(topic)
                if marker is not None and known.get(key, {}).get("marker") == marker:
                    seen[key] = known[key]
                    continue
                changed += 1
                going = read(topic["id"], marker)
                if not going:
                    break
            if not going or not changed:  # nothing newer further down the list
                break
    kept = seen | {k: v for k, v in known.items() if k not in seen}
    topics = dict(list(kept.items())[:TOPICS_KEPT])
    return Collected(posts, {"topics": topics}, warnings=run.warnings[:10])
