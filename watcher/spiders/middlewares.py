"""Downloader middleware: every request, redirects included, passes the same URL checks."""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest

from watcher.sources.base import SourceError
from watcher.sources.fetch import check_url


class SafeUrlMiddleware:
    """Refuses non-http(s) URLs and private addresses unless the spider's source is internal."""

    def process_request(self, request: Request, spider: Spider) -> Any:
        try:
            check_url(request.url, internal=bool(getattr(spider, "internal", False)))
        except SourceError as exc:
            spider.logger.warning("refused %s: %s", request.url, exc)
            raise IgnoreRequest(str(exc)) from exc
        return None
