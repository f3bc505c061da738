"""BlogSpider: an article page and the comments under it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy import Spider
from scrapy.http import Response

from watcher.spiders.presets import BLOG_DEFAULTS
from watcher.spiders.text import node_text, parse_date


class BlogSpider(Spider):
    name = "blog"

    def __init__(self, source: dict[str, Any], selectors: dict[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.selectors = {**BLOG_DEFAULTS, **selectors}
        self.internal = bool(source.get("internal"))
        self.timezone = str(source.get("timezone") or "UTC")  # of dates shown without a zone
        self.start_urls = [source["url"]]

    def parse(self, response: Response, **kwargs: Any) -> Iterator[dict[str, Any]]:
        s = self.selectors
        url = response.url.split("#")[0]
        title = " ".join((response.css(s["title"]).get() or "").split()) or None
        body = node_text(response.css(s["body"])[:1])
        author = " ".join((response.css(s["author"]).get() or "").split()) or None
        if body:
            yield {
                "source": self.source["name"],
                "external_id": url,
                "url": url,
                "author": author,
                "published_at": parse_date(response.css(s["date"]).get(), timezone=self.timezone),
                "title": title,
                "text": body,
            }
        for number, comment in enumerate(response.css(s["comment"])):
            comment_id = comment.css(s["comment_id"]).get() or f"comment-{number}"
            text = node_text(comment.css(s["comment_body"])[:1])
            if not text:
                continue
            yield {
                "source": self.source["name"],
                "external_id": f"{url}#{comment_id}",
                "url": f"{url}#{comment_id}",
                "author": " ".join((comment.css(s["comment_author"]).get() or "").split()) or None,
                "published_at": parse_date(
                    comment.css(s["comment_date"]).get(), timezone=self.timezone
                ),
                "title": f"Re: {title}" if title else None,
                "text": text,
            }
