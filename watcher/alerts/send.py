"""Delivering queued alerts: to Slack with retries, or to the dry-run file without a token."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

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
from watcher.errors import ConfigError
from watcher.models import Alert

MAX_ATTEMPTS = 5


class Notifier(Protocol):
    def post(self, channel: str, kind: str, key: str, payload: dict[str, Any]) -> str | None: ...


class DryRunNotifier:
    """Appends the exact chat.postMessage payloads to a JSONL file instead of sending them."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def post(self, channel: str, kind: str, key: str, payload: dict[str, Any]) -> str | None:
        """Returns a made-up message id, so that threads show in the file as they would."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = {
            "channel": channel,
            "kind": kind,
            "key": key,
            "payload": {"channel": channel, **payload},
        }
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        return f"dry-run.{hashlib.sha256(key.encode()).hexdigest()[:12]}"


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


def in_quiet_hours(spec: str, zone: str, now: datetime) -> bool:
    """True when `now` falls in 'HH:MM-HH:MM' (local to `zone`; may wrap past midnight)."""
    if not spec:
        return False
    try:
        start_text, end_text = spec.split("-")
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
    except ValueError as exc:
        raise ConfigError(f"ALERTS_QUIET_HOURS {spec!r}: write it as 22:00-07:00") from exc
    local = now.astimezone(ZoneInfo(zone)).time()
    return start <= local < end if start <= end else local >= start or local < end


def _digest(kind: str, alerts: list[Alert]) -> dict[str, Any]:
    """One message listing many alerts; their texts were escaped when they were rendered."""
    text = f"{len(alerts)} {kind.replace('_', ' ')} alerts"
    body = "\n".join(f"• {a.payload.get('text', '')}" for a in alerts[:40])
    return {
        "text": text,
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": text[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": body[:3000] or "-"}},
        ],
        "unfurl_links": False,
        "unfurl_media": False,
    }


def _send_digests(
    groups: dict[tuple[str, str], list[Alert]],
    notifier: Notifier,
    interval: timedelta,
    now: datetime,
    result: SendResult,
) -> None:
    for (channel, kind), members in groups.items():
        if now - min(a.created_at for a in members) < interval:
            continue
        key = f"digest/{kind}/{channel}/{members[0].id}"
        try:
            ts = notifier.post(channel, f"{kind}_digest", key, _digest(kind, members))
        except (SlackApiError, OSError) as exc:
            result.failed += 1
            result.errors.append(f"{key}: {exc}")
            continue
        for alert in members:
            alert.status, alert.sent_at, alert.message_ts = "sent", now, ts
        result.sent += len(members)


def _thread_ts(session: Session, alert: Alert) -> str | None:
    """The message that opened this alert's thread in its channel, if one was sent."""
    if not alert.thread_key:
        return None
    return session.scalar(
        select(Alert.message_ts)
        .where(
            Alert.thread_key == alert.thread_key,
            Alert.channel == alert.channel,
            Alert.message_ts.is_not(None),
            Alert.id != alert.id,
        )
        .order_by(Alert.sent_at, Alert.id)
        .limit(1)
    )


def send_alerts(
    session: Session,
    notifier: Notifier,
    *,
    now: datetime | None = None,
    config: Config | None = None,
) -> SendResult:
    """Deliver pending alerts once each; a failure is recorded on the alert and retried later.

    With a config: in quiet hours only exempt kinds go out, and digest kinds wait until
    the oldest has waited a digest interval, then go as one message per channel.
    """
    now = now or datetime.now(UTC)
    result = SendResult()
    pending = list(
        session.scalars(
            select(Alert)
            .where(Alert.status == "pending", Alert.attempts < MAX_ATTEMPTS)
            .order_by(Alert.id)
        )
    )
    if config is not None:
        quiet = in_quiet_hours(config["ALERTS_QUIET_HOURS"], config["ALERTS_TIMEZONE"], now)
        exempt = set(config["ALERTS_QUIET_HOURS_EXEMPT"])
        pending = [a for a in pending if not quiet or a.kind in exempt]
        digest_kinds = set(config["ALERTS_DIGEST_KINDS"])
        groups: dict[tuple[str, str], list[Alert]] = {}
        for alert in pending:
            if alert.kind in digest_kinds:
                groups.setdefault((alert.channel, alert.kind), []).append(alert)
        pending = [a for a in pending if a.kind not in digest_kinds]
        _send_digests(groups, notifier, config.duration("ALERTS_DIGEST_INTERVAL"), now, result)
    for alert in pending:
        alert.attempts += 1
        key = f"{alert.subject}/{alert.kind}/{alert.channel}"
        payload = dict(alert.payload)
        thread_ts = _thread_ts(session, alert)
        if thread_ts:
            payload["thread_ts"] = thread_ts
        try:
            alert.message_ts = notifier.post(alert.channel, alert.kind, key, payload)
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
