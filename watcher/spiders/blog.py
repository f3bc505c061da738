"""BlogSpider: an article page and the comments under it.

The article's text, title, author and date come from trafilatura, which finds
the main text of a page whatever its theme and leaves navigation, footers,
share buttons and related links out. The CSS selectors of BLOG_DEFAULTS are the
fallback for what trafilatura does not find, and still read the comments. A
selector the source gives itself (`selectors = {body = "..."}`) wins over
trafilatura for its field.

What a page yields comes from `extract_blog`, a pure function of the HTML, so
tests and manual checks read pages the way the spider does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

import trafilatura
from parsel import Selector
from parsel.csstranslator import css2xpath
from scrapy import Spider
from scrapy.http import Response
from trafilatura.settings import Document

from watcher.spiders.presets import BLOG_DEFAULTS
from watcher.spiders.text import node_text, parse_date

# Bylines trafilatura sometimes keeps whole ("View all posts by Daniel Lemire").
_BYLINE = re.compile(r"(?i)^(view all posts by|all posts by|posts by|posted by|written by)\s+")
_NEAR_DAYS = 1  # a selector's precise time is used when it is this close to trafilatura's day


def _first(values: list[str]) -> str | None:
    for value in values:
        text = " ".join(value.split())
        if text:
            return text
    return None


def _first_date(values: list[str], timezone: str) -> str | None:
    for value in values:
        moment = parse_date(value, timezone=timezone)
        if moment:
            return moment
    return None


def _alternatives(selector: str) -> list[str]:
    """The comma-separated alternatives of a CSS selector group, in the order written."""
    parts, depth, quote, start = [], 0, "", 0
    for at, char in enumerate(selector):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(selector[start:at].strip())
            start = at + 1
    return [part for part in (*parts, selector[start:].strip()) if part]


def _first_node_text(page: Selector, selector: str) -> str:
    """Text of the first node the first alternative that finds any text matches:
    `div.entry-content, article` means entry-content first, not the outer article."""
    for alternative in _alternatives(selector):
        text = node_text(page.css(alternative)[:1])
        if text:
            return text
    return ""


def _main_text(html: str, url: str, comment_selector: str) -> Document | None:
    """trafilatura's reading of the page: main text and metadata, comments left out."""
    extracted = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        prune_xpath=css2xpath(comment_selector),  # readers' comments are never the article
    )
    return extracted if isinstance(extracted, Document) else None


def _title(doc: Document | None) -> str | None:
    title = " ".join(str(doc.title or "").split()) if doc else ""
    site = " ".join(str(doc.sitename or "").split()) if doc else ""
    for separator in (" | ", " - ", " – ", " — ", " :: "):
        if site and title.casefold().endswith((separator + site).casefold()):
            title = title[: -len(separator + site)].strip()
    return title or None


def _author(doc: Document | None) -> str | None:
    author = " ".join(str(doc.author or "").split()) if doc else ""
    return _BYLINE.sub("", author) or None


def _date(doc: Document | None, precise: str | None, timezone: str) -> str | None:
    """The publication time: trafilatura's day is the better guess of *which* date on
    the page it is, a selector's datetime (with its hour and zone) the better value."""
    day = None
    if doc and doc.date:
        try:
            day = date.fromisoformat(str(doc.date)[:10])
        except ValueError:
            day = None
    if precise and (
        day is None
        or abs((datetime.fromisoformat(precise.replace("Z", "+00:00")).date() - day).days)
        <= _NEAR_DAYS
    ):
        return precise
    return parse_date(day.isoformat(), timezone=timezone) if day else None


def _body(doc: Document | None, title: str | None) -> str:
    lines = [" ".join(line.split()) for line in str(doc.text or "").splitlines()] if doc else []
    lines = [line for line in lines if line]
    if lines and title and lines[0] == title:  # the headline repeated as the first line
        lines = lines[1:]
    return " ".join(lines)


def extract_blog(
    html: str,
    url: str,
    source: str,
    *,
    selectors: Mapping[str, str] | None = None,
    timezone: str = "UTC",
) -> list[dict[str, Any]]:
    """The article (when it has text) and its comments, as Posts-format items."""
    custom = dict(selectors or {})
    s = {**BLOG_DEFAULTS, **custom}
    url = url.split("#")[0]
    page = Selector(text=html)
    doc = _main_text(html, url, s["comment"])

    def css_first(key: str) -> str | None:
        return _first(page.css(s[key]).getall())

    title = css_first("title") if "title" in custom else _title(doc) or css_first("title")
    author = css_first("author") if "author" in custom else _author(doc) or css_first("author")
    precise = _first_date(page.css(s["date"]).getall(), timezone)
    published = precise if "date" in custom else _date(doc, precise, timezone)
    css_body = _first_node_text(page, s["body"])
    body = css_body if "body" in custom else _body(doc, title) or css_body
    items = []
    if body:
        items.append(
            {"source": source, "external_id": url, "url": url, "author": author,
             "published_at": published, "title": title, "text": body}
        )  # fmt: skip
    for number, comment in enumerate(page.css(s["comment"])):
        comment_id = comment.css(s["comment_id"]).get() or f"comment-{number}"
        text = node_text(comment.css(s["comment_body"])[:1])
        if not text:
            continue
        items.append(
            {
                "source": source,
                "external_id": f"{url}#{comment_id}",
                "url": f"{url}#{comment_id}",
                "author": _first(comment.css(s["comment_author"]).getall()),
                "published_at": _first_date(comment.css(s["comment_date"]).getall(), timezone),
                "title": f"Re: {title}" if title else None,
                "text": text,
            }
        )
    return items


class BlogSpider(Spider):
    name = "blog"

    def __init__(self, source: dict[str, Any], selectors: dict[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.selectors = selectors  # the source's own; BLOG_DEFAULTS fill in the rest
        self.internal = bool(source.get("internal"))
        self.timezone = str(source.get("timezone") or "UTC")  # of dates shown without a zone
        self.start_urls = [source["url"]]

    def parse(self, response: Response, **kwargs: Any) -> Iterator[dict[str, Any]]:
        yield from extract_blog(
            response.text,
            response.url,
            self.source["name"],
            selectors=self.selectors,
            timezone=self.timezone,
        )
