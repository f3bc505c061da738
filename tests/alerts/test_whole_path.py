"""The whole path to Slack: hostile posts stay inert, and a rate-limit storm loses nothing.

Posts go in through the post store, the stages understand, match and act on
them and queue alerts, and slack-sdk's real WebClient delivers them to a local
fake of Slack's API.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.fakeweb import Reply, Seen, fake_web
from watcher.alerts.send import SlackNotifier, send_alerts
from watcher.config import Config, load_config
from watcher.formats.posts import parse_post
from watcher.models import Alert
from watcher.posts import store_posts
from watcher.stages import run_pipeline

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
HOSTILE = [
    "<!channel> Netia nie działa od tygodnia, internet leży, zgłoszenie bez odpowiedzi",
    "<!here> @Netia third outage this week, still no internet and nobody answers",
    "<@U1> Netia: brak internetu od 5 dni, infolinia nie pomaga, skandal",
    "Netia <https://evil.example|bank login> awaria, nie działa internet od wczoraj",
    "Netia &lt;!channel&gt; nie działa internet, reklamacja bez odpowiedzi od tygodnia",
    "Netia 😡😡 nie działa internet od tygodnia " + "bardzo długi tekst " * 600,
]
# The only control sequences allowed: our own links to an http(s) post address.
OUR_LINK = re.compile(r"<https?://[^|<>\s]+\|[^<>]*>")


def _config(tmp_path: Path) -> Config:
    path = tmp_path / "watcher.toml"
    path.write_text('[[brands]]\nname = "Netia"\naliases = ["Netia"]\n', encoding="utf-8")
    return load_config(str(path))


def _store(session: Session, texts: list[str]) -> None:
    store_posts(
        session,
        [
            parse_post({
                "source": "forum", "external_id": f"p{n}", "author": f"<!channel> user{n}",
                "url": f"https://forum.example.pl/t/{n}", "text": text,
                "published_at": "2026-11-30T08:00:00Z", "author_followers": 50_000,
            })
            for n, text in enumerate(texts)
        ],
    )  # fmt: skip
    session.flush()


def _texts(payload: Any) -> list[str]:
    """Every string Slack would render from a payload."""
    if isinstance(payload, str):
        return [payload]
    if isinstance(payload, dict):
        return [t for value in payload.values() for t in _texts(value)]
    if isinstance(payload, list):
        return [t for value in payload for t in _texts(value)]
    return []


def _ok(request: Seen) -> Reply:
    ts = f"1700000000.{len(request.body):06d}"
    return Reply(
        200, json.dumps({"ok": True, "ts": ts}).encode(), {"Content-Type": "application/json"}
    )


def test_hostile_posts_reach_slack_as_inert_text(session: Session, tmp_path: Path) -> None:
    config = _config(tmp_path)
    _store(session, HOSTILE)
    result = run_pipeline(session, config, now=NOW)
    assert result.alerts >= len(HOSTILE)  # every post is a complaint about the brand
    received: list[dict[str, Any]] = []
    with fake_web() as web:

        def post_message(request: Seen) -> Reply:
            received.append(json.loads(request.body))
            return _ok(request)

        web.routes["/api/chat.postMessage"] = post_message
        sent = send_alerts(session, SlackNotifier("xoxb-test", base_url=f"{web.base}/api/"))
    assert sent.sent == len(received) >= len(HOSTILE) and sent.failed == 0
    for body in received:
        assert "link_names" not in body and "parse" not in body
        assert body["unfurl_links"] is False and body["unfurl_media"] is False
        for text in _texts({k: v for k, v in body.items() if k != "channel"}):
            # Slack's control sequences all open with "<"; ">" alone is a quote mark.
            assert "<" not in OUR_LINK.sub("", text), text[:200]
            assert not any("evil.example" in link for link in OUR_LINK.findall(text))
        for block in body["blocks"]:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= 3000
            if block["type"] == "header":
                assert len(block["text"]["text"]) <= 150


def test_a_rate_limit_storm_delivers_every_alert_exactly_once(session: Session) -> None:
    for n in range(8):
        session.add(Alert(subject=f"complaint:{n}", kind="loud_complaint", channel="#pr",
                          payload={"text": f"alert {n}", "blocks": []}))  # fmt: skip
    session.flush()
    delivered: list[str] = []
    calls = 0

    def stormy(request: Seen) -> Reply:
        nonlocal calls
        calls += 1
        if calls % 2:  # every other call is refused
            busy = b'{"ok": false, "error": "ratelimited"}'
            return Reply(429, busy, {"Retry-After": "0", "Content-Type": "application/json"})
        delivered.append(json.loads(request.body)["text"])
        return _ok(request)

    with fake_web() as web:
        web.routes["/api/chat.postMessage"] = stormy
        notifier = SlackNotifier("xoxb-test", base_url=f"{web.base}/api/")
        for _ in range(5):  # later runs pick up whatever an earlier one could not send
            if not send_alerts(session, notifier).sent and not session.scalar(
                select(func.count()).select_from(Alert).where(Alert.status == "pending")
            ):
                break
    assert sorted(delivered) == sorted(f"alert {n}" for n in range(8))
    statuses = session.scalars(select(Alert.status)).all()
    assert set(statuses) == {"sent"}
