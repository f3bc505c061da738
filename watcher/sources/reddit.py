"""Reddit through praw, read-only: new posts in subreddits, searches for the brand, comments.

praw does the API work (OAuth app token, paging, rate limits); the base URLs
are settings so that tests and proxies can point it elsewhere. A checkpoint
per subreddit (the newest creation time seen) lets a restart resume where it
stopped; storing is idempotent, so the overlap kept for safety costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import praw
import prawcore

from watcher.config import Brand, Config, SourceConfig
from watcher.formats.posts import PostRecord
from watcher.sources.base import Collected, SourceError
from watcher.understanding.brand import find_brand

# Seconds of overlap with the last run, against clock skew and late indexing.
OVERLAP = 3600
MAX_ITEMS = 500


def client(config: Config) -> praw.Reddit:
    missing = [n for n in ("REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET") if not config[n]]
    if missing:
        raise SourceError(
            f"Reddit needs {' and '.join('WATCHER_' + m for m in missing)}: create a 'script' app "
            "at https://www.reddit.com/prefs/apps and set its id and secret"
        )
    return praw.Reddit(
        client_id=config["REDDIT_CLIENT_ID"],
        client_secret=config["REDDIT_CLIENT_SECRET"],
        user_agent=config["REDDIT_USER_AGENT"],
        check_for_updates=False,
        oauth_url=config["REDDIT_OAUTH_URL"],
        reddit_url=config["REDDIT_URL"],
        short_url=config["REDDIT_URL"],
        timeout=config["FETCH_TIMEOUT"],
    )


def _created(item: Any) -> datetime:
    return datetime.fromtimestamp(float(item.created_utc), UTC)


class KarmaCache:
    """Author karma is the reach figure; one look-up per author per run."""

    def __init__(self) -> None:
        self.known: dict[str, int | None] = {}

    def __call__(self, author: Any) -> int | None:
        if author is None:
            return None
        name = str(author)
        if name not in self.known:
            try:
                self.known[name] = int(author.link_karma) + int(author.comment_karma)
            except (prawcore.PrawcoreException, AttributeError, TypeError, ValueError):
                self.known[name] = None
        return self.known[name]


def _submission(source: str, item: Any, base: str, karma: KarmaCache) -> PostRecord:
    return PostRecord(
        source=source,
        external_id=f"t3_{item.id}",
        url=base + item.permalink,
        author=str(item.author) if item.author else None,
        author_followers=karma(item.author),
        published_at=_created(item),
        title=item.title,
        text=item.selftext or "",
        score=item.score,
        comments=item.num_comments,
    )


def _comment(source: str, item: Any, title: str, base: str, karma: KarmaCache) -> PostRecord:
    return PostRecord(
        source=source,
        external_id=f"t1_{item.id}",
        url=base + item.permalink,
        author=str(item.author) if item.author else None,
        author_followers=karma(item.author),
        published_at=_created(item),
        title=f"Re: {title}",
        text=item.body or "",
        score=item.score,
    )


def _newer(items: Iterable[Any], since: float) -> Iterator[Any]:
    for count, item in enumerate(items):
        if count >= MAX_ITEMS or float(item.created_utc) < since:
            return
        yield item


def collect_reddit(
    source: SourceConfig, checkpoint: dict[str, Any], config: Config, brands: Sequence[Brand]
) -> Collected:
    reddit = client(config)
    options = dict(source.options)
    subreddits = [str(s) for s in options.get("subreddits", [])] or ["all"]
    names = [alias for brand in brands for alias in brand.aliases]
    query = str(options.get("query") or " OR ".join(f'"{n}"' for n in names))
    base = config["REDDIT_URL"].rstrip("/")
    seen: dict[str, float] = dict(checkpoint.get("newest", {}))
    karma = KarmaCache()
    posts: dict[str, PostRecord] = {}
    try:
        for name in subreddits:
            since = seen.get(name, 0.0) - OVERLAP
            subreddit = reddit.subreddit(name)
            listings = (
                [_newer(subreddit.search(query, sort="new", limit=None), since)] if query else []
            )
            if name != "all":
                listings.insert(0, _newer(subreddit.new(limit=None), since))
            for listing in listings:
                for item in listing:
                    record = _submission(source.name, item, base, karma)
                    posts[record.external_id] = record
                    seen[name] = max(seen.get(name, 0.0), float(item.created_utc))
                    mentioned = find_brand(f"{item.title}\n{item.selftext}", brands).brand
                    if options.get("comments", True) and mentioned and item.num_comments:
                        item.comments.replace_more(limit=0)
                        for comment in item.comments.list()[:MAX_ITEMS]:
                            found = _comment(source.name, comment, item.title, base, karma)
                            posts[found.external_id] = found
    except prawcore.exceptions.ResponseException as exc:
        status = exc.response.status_code
        raise SourceError(
            f"{source.name}: Reddit answered {status}; check the app id and secret, "
            "or wait if it is rate limiting"
        ) from exc
    except prawcore.PrawcoreException as exc:
        raise SourceError(f"{source.name}: Reddit could not be read: {exc}") from exc
    return Collected(list(posts.values()), {"newest": seen})
