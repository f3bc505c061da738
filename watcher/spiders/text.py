"""Plain text and dates from scraped nodes: scripts and styles never reach a post."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import dateparser
from parsel import SelectorList


def node_text(nodes: SelectorList[Any]) -> str:
    """Visible text of the nodes, whitespace collapsed; script and style content dropped."""
    parts = nodes.xpath(
        ".//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"
    ).getall()
    return " ".join(" ".join(parts).split())


# Text dates only when they look like one: two numbers apart, or a relative word.
_TWO_NUMBERS = re.compile(r"\d{1,4}\D{1,15}\d{1,4}")
_RELATIVE = re.compile(
    r"(?i)\b(wczoraj|przedwczoraj|dzisiaj|dziś|temu|yesterday|today|ago)\b", re.UNICODE
)
_LABEL = re.compile(r"^\W*[^\W\d_]{2,20}:\s+")  # "Posted: ", "Wysłany: "
LANGUAGES = ["pl", "en"]


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_date(
    value: str | None, *, timezone: str | None = None, now: datetime | None = None
) -> str | None:
    """ISO 8601 in UTC from a datetime attribute, epoch seconds or, given the site's time
    zone, a date as the page shows it ("3 listopada 2026, 14:05", "wczoraj, 10:15",
    "2 godz. temu", "Sun May 26, 2019 4:34 pm"); None when it is none of these.

    Without `timezone` only values that carry their zone are read. Epoch seconds
    (XenForo's data-time) are ten digits, 2001 to 2286.
    """
    if not value:
        return None
    value = value.strip()
    if len(value) == 10 and value.isascii() and value.isdigit():
        return _utc(datetime.fromtimestamp(int(value), UTC))
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return _text_date(value, timezone, now) if timezone else None
    if moment.tzinfo is None:
        if timezone is None:
            return None
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return _utc(moment)


def _text_date(value: str, timezone: str, now: datetime | None) -> str | None:
    text = _LABEL.sub("", " ".join(value.split()).strip(" «»|-–—·"))
    if len(text) > 80 or not (_TWO_NUMBERS.search(text) or _RELATIVE.search(text)):
        return None
    settings: dict[str, Any] = {
        "TIMEZONE": timezone,
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
    }
    if now is not None:
        settings["RELATIVE_BASE"] = now.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
    moment = dateparser.parse(text, languages=LANGUAGES, settings=settings)
    return _utc(moment) if moment is not None else None
