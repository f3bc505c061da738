"""Selector presets for forum engines and blog pages, as the engines really render them.

A source picks one with `preset = "phpbb3"` or gives its own `selectors =
{...}` with the same keys; given keys override the preset's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from watcher.errors import ConfigError

# Keys: thread_links, next_page (board and thread pagination), thread_title, post,
# post_id (attribute of the post node), author, date (a datetime attribute or text), body.
FORUM_PRESETS: dict[str, dict[str, str]] = {
    "phpbb3": {
        "thread_links": "a.topictitle::attr(href)",
        "next_page": "li.arrow.next a::attr(href), a[rel=next]::attr(href)",
        "thread_title": "h2.topic-title a::text, h2.topic-title::text",
        "post": "div.post",
        "post_id": "::attr(id)",
        "author": "p.author a.username::text, dl.postprofile a.username::text",
        "date": "p.author time::attr(datetime)",
        "body": "div.content",
    },
}
BLOG_DEFAULTS: dict[str, str] = {
    "title": "h1.entry-title::text, meta[property='og:title']::attr(content), h1::text",
    "author": "span.author a.fn::text, .author .fn::text, meta[name=author]::attr(content)",
    "date": (
        "time.entry-date::attr(datetime), meta[property='article:published_time']::attr(content), "
        "time::attr(datetime)"
    ),
    "body": "div.entry-content, article .post-content, article",
    "comment": "ol.comment-list li.comment, #comments li.comment, div.comment",
    "comment_id": "::attr(id)",
    "comment_author": ".comment-author .fn::text, .comment-author::text, cite.fn::text",
    "comment_date": "time::attr(datetime)",
    "comment_body": ".comment-content, .comment-body p",
}


def forum_selectors(preset: str | None, custom: Mapping[str, Any] | None) -> dict[str, str]:
    """The selectors a forum source uses: its preset's, overridden by its own."""
    if preset is None and not custom:
        raise ConfigError("a forum source needs preset = ... or selectors = {...}")
    base: dict[str, str] = {}
    if preset is not None:
        if preset not in FORUM_PRESETS:
            raise ConfigError(
                f"unknown forum preset {preset!r}; known: {', '.join(sorted(FORUM_PRESETS))}, "
                "or give selectors = {...}"
            )
        base = dict(FORUM_PRESETS[preset])
    base.update({str(k): str(v) for k, v in (custom or {}).items()})
    missing = {"post", "body"} - set(base)
    if missing:
        raise ConfigError(f"forum selectors lack {', '.join(sorted(missing))}")
    return base
