"""Plain text and dates from scraped nodes: scripts and styles never reach a post."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from parsel import SelectorList


def node_text(nodes: SelectorList[Any]) -> str:
    """Visible text of the nodes, whitespace collapsed; script and style content dropped."""
    parts = nodes.xpath(
        ".//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)]"
    ).getall()
    return " ".join(" ".join(parts).split())


def parse_date(value: str | None) -> str | None:
    """ISO 8601 in UTC from a datetime attribute or epoch seconds; None when it is neither.

    Epoch seconds (XenForo's data-time) are ten digits, 2001 to 2286.
    """
    if not value:
        return None
    value = value.strip()
    if len(value) == 10 and value.isascii() and value.isdigit():
        moment = datetime.fromtimestamp(int(value), UTC)
        return moment.isoformat().replace("+00:00", "Z")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
