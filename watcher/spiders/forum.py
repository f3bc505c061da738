"""ForumSpider: a board or a thread, its threads and their pages, within one host.

What a page yields comes from pure functions over a parsel Selector or a Scrapy
response, so the spider and bench/forum_real_pages.py read pages the same way.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector
from scrapy import Request, Spider
from scrapy.http import Response
from w3lib.url import url_query_cleaner

from watcher.spiders.presets import forum_selectors
from watcher.spiders.text import node_text, parse_date

Page = Selector | Response


def first_text(values: Iterable[str]) -> str | None:
    """The first value that is not blank, whitespace collapsed."""
    for value in values:
        text = " ".join(value.split())
        if text:
            return text
    return None


def _first_date(values: Iterable[str], timezone: str) -> str | None:
    """The first value parse_date reads."""
    for value in values:
        moment = parse_date(value, timezone=timezone)
        if moment:
            return moment
    return None


def _date_values(post: Page, selectors: Mapping[str, str]) -> list[str]:
    """Candidate dates of a post; a selector of all the text in a node (" ::text", e.g.
    vBulletin's date and time in two spans) is tried joined first."""
    selector = selectors.get("date", "time::attr(datetime)")
    values = post.css(selector).getall()
    return [" ".join(values), *values] if selector.endswith(" ::text") else values


def is_thread(page: Page, selectors: Mapping[str, str]) -> bool:
    """Whether the page shows posts (a thread) rather than a list of threads (a board)."""
    return bool(page.css(selectors["post"]))


def thread_links(page: Page, selectors: Mapping[str, str]) -> list[str]:
    """Hrefs of the threads listed on a board page, each once, in page order."""
    hrefs = page.css(selectors.get("thread_links", "a.topictitle::attr(href)")).getall()
    return list(dict.fromkeys(h.strip() for h in hrefs if h.strip()))


def thread_rows(page: Page, selectors: Mapping[str, str]) -> dict[str, str]:
    """Each thread listed on a board page (href) with a fingerprint of its row there.

    The row (the link's list item or table row) shows the reply count and the last
    post, so its fingerprint changes when the thread gets new replies.
    """
    selector = selectors.get("thread_links", "a.topictitle::attr(href)")
    anchors = ", ".join(part.strip().removesuffix("::attr(href)") for part in selector.split(","))
    rows: dict[str, str] = {}
    for anchor in page.css(anchors):
        href = (anchor.attrib.get("href") or "").strip()
        if not href or href in rows:
            continue
        row = anchor.xpath("ancestor::*[self::li or self::tr or self::article][1]") or [anchor]
        text = " ".join(" ".join(row[0].xpath(".//text()").getall()).split())
        text = _VIEWS.sub("", text)  # every visit changes the view count, not the thread
        rows[href] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return rows


def canonical(url: str) -> str:
    """A thread's address without the session ids forums add to links."""
    return url_query_cleaner(url, SESSION_PARAMS, remove=True)


def next_page(page: Page, selectors: Mapping[str, str]) -> str | None:
    """Href of the page after this one (board or thread), if the preset knows where it is."""
    if "next_page" not in selectors:
        return None
    return first_text(page.css(selectors["next_page"]).getall())


def extract_posts(
    page: Page, selectors: Mapping[str, str], url: str, *, timezone: str = "UTC"
) -> list[dict[str, Any]]:
    """The posts of a thread page: post_id, url, author, published_at, title and text.

    Posts without text are left out; post_id is the preset's attribute of the post
    node, or the post's position on the page when it has none. Dates shown without
    a zone are read in the forum's `timezone`.
    """
    s = selectors
    base = url.split("#")[0]
    title = first_text(page.css(s.get("thread_title", "title::text")).getall())
    posts = []
    for number, post in enumerate(page.css(s["post"])):
        post_id = first_text(post.css(s.get("post_id", "::attr(id)")).getall())
        body = node_text(post.css(s["body"]))
        if not body:
            continue
        post_id = post_id or f"{base}#{number}"
        posts.append(
            {
                "post_id": post_id,
                "url": f"{base}#{post_id}",
                "author": first_text(post.css(s.get("author", ".username::text")).getall()),
                "published_at": _first_date(_date_values(post, s), timezone),
                "title": title if number == 0 else f"Re: {title}" if title else None,
                "text": body,
            }
        )
    return posts


_VIEW_WORDS = r"(?:views?|wy[śs]wietle\w*|ods[łl]on\w*|aufrufe|zhl[ée]dnut\w*)"
_VIEWS = re.compile(rf"(?i){_VIEW_WORDS}\s*:\s*\d[\d.,]*|\d[\d.,]*\s*{_VIEW_WORDS}\b(?!\s*:)")


def configured_source(name: str) -> dict[str, Any]:
    """A `[[sources]]` entry of watcher.toml by name, as the crawl child receives it."""
    from watcher.config import load_config

    config = load_config(None)
    found = next((s for s in config.sources if s.name == name), None)
    if found is None:
        known = ", ".join(s.name for s in config.sources) or "none"
        raise ValueError(f"no source named {name!r} in the configuration; configured: {known}")
    return {"name": found.name, "type": found.type, "url": found.url,
            "internal": found.internal, **dict(found.options)}  # fmt: skip


SESSION_PARAMS = ("sid", "s", "PHPSESSID", "phpsessid")


class ForumSpider(Spider):
    name = "forum"

    def __init__(
        self,
        source: dict[str, Any] | str,
        selectors: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        """`source` as `watcher crawl` passes it, or, from `scrapy crawl forum -a source=NAME`,
        the name of a `[[sources]]` entry of watcher.toml (WATCHER_CONFIG or ./watcher.toml)."""
        super().__init__(**kwargs)
        self.standalone = isinstance(source, str)
        if isinstance(source, str):
            source = configured_source(source)
        self.source = source
        self.selectors = selectors or forum_selectors(source.get("preset"), source.get("selectors"))
        self.internal = bool(source.get("internal"))
        self.start_urls = [source["url"]]
        self.host = urlsplit(source["url"]).netloc
        self.max_pages = int(source.get("max_pages", 50))
        self.timezone = str(source.get("timezone") or "UTC")
        self.seen: dict[str, str] = dict(source.get("seen_threads") or {})
        self.pages = 0

    def _follow(self, response: Response, href: str | None, callback: Any) -> Iterator[Request]:
        if not href or self.pages >= self.max_pages:
            return
        url = response.urljoin(href)
        if urlsplit(url).netloc == self.host:  # never wander off the forum
            self.pages += 1
            yield Request(url, callback=callback)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        if is_thread(response, self.selectors):
            yield from self.parse_thread(response)
            return
        for href, fingerprint in thread_rows(response, self.selectors).items():
            url = canonical(response.urljoin(href))
            if not self.standalone:
                yield {"thread": url, "fingerprint": fingerprint}  # kept for the next crawl
            if self.seen.get(url) != fingerprint:  # new, or new replies since last time
                yield from self._follow(response, href, self.parse_thread)
        yield from self._follow(response, next_page(response, self.selectors), self.parse)

    def parse_thread(self, response: Response) -> Iterator[Any]:
        for post in extract_posts(response, self.selectors, response.url, timezone=self.timezone):
            post_id = post.pop("post_id")
            yield {"source": self.source["name"], "external_id": f"{self.host}/{post_id}", **post}
        yield from self._follow(response, next_page(response, self.selectors), self.parse_thread)
