"""Sending alerts with slack-sdk's real WebClient to a local fake Slack, and the dry-run file."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.fakeweb import Reply, Seen, fake_web
from watcher.alerts.send import DryRunNotifier, SlackNotifier, send_alerts
from watcher.models import Alert

PAYLOAD = {
    "text": "x",
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "&lt;!channel&gt;"}}],
    "unfurl_links": False,
    "unfurl_media": False,
}


def _alert(session: Session, channel: str = "#cx") -> Alert:
    alert = Alert(subject="complaint:1", kind="loud_complaint", channel=channel, payload=PAYLOAD)
    session.add(alert)
    session.flush()
    return alert


def test_rate_limits_and_server_errors_are_retried_and_delivered_once(session: Session) -> None:
    calls: list[Seen] = []

    def post_message(request: Seen) -> Reply:
        calls.append(request)
        if len(calls) == 1:
            return Reply(429, b'{"ok": false, "error": "ratelimited"}', {"Retry-After": "1"})
        if len(calls) == 2:
            return Reply(500, b"oops")
        return Reply(200, json.dumps({"ok": True, "ts": "1700000000.000100"}).encode(),
                     {"Content-Type": "application/json"})  # fmt: skip

    with fake_web() as web:
        web.routes["/api/chat.postMessage"] = post_message
        notifier = SlackNotifier("xoxb-test", base_url=f"{web.base}/api/")
        _alert(session)
        first = send_alerts(session, notifier)
        again = send_alerts(session, notifier)
    assert (first.sent, again.sent) == (1, 0)
    assert len(calls) == 3
    assert calls[-1].headers["Authorization"] == "Bearer xoxb-test"
    body = calls[-1].body.decode()
    assert "link_names" not in body and "parse" not in body
    assert "<!channel>" not in json.loads(body)["blocks"][0]["text"]["text"]
    alert = session.scalar(select(Alert))
    assert alert is not None and alert.status == "sent" and alert.message_ts == "1700000000.000100"


def test_a_failure_is_recorded_and_retried_later(session: Session) -> None:
    with fake_web() as web:
        refusal = b'{"ok": false, "error": "channel_not_found"}'
        web.reply(
            "/api/chat.postMessage", Reply(200, refusal, {"Content-Type": "application/json"})
        )
        _alert(session)
        result = send_alerts(session, SlackNotifier("xoxb-test", base_url=f"{web.base}/api/"))
    assert result.failed == 1 and "channel_not_found" in result.errors[0]
    alert = session.scalar(select(Alert))
    assert alert is not None and alert.status == "pending" and alert.attempts == 1
    assert "channel_not_found" in (alert.last_error or "")


def test_dry_run_writes_the_exact_payloads(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "slack-dry-run.jsonl"
    _alert(session, "#pr")
    assert send_alerts(session, DryRunNotifier(path)).sent == 1
    assert send_alerts(session, DryRunNotifier(path)).sent == 0
    [line] = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert set(record) == {"channel", "kind", "key", "payload"}
    assert record["payload"]["channel"] == "#pr" and record["payload"]["unfurl_links"] is False
    assert record["key"] == "complaint:1/loud_complaint/#pr"
