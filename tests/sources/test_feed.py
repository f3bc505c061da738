"""Feeds: RSS and Atom mapped to posts, Google Alerts unwrapped, bad feeds handled."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from watcher.sources.base import SourceError
from watcher.sources.feed import parse_feed, unwrap_google_alert

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wiadomości</title>
<item><title>Netia &amp; awaria</title><link>https://news.example.pl/a</link>
<guid isPermaLink="false">a-1</guid><pubDate>Wed, 18 Nov 2026 12:00:00 +0100</pubDate>
<description>&lt;p&gt;Brak internetu na &lt;b&gt;Mokotowie&lt;/b&gt;
&lt;script&gt;x()&lt;/script&gt;&lt;/p&gt;</description>
<author>redakcja@example.pl (Redakcja)</author></item>
<item><title>Bez linku</title><guid>b-2</guid><description>Tekst</description></item>
<item><title>Zły link</title><link>javascript:alert(1)</link><guid>c-3</guid>
<description>Tekst</description></item>
</channel></rss>""".encode()

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Google Alert - Netia</title>
<entry><id>tag:google.com,2013:googlealerts/feed:123</id><title type="html">Netia nie działa</title>
<link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://blog.example.pl/netia&amp;ct=ga"/>
<published>2026-11-19T10:00:00Z</published>
<content type="html">Od tygodnia &lt;b&gt;Netia&lt;/b&gt; nie działa</content>
</entry></feed>""".encode()


def test_rss_items_become_posts_with_plain_text() -> None:
    collected = parse_feed("news", RSS)
    first = collected.posts[0]
    assert (first.external_id, first.url, first.title) == (
        "a-1",
        "https://news.example.pl/a",
        "Netia & awaria",
    )
    assert "Brak internetu na Mokotowie" in first.text
    assert "<" not in first.text and "x()" not in first.text
    assert first.published_at == datetime(2026, 11, 18, 11, tzinfo=UTC)
    assert [p.external_id for p in collected.posts] == ["a-1", "b-2", "c-3"]
    assert collected.posts[2].url is None
    assert any("not http(s)" in w for w in collected.warnings)


def test_google_alerts_links_are_unwrapped() -> None:
    post = parse_feed("alerts", ATOM).posts[0]
    assert post.url == "https://blog.example.pl/netia"
    assert unwrap_google_alert("https://example.com/url?url=x") == "https://example.com/url?url=x"


def test_a_broken_feed_with_entries_is_a_warning() -> None:
    collected = parse_feed("news", RSS.replace(b"</channel></rss>", b"<item><title>x"))
    assert collected.posts and any("malformed" in w for w in collected.warnings)


def test_garbage_is_a_clear_error() -> None:
    with pytest.raises(SourceError, match="not a readable feed"):
        parse_feed("news", b"\x00\x01 this is not xml")
