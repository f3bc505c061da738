"""Untrusted text stays inert in Slack: no mentions, no fake links."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from watcher.alerts.escape import escape, link, truncate

INJECTIONS = [
    "<!channel>",
    "<!here>",
    "<@U123>",
    "<https://evil.example|your bank>",
    "&lt;",
    "a > b",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_control_sequences_are_escaped(text: str) -> None:
    out = escape(text)
    assert "<" not in out and ">" not in out


@given(st.text())
def test_escaped_text_has_no_control_characters_and_reads_back(text: str) -> None:
    out = escape(text)
    assert "<" not in out and ">" not in out
    assert out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text


@given(st.text(), st.integers(min_value=2, max_value=50))
def test_truncation_never_cuts_an_escape(text: str, limit: int) -> None:
    out = truncate(escape(text), limit)
    assert len(out) <= limit
    body = out.removesuffix("…")
    assert body.count("&") == body.count(";") or ";" in text


def test_links_only_for_plain_http() -> None:
    assert link("https://blog.example.pl/a", "post") == "<https://blog.example.pl/a|post>"
    assert link("javascript:alert(1)", "post").startswith("post (")
    assert "<" not in link("https://evil.example|bank", "x")
    assert link("https://ok.example/a", "a|b<c>") == "<https://ok.example/a|a¦b&lt;c&gt;>"
