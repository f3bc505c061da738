"""Delivering queued alerts: to Slack with retries, or to the dry-run file without a token."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from watcher.config import Config
from watcher.models import Alert

MAX_ATTEMPTS = 5


class Notifier(Protocol):
    def post(self, channel: str, kind: str, key: str, payload: dict[str, Any]) -> str | None: ...


class DryRunNotifier:
    """Appends the exact chat.postMessage payloads to a JSONL file instead of sending them."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def post(self, channel: str, kind: str, key: str, payload: dict[str, Any]) -> str | None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = {
            "channel": channel,
            "kind": kind,
            "key": key,
            "payload": {"channel": channel, **payload},
        }
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        return None


class SlackNotifier:
    """chat.postMessage through slack-sdk, honouring Retry-After and retrying 5xx."""

    def __init__(self, token: str, base_url: str | None = None) -> None:
        self.client = WebClient(
            token=token,
            base_url=base_url or WebClient.BASE_URL,
            retry_handlers=[
                RateLimitErrorRetryHandler(max_retry_count=5),
                ServerErrorRetryHandler(max_retry_count=3),
                ConnectionErrorRetryHandler(max_retry_count=2),
            ],
        )

    def post(self, channel: str, kind: str, key: str, payload: dict[str, Any]) -> str | None:
        response = self.client.chat_postMessage(channel=channel, **payload)
        return str(response.get("ts")) if response.get("ts") else None


def notifier_for(config: Config) -> Notifier:
    token = config["SLACK_BOT_TOKEN"]
    if token:
        return SlackNotifier(token)
    return DryRunNotifier(Path(config["SLACK_DRY_RUN_PATH"]))


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def send_alerts(session: Session, notifier: Notifier, *, now: datetime | None = None) -> SendResult:
    """Deliver pending alerts once each; a failure is recorded on the alert and retried later."""
    now = now or datetime.now(UTC)
    result = SendResult()
    pending = session.scalars(
        select(Alert)
        .where(Alert.status == "pending", Alert.attempts < MAX_ATTEMPTS)
        .order_by(Alert.id)
    ).all()
    for alert in pending:
        alert.attempts += 1
        key = f"{alert.subject}/{alert.kind}/{alert.channel}"
        try:
            alert.message_ts = notifier.post(alert.channel, alert.kind, key, dict(alert.payload))
        except (SlackApiError, OSError) as exc:
            alert.last_error = str(exc)[:1000]
            if alert.attempts >= MAX_ATTEMPTS:
                alert.status = "failed"
            result.failed += 1
            result.errors.append(f"{key}: {alert.last_error}")
            continue
        alert.status, alert.sent_at, alert.last_error = "sent", now, None
        result.sent += 1
        session.flush()
    return result
