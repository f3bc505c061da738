"""Fetching: limits, conditional GET, refused addresses and schemes."""

from __future__ import annotations

import pytest

from tests.fakeweb import Reply, fake_web
from watcher.sources.base import SourceError
from watcher.sources.fetch import FetchLimits, check_url, fetch


def test_fetches_and_sends_conditional_headers() -> None:
    with fake_web() as web:
        web.reply("/feed", Reply(200, b"<rss/>", {"ETag": '"v1"'}))
        got = fetch(
            f"{web.base}/feed", internal=True, etag='"v0"', last_modified="Mon, 01 Jan 2026"
        )
        assert got.body == b"<rss/>" and got.headers["etag"] == '"v1"'
        assert web.seen[0].headers["If-None-Match"] == '"v0"'
        assert web.seen[0].headers["If-Modified-Since"] == "Mon, 01 Jan 2026"


def test_not_modified_costs_nothing() -> None:
    with fake_web() as web:
        web.reply("/feed", Reply(304))
        assert fetch(f"{web.base}/feed", internal=True, etag='"v1"').status == 304


def test_a_page_over_the_cap_is_refused() -> None:
    with fake_web() as web:
        web.reply("/big", Reply(200, b"x" * 20_000))
        with pytest.raises(SourceError, match="larger than 10000 bytes"):
            fetch(f"{web.base}/big", internal=True, limits=FetchLimits(max_bytes=10_000))


def test_http_errors_say_what_happens_next() -> None:
    with fake_web() as web:
        web.reply("/down", Reply(503, b"busy"))
        with pytest.raises(SourceError, match="HTTP 503"):
            fetch(f"{web.base}/down", internal=True)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/x", "javascript:alert(1)"]
)
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(SourceError, match="only http and https"):
        check_url(url, internal=True)


def test_private_addresses_need_internal() -> None:
    with pytest.raises(SourceError, match="private address"):
        check_url("http://127.0.0.1:9/feed", internal=False)
    check_url("http://127.0.0.1:9/feed", internal=True)


def test_a_redirect_to_a_private_address_is_refused() -> None:
    with fake_web() as web:
        web.reply("/hop", Reply(302, headers={"Location": "file:///etc/passwd"}))
        with pytest.raises(SourceError, match="only http and https"):
            fetch(f"{web.base}/hop", internal=True)


@pytest.mark.parametrize("url", ["http://forum.example:99999/", "http://forum.example:abc/x"])
def test_a_malformed_url_is_a_clear_error(url: str) -> None:
    for internal in (False, True):
        with pytest.raises(SourceError, match="check the URL"):
            fetch(url, internal=internal)
