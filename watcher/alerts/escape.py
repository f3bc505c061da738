"""Making text from strangers inert in Slack mrkdwn: no mentions, no fake links.

Slack treats `<...>` as control sequences (`<!channel>`, `<@U123>`,
`<https://evil|bank>`); escaping `&`, `<` and `>` turns them into plain text.
Links we add ourselves are only http(s) and never contain `|` or `>`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_SECTION = 3000


def escape(text: str | None) -> str:
    """Text safe to put into mrkdwn or plain_text fields."""
    if not text:
        return ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, never cutting an escape sequence in half."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def link(url: str | None, label: str) -> str:
    """A mrkdwn link to an http(s) URL; anything else shows as escaped text only."""
    label = escape(label).replace("|", "¦")
    if not url:
        return label
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in url for c in "|<> "):
        return f"{label} ({escape(url)})"
    return f"<{url}|{label}>"
