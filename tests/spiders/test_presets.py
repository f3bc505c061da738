"""Spider helpers: presets and selectors, plain text from pages, dates, refused URLs."""

from __future__ import annotations

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
def test_dates_only_with_a_zone(value: str | None, iso: str | None) -> None:
    assert parse_date(value) == iso


def test_private_addresses_are_refused_unless_the_source_is_internal() -> None:
    middleware = SafeUrlMiddleware()
    spider = Spider(name="t")
    with pytest.raises(IgnoreRequest):
        middleware.process_request(Request("http://127.0.0.1/forum"), spider)
    spider.internal = True  # type: ignore[attr-defined]
    assert middleware.process_request(Request("http://127.0.0.1/forum"), spider) is None
