"""Buttons on alerts: a person's decision, applied once, audited, never overwritten.

Review alerts: confirm the proposed ticket, reject (no ticket is needed: the
post is recorded as not a complaint to act on), create a new ticket, or relink
to a candidate or any ticket id. Every other alert: acknowledge.

`apply_review_action` is the decision logic the Slack app (and a future web
UI) share. `slack_app` is a slack-bolt App that verifies Slack's signature (a
bad or stale one gets 401), acknowledges at once, answers through the
response_url and updates the original message to show who decided what.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from watcher import db
from watcher.alerts.escape import escape
from watcher.models import AuditEvent, Complaint, Match, Ticket

ACTIONS = ("confirm", "reject", "create", "relink")
OUTCOME = {
    "confirm": "linked",
    "relink": "linked",
    "create": "new_ticket",
    "reject": "not_complaint",
}
MACHINE = "watcher"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ActionOutcome:
    applied: bool
    message: str


def apply_review_action(
    session: Session,
    complaint_id: int,
    action: str,
    user: str,
    *,
    ticket_external_id: str | None = None,
    now: datetime | None = None,
) -> ActionOutcome:
    """Confirm the proposed ticket, relink to another, create a new one, or reject (no ticket)."""
    now = now or datetime.now(UTC)
    if action not in ACTIONS:
        return ActionOutcome(False, f"unknown action {action!r}")
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        return ActionOutcome(False, f"complaint {complaint_id} no longer exists")
    if complaint.decided_by not in (None, MACHINE, user):
        return ActionOutcome(
            False,
            f"already decided by {complaint.decided_by}: {complaint.decision}; nothing changed",
        )
    matches = session.scalars(select(Match).where(Match.complaint_id == complaint.id)).all()
    if action == "relink":
        ticket = session.scalar(
            select(Ticket).where(Ticket.external_id == (ticket_external_id or ""))
        )
        if ticket is None:
            return ActionOutcome(False, f"no ticket {ticket_external_id!r}; nothing changed")
        target: int | None = ticket.id
    elif action == "confirm":
        target = complaint.decision_ticket_id
        if target is None:
            return ActionOutcome(False, "there is no proposed ticket to confirm; use relink")
    else:
        target = None
    same = complaint.decision_ticket_id == target or action in ("create", "reject")
    if complaint.decided_by == user and complaint.decision == OUTCOME[action] and same:
        return ActionOutcome(False, f"already {complaint.decision} by you; nothing changed")
    for match in matches:
        match.status = "confirmed" if match.ticket_id == target else "rejected"
        match.decided_by, match.decided_at = user, now
    if target is not None and not any(m.ticket_id == target for m in matches):
        session.add(
            Match(complaint_id=complaint.id, ticket_id=target, score=complaint.decision_score or 0,
                  status="confirmed", decided_by=user, decided_at=now)
        )  # fmt: skip
    complaint.decision = OUTCOME[action]
    complaint.decision_ticket_id = target
    complaint.decided_by, complaint.decided_at = user, now
    complaint.needs_matching = False
    complaint.acted_at = None  # acted on by the next pass, as the person decided
    session.add(
        AuditEvent(at=now, actor=user, action=f"review_{action}", subject_type="complaint",
                   subject_id=str(complaint.id),
                   details={"decision": complaint.decision, "ticket": ticket_external_id or target})
    )  # fmt: skip
    return ActionOutcome(True, f"{action} by {user}: decision {complaint.decision}")


def acknowledge_alert(
    session: Session, kind: str, subject: str, user: str, *, now: datetime | None = None
) -> ActionOutcome:
    """Record that a person has seen an alert and is on it; the first one stays on record."""
    key = f"{kind}|{subject}"[:200]
    earlier = session.scalar(
        select(AuditEvent.actor).where(
            AuditEvent.action == "alert_acknowledged",
            AuditEvent.subject_type == "alert",
            AuditEvent.subject_id == key,
        )
    )
    if earlier is not None:
        return ActionOutcome(False, f"already acknowledged by {earlier}")
    session.add(
        AuditEvent(at=now or datetime.now(UTC), actor=user, action="alert_acknowledged",
                   subject_type="alert", subject_id=key, details={"kind": kind})
    )  # fmt: skip
    return ActionOutcome(True, f"acknowledged by {user}")


_ACTION_ID = re.compile(r"^(confirm|reject|create|relink|relink_id):(\d+)$")
_SLACK_ID = re.compile(r"^[A-Z0-9]{2,30}$")
DONE = {"confirm": "Confirmed", "reject": "Rejected (no ticket)", "create": "New ticket requested"}
_OUR_BLOCKS = ("watcher_decide", "watcher_relink", "watcher_ack")


def _who(body: dict[str, Any]) -> tuple[str, str]:
    """The audit actor and how the message shows the person (a mention only for a real id)."""
    user_id = str(body.get("user", {}).get("id", "unknown"))
    shown = f"<@{user_id}>" if _SLACK_ID.match(user_id) else escape(user_id)
    return f"slack:{user_id}", shown


def _chosen_ticket(action: dict[str, Any]) -> str | None:
    if action.get("type") == "static_select":
        return str((action.get("selected_option") or {}).get("value") or "") or None
    value = " ".join(str(action.get("value") or "").split())
    return value or None


def _mark_message(client: WebClient, body: dict[str, Any], note: str) -> None:
    """Replace the buttons of the original message by who did what; best effort."""
    container, message = body.get("container") or {}, body.get("message") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or message.get("ts")
    if not channel or not ts:
        return
    blocks = [b for b in message.get("blocks", []) if b.get("block_id") not in _OUR_BLOCKS]
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    try:
        client.chat_update(channel=channel, ts=ts, blocks=blocks, text=message.get("text", note))
    except SlackApiError as exc:  # the decision stands; only the message stays as it was
        logger.warning("could not update the alert message: %s", exc.response.get("error"))


def slack_app(
    engine: Engine, signing_secret: str, token: str, *, base_url: str | None = None
) -> App:
    """The Bolt app serving the alert buttons (base_url: Slack's API, or a local fake in tests)."""
    client = WebClient(token=token, base_url=base_url or WebClient.BASE_URL)
    app = App(signing_secret=signing_secret, client=client, token_verification_enabled=False)

    @app.action(_ACTION_ID)
    def on_decision(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        ack()
        found = _ACTION_ID.match(action.get("action_id", ""))
        if found is None:
            return
        name, complaint_id = found.group(1), int(found.group(2))
        ticket = _chosen_ticket(action) if name.startswith("relink") else None
        user, shown = _who(body)
        with db.session_scope(engine) as session:
            outcome = apply_review_action(
                session, complaint_id, name.removesuffix("_id"), user, ticket_external_id=ticket
            )
        respond(text=escape(outcome.message), replace_original=False, response_type="ephemeral")
        if outcome.applied:
            verb = DONE.get(name, f"Relinked to {escape(ticket)}")
            _mark_message(client, body, f"{verb} by {shown}")

    @app.action("acknowledge")
    def on_acknowledge(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond
    ) -> None:
        ack()
        try:
            value = json.loads(action.get("value") or "{}")
            kind, subject = str(value["kind"]), str(value["subject"])
        except (ValueError, KeyError, TypeError):
            respond(text="this button is not one of watcher's; nothing changed")
            return
        user, shown = _who(body)
        with db.session_scope(engine) as session:
            outcome = acknowledge_alert(session, kind, subject, user)
        respond(text=escape(outcome.message), replace_original=False, response_type="ephemeral")
        if outcome.applied:
            _mark_message(client, body, f"Acknowledged by {shown}")

    return app
