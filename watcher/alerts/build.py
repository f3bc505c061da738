"""Queueing alerts: one Alert row per (subject, kind, channel), so nothing is queued twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watcher.alerts.render import render_complaint
from watcher.config import LOUDNESS_TIERS, AlertRoute, Config
from watcher.models import Alert, Complaint, Ticket
from watcher.tickets.actions import ActionResult
from watcher.understanding.severity import LEVELS as SEVERITY_ORDER

# Where each kind goes by default; `loud` complaints also go to PR.
LOUD_TIERS = ("loud", "viral")


def _route_matches(route: AlertRoute, kind: str, complaint: Complaint) -> bool:
    if route.kind not in ("*", kind) or route.brand not in ("*", complaint.brand):
        return False
    tier = complaint.loudness_tier if complaint.loudness_tier in LOUDNESS_TIERS else "quiet"
    if LOUDNESS_TIERS.index(tier) < LOUDNESS_TIERS.index(route.min_tier):
        return False
    if route.min_severity:
        if complaint.severity not in SEVERITY_ORDER or route.min_severity not in SEVERITY_ORDER:
            return False
        return SEVERITY_ORDER.index(complaint.severity) <= SEVERITY_ORDER.index(route.min_severity)
    return True


def channels_for(kind: str, complaint: Complaint, config: Config) -> list[str]:
    """The channels of every matching `[[alerts.routes]]`, or the default channels."""
    if config.routes:
        return list(
            dict.fromkeys(r.channel for r in config.routes if _route_matches(r, kind, complaint))
        )
    cx, pr = config["SLACK_CHANNEL_CX"], config["SLACK_CHANNEL_PR"]
    if kind == "review":
        return [cx]
    if complaint.loudness_tier in LOUD_TIERS:
        return [pr, cx] if pr != cx else [pr]
    return [cx]


def queue_alerts(
    session: Session, config: Config, acted: Sequence[ActionResult], *, now: datetime | None = None
) -> list[Alert]:
    """Alerts for complaints just acted on and for new review decisions; idempotent."""
    now = now or datetime.now(UTC)
    queued: list[Alert] = []
    items: list[tuple[str, Complaint, Ticket | None, list[str]]] = []
    for result in acted:
        complaint = session.get(Complaint, result.complaint_id)
        if complaint is None or result.ticket is None:
            continue
        kind = "new_ticket" if result.created else "loud_complaint"
        items.append((kind, complaint, result.ticket, [t.external_id for t in result.twins_lifted]))
    for complaint in session.scalars(select(Complaint).where(Complaint.decision == "review")):
        items.append(("review", complaint, None, []))
    keys = select(Alert.subject, Alert.kind, Alert.channel)
    existing = {tuple(row) for row in session.execute(keys)} if items else set()
    for kind, complaint, ticket, twins in items:
        subject = f"complaint:{complaint.id}"
        for channel in channels_for(kind, complaint, config):
            if (subject, kind, channel) in existing:
                continue
            alert = Alert(
                subject=subject, kind=kind, channel=channel, created_at=now,
                payload=render_complaint(kind, complaint, ticket, twins),
            )  # fmt: skip
            session.add(alert)
            existing.add((subject, kind, channel))
            queued.append(alert)
    session.flush()
    return queued
