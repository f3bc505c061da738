"""Buttons on review alerts: a person's decision, applied once, audited, never overwritten.

`apply_review_action` is the decision logic the Slack app (and a future web
UI) share. `slack_app` is a slack-bolt App that verifies Slack's signature
(a bad or stale one gets 401), acknowledges at once and answers in the thread
through the response_url.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from watcher import db
from watcher.alerts.escape import escape
from watcher.models import AuditEvent, Complaint, Match, Ticket

ACTIONS = ("confirm", "reject", "relink")
MACHINE = "watcher"


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
    """Confirm the proposed ticket, reject it (a new ticket is opened), or relink to another."""
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
    for match in matches:
        match.status = "confirmed" if match.ticket_id == target else "rejected"
        match.decided_by, match.decided_at = user, now
    if target is not None and not any(m.ticket_id == target for m in matches):
        session.add(
            Match(complaint_id=complaint.id, ticket_id=target, score=complaint.decision_score or 0,
                  status="confirmed", decided_by=user, decided_at=now)
        )  # fmt: skip
    complaint.decision = "linked" if target is not None else "new_ticket"
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


_ACTION_ID = re.compile(r"^(confirm|reject):(\d+)$")


def slack_app(
    engine: Engine, signing_secret: str, token: str, *, base_url: str | None = None
) -> App:
    """The Bolt app serving the alert buttons (base_url: Slack's API, or a local fake in tests)."""
    client = WebClient(token=token, base_url=base_url or WebClient.BASE_URL)
    app = App(signing_secret=signing_secret, client=client, token_verification_enabled=False)

    @app.action(_ACTION_ID)
    def on_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        found = _ACTION_ID.match(action.get("action_id", ""))
        if found is None:
            return
        user = f"slack:{body.get('user', {}).get('id', 'unknown')}"
        with db.session_scope(engine) as session:
            outcome = apply_review_action(session, int(found.group(2)), found.group(1), user)
        respond(text=escape(outcome.message), replace_original=False)

    return app
