"""ForumSpider: a board or a thread, its threads and their pages, within one host."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.http import Response

from watcher.spiders.text import node_text, parse_date


class ForumSpider(Spider):
    name = "forum"

    def __init__(self, source: dict[str, Any], selectors: dict[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.selectors = selectors
        self.internal = bool(source.get("internal"))
        self.start_urls = [source["url"]]
        self.host = urlsplit(source["url"]).netloc
        self.max_pages = int(source.get("max_pages", 50))
        self.pages = 0

    def _follow(self, response: Response, href: str | None, callback: Any) -> Iterator[Request]:
        if not href or self.pages >= self.max_pages:
            return
        url = response.urljoin(href)
        if urlsplit(url).netloc == self.host:  # never wander off the forum
            self.pages += 1
            yield Request(url, callback=callback)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        s = self.selectors
        if response.css(s["post"]):
            yield from self.parse_thread(response)
            return
        for href in response.css(s.get("thread_links", "a.topictitle::attr(href)")).getall():
            yield from self._follow(response, href, self.parse_thread)
        if "next_page" in s:
            yield from self._follow(response, response.css(s["next_page"]).get(), self.parse)

    def parse_thread(self, response: Response) -> Iterator[Any]:
        s = self.selectors
        title = " ".join(response.css(s.get("thread_title", "title::text")).get("").split())
        for number, post in enumerate(response.css(s["post"])):
            post_id = post.css(s.get("post_id", "::attr(id)")).get() or f"{response.url}#{number}"
            body = node_text(post.css(s["body"]))
            if not body:
                continue
            author = " ".join((post.css(s.get("author", ".username::text")).get() or "").split())
            yield {
                "source": self.source["name"],
                "external_id": f"{self.host}/{post_id}",
                "url": f"{response.url.split('#')[0]}#{post_id}",
                "author": author or None,
                "published_at": parse_date(post.css(s.get("date", "time::attr(datetime)")).get()),
                "title": title if number == 0 else f"Re: {title}" if title else None,
                "text": body,
            }
        if "next_page" in s:
            yield from self._follow(response, response.css(s["next_page"]).get(), self.parse_thread)
