"""Spider helpers: presets and selectors, plain text from pages, dates, refused URLs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from parsel import Selector
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest

from watcher.errors import ConfigError
from watcher.spiders.middlewares import SafeUrlMiddleware
from watcher.spiders.presets import forum_selectors
from watcher.spiders.text import node_text, parse_date


def test_custom_selectors_override_the_preset() -> None:
    selectors = forum_selectors("phpbb3", {"body": "div.message"})
    assert selectors["body"] == "div.message" and selectors["post"] == "div.post"


def test_unknown_preset_and_missing_selectors_are_clear_errors() -> None:
    with pytest.raises(
        ConfigError, match="unknown forum preset 'smf9'; known: nodebb, phpbb2, phpbb3"
    ):
        forum_selectors("smf9", None)
    with pytest.raises(ConfigError, match="needs preset"):
        forum_selectors(None, None)
    with pytest.raises(ConfigError, match="lack body"):
        forum_selectors(None, {"post": "div"})


def test_text_of_a_post_leaves_scripts_and_styles_out() -> None:
    html = (
        "<div class='content'>Brak <b>internetu</b><script>steal()</script>"
        "<style>p{}</style>\n od tygodnia</div>"
    )
    assert node_text(Selector(text=html).css("div.content")) == "Brak internetu od tygodnia"


@pytest.mark.parametrize(
    ("value", "iso"),
    [("2026-11-19T07:14:00+00:00", "2026-11-19T07:14:00Z"),
     ("2026-11-19T08:14:00+01:00", "2026-11-19T07:14:00Z"),
     ("Thu Nov 19, 2026 8:14 am", None), ("2026-11-19T07:14:00", None), (None, None)],
)  # fmt: skip
def test_without_a_time_zone_only_dates_that_carry_theirs(
    value: str | None, iso: str | None
) -> None:
    assert parse_date(value) == iso


NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "iso"),
    [("3 listopada 2026, 14:05", "2026-11-03T13:05:00Z"),
     ("Wysłany: Pon Lis 02, 2026 10:15", "2026-11-02T09:15:00Z"),
     ("by » Sun May 26, 2019 4:34 pm", "2019-05-26T14:34:00Z"),  # summer time: UTC+2
     ("« September 19, 2007, 01:08:14 PM »", "2007-09-19T11:08:14Z"),
     ("Posted: Wed Jun 02, 2010 11:01 pm", "2010-06-02T21:01:00Z"),
     ("wczoraj, 10:15", "2026-11-29T09:15:00Z"),
     ("2 godz. temu", "2026-11-30T10:00:00Z"),
     ("2026-11-19T07:14:00", "2026-11-19T06:14:00Z"),
     ("2026-11-19T07:14:00Z", "2026-11-19T07:14:00Z"),
     ("2026", None), ("Netia nie działa od tygodnia", None), ("12 postów", None)],
)  # fmt: skip
def test_dates_as_pages_show_them_in_the_sites_time_zone(value: str, iso: str | None) -> None:
    assert parse_date(value, timezone="Europe/Warsaw", now=NOW) == iso


def test_private_addresses_are_refused_unless_the_source_is_internal() -> None:
    middleware = SafeUrlMiddleware()
    spider = Spider(name="t")
    with pytest.raises(IgnoreRequest):
        middleware.process_request(Request("http://127.0.0.1/forum"), spider)
    spider.internal = True  # type: ignore[attr-defined]
    assert middleware.process_request(Request("http://127.0.0.1/forum"), spider) is None
