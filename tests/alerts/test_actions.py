"""Review buttons: signed requests to the Bolt app, a person's decision applied once and kept."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

from slack_bolt.request import BoltRequest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.fakeweb import Reply, fake_web
from tests.tickets.test_actions import NOW, _seed
from watcher import db
from watcher.alerts.actions import apply_review_action, slack_app
from watcher.models import AuditEvent, Complaint, Match, Ticket

SECRET = "test-signing-secret"


def _review(session: Session) -> Complaint:
    complaint = _seed(session)
    complaint.decision = "review"
    ticket = session.scalar(select(Ticket).where(Ticket.external_id == "NT-1"))
    assert ticket is not None
    session.add(
        Match(complaint_id=complaint.id, ticket_id=ticket.id, score=4.0, status="pending_review")
    )
    session.flush()
    return complaint


def test_confirm_links_and_a_later_person_cannot_overwrite(session: Session) -> None:
    complaint = _review(session)
    outcome = apply_review_action(session, complaint.id, "confirm", "slack:U1", now=NOW)
    assert outcome.applied
    assert (complaint.decision, complaint.decided_by) == ("linked", "slack:U1")
    assert session.scalar(select(Match.status)) == "confirmed"
    other = apply_review_action(session, complaint.id, "reject", "slack:U2", now=NOW)
    assert not other.applied and "already decided by slack:U1" in other.message
    assert complaint.decision == "linked"
    assert (
        session.scalar(select(AuditEvent.actor).where(AuditEvent.action == "review_confirm"))
        == "slack:U1"
    )


def test_reject_opens_a_new_ticket_and_relink_needs_a_real_ticket(session: Session) -> None:
    complaint = _review(session)
    assert not apply_review_action(
        session, complaint.id, "relink", "u", ticket_external_id="NT-404"
    ).applied
    assert apply_review_action(session, complaint.id, "reject", "u", now=NOW).applied
    assert complaint.decision == "new_ticket" and complaint.decision_ticket_id is None
    assert session.scalar(select(Match.status)) == "rejected"


def _signed(body: str, secret: str, when: int) -> dict[str, list[str]]:
    base = f"v0:{when}:{body}".encode()
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "content-type": ["application/x-www-form-urlencoded"],
        "x-slack-request-timestamp": [str(when)],
        "x-slack-signature": [signature],
    }


def test_signed_button_press_is_applied_and_a_bad_signature_is_refused(engine: Engine) -> None:
    with db.session_scope(engine) as session:
        complaint_id = _review(session).id
    with fake_web() as web:
        web.reply("/response", Reply(200, b"ok"))
        identity = b'{"ok": true, "user_id": "UB", "bot_id": "B1", "team_id": "T1", "url": "x"}'
        web.reply("/api/auth.test", Reply(200, identity, {"Content-Type": "application/json"}))
        payload = {
            "type": "block_actions", "user": {"id": "U42"}, "team": {"id": "T1"},
            "api_app_id": "A1", "token": "x", "container": {"type": "message"},
            "trigger_id": "1", "response_url": f"{web.base}/response",
            "actions": [{"action_id": f"confirm:{complaint_id}", "block_id": "b",
                         "type": "button", "value": str(complaint_id), "action_ts": "1"}],
        }  # fmt: skip
        body = urlencode({"payload": json.dumps(payload)})
        app = slack_app(engine, SECRET, "xoxb-test", base_url=f"{web.base}/api/")
        bad = app.dispatch(BoltRequest(body=body, headers=_signed(body, "wrong", int(time.time()))))
        stale = app.dispatch(
            BoltRequest(body=body, headers=_signed(body, SECRET, int(time.time()) - 3600))
        )
        good = app.dispatch(BoltRequest(body=body, headers=_signed(body, SECRET, int(time.time()))))
        deadline = time.monotonic() + 5
        while not any(s.path == "/response" for s in web.seen) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert (bad.status, stale.status, good.status) == (401, 401, 200)
    with db.session_scope(engine) as session:
        complaint = session.get(Complaint, complaint_id)
        assert complaint is not None and complaint.decided_by == "slack:U42"
    answer = json.loads(next(s for s in web.seen if s.path == "/response").body)
    assert "confirm by slack:U42" in answer["text"]
