"""Alert buttons: signed requests to the Bolt app, a person's decision applied once and kept."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from slack_bolt.request import BoltRequest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.fakeweb import FakeWeb, Reply, fake_web
from tests.tickets.test_actions import CONFIG, NOW, _seed
from watcher import db
from watcher.alerts.actions import acknowledge_alert, apply_review_action, slack_app
from watcher.alerts.render import render_complaint
from watcher.models import AuditEvent, Complaint, Match, Ticket
from watcher.tickets.actions import act_on_complaints

SECRET = "test-signing-secret"
JSON = {"Content-Type": "application/json"}


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
    again = apply_review_action(session, complaint.id, "confirm", "slack:U1", now=NOW)
    assert not again.applied and "already linked by you" in again.message
    assert (
        session.scalar(select(AuditEvent.actor).where(AuditEvent.action == "review_confirm"))
        == "slack:U1"
    )


def test_reject_needs_no_ticket_create_opens_one_relink_needs_a_real_ticket(
    session: Session,
) -> None:
    complaint = _review(session)
    assert not apply_review_action(
        session, complaint.id, "relink", "u", ticket_external_id="NT-404"
    ).applied
    assert apply_review_action(session, complaint.id, "reject", "u", now=NOW).applied
    assert complaint.decision == "not_complaint" and complaint.decision_ticket_id is None
    assert session.scalar(select(Match.status)) == "rejected"
    assert act_on_complaints(session, CONFIG, now=NOW) == []  # nothing goes to the helpdesk
    # The same person may change their mind: a new ticket after all.
    assert apply_review_action(session, complaint.id, "create", "u", now=NOW).applied
    [result] = act_on_complaints(session, CONFIG, now=NOW)
    assert result.created and result.ticket is not None
    assert complaint.decision == "new_ticket" and complaint.decision_ticket_id == result.ticket.id


def test_relink_to_another_ticket(session: Session) -> None:
    complaint = _review(session)
    outcome = apply_review_action(
        session, complaint.id, "relink", "u", ticket_external_id="NT-2", now=NOW
    )
    assert outcome.applied and complaint.decision == "linked"
    statuses = dict(session.execute(select(Ticket.external_id, Match.status).join(Match)).all())
    assert statuses == {"NT-1": "rejected", "NT-2": "confirmed"}


def test_acknowledge_is_kept_for_the_first_person(session: Session) -> None:
    assert acknowledge_alert(session, "sla_breach", "ticket:1", "slack:U1", now=NOW).applied
    second = acknowledge_alert(session, "sla_breach", "ticket:1", "slack:U2", now=NOW)
    assert not second.applied and "already acknowledged by slack:U1" in second.message


def _signed(body: str, secret: str, when: int) -> dict[str, str | Sequence[str]]:
    base = f"v0:{when}:{body}".encode()
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "content-type": ["application/x-www-form-urlencoded"],
        "x-slack-request-timestamp": [str(when)],
        "x-slack-signature": [signature],
    }


@pytest.fixture
def slack() -> Iterator[FakeWeb]:
    """A fake Slack API: auth.test, chat.update and a response_url sink."""
    with fake_web() as web:
        web.reply("/response", Reply(200, b"ok"))
        identity = b'{"ok": true, "user_id": "UB", "bot_id": "B1", "team_id": "T1", "url": "x"}'
        web.reply("/api/auth.test", Reply(200, identity, JSON))
        web.reply("/api/chat.update", Reply(200, b'{"ok": true, "ts": "1.2"}', JSON))
        yield web


def _press(
    web: FakeWeb, engine: Engine, user: str, action: dict[str, Any], message: dict[str, Any]
) -> int:
    """Send one signed block_actions request; wait for its response_url answer."""
    payload = {
        "type": "block_actions", "user": {"id": user}, "team": {"id": "T1"},
        "api_app_id": "A1", "token": "x", "trigger_id": "1",
        "container": {"type": "message", "channel_id": "C1", "message_ts": "111.222"},
        "channel": {"id": "C1"}, "message": message, "response_url": f"{web.base}/response",
        "actions": [{"block_id": "b", "action_ts": "1", **action}],
    }  # fmt: skip
    body = urlencode({"payload": json.dumps(payload)})
    before = sum(s.path == "/response" for s in web.seen)
    app = slack_app(engine, SECRET, "xoxb-test", base_url=f"{web.base}/api/")
    answer = app.dispatch(BoltRequest(body=body, headers=_signed(body, SECRET, int(time.time()))))
    deadline = time.monotonic() + 5
    while sum(s.path == "/response" for s in web.seen) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    return answer.status


def _answers(web: FakeWeb, path: str) -> list[dict[str, Any]]:
    return [json.loads(s.body) for s in web.seen if s.path == path]


def _updates(web: FakeWeb) -> list[dict[str, Any]]:
    updates = []
    for seen in web.seen:
        if seen.path == "/api/chat.update":
            body = seen.body.decode()
            updates.append(json.loads(body) if body.startswith("{") else dict(_form(body)))
    return updates


def _form(body: str) -> Iterator[tuple[str, Any]]:
    for key, value in parse_qsl(body):
        yield key, json.loads(value) if key == "blocks" else value


def test_bad_or_stale_signatures_get_401(engine: Engine, slack: FakeWeb) -> None:
    body = urlencode({"payload": json.dumps({"type": "block_actions", "actions": []})})
    app = slack_app(engine, SECRET, "xoxb-test", base_url=f"{slack.base}/api/")
    bad = app.dispatch(BoltRequest(body=body, headers=_signed(body, "wrong", int(time.time()))))
    stale = app.dispatch(
        BoltRequest(body=body, headers=_signed(body, SECRET, int(time.time()) - 3600))
    )
    assert (bad.status, stale.status) == (401, 401)


def test_confirm_button_applies_audits_and_updates_the_message(
    engine: Engine, slack: FakeWeb
) -> None:
    with db.session_scope(engine) as session:
        complaint = _review(session)
        message = render_complaint("review", complaint, None, [], candidates=["NT-1", "NT-2"])
        complaint_id = complaint.id
    message["ts"] = "111.222"
    button = {"action_id": f"confirm:{complaint_id}", "type": "button", "value": "x"}
    assert _press(slack, engine, "U42", button, message) == 200
    assert _press(slack, engine, "U43", button, message) == 200  # someone else, too late
    with db.session_scope(engine) as session:
        decided = session.get(Complaint, complaint_id)
        assert decided is not None and decided.decided_by == "slack:U42"
    answers = [a["text"] for a in _answers(slack, "/response")]
    assert "confirm by slack:U42" in answers[0]
    assert "already decided by slack:U42" in answers[1]
    [update] = _updates(slack)  # only the applied decision changes the message
    assert (update["channel"], update["ts"]) == ("C1", "111.222")
    kinds = [b["type"] for b in update["blocks"]]
    assert "actions" not in kinds and "input" not in kinds
    assert update["blocks"][-1]["elements"][0]["text"] == "Confirmed by <@U42>"


def test_relink_from_the_menu_and_from_the_id_box(engine: Engine, slack: FakeWeb) -> None:
    with db.session_scope(engine) as session:
        complaint_id = _review(session).id
    option = {"value": "NT-2", "text": {"type": "plain_text", "text": "NT-2"}}
    menu = {
        "action_id": f"relink:{complaint_id}",
        "type": "static_select",
        "selected_option": option,
    }
    _press(slack, engine, "U42", menu, {"blocks": []})
    with db.session_scope(engine) as session:
        linked = session.scalar(
            select(Ticket.external_id).join(Complaint, Complaint.decision_ticket_id == Ticket.id)
        )
    assert linked == "NT-2"
    box = {"action_id": f"relink_id:{complaint_id}", "type": "plain_text_input", "value": " NT-5 "}
    _press(slack, engine, "U42", box, {"blocks": []})
    with db.session_scope(engine) as session:
        linked = session.scalar(
            select(Ticket.external_id).join(Complaint, Complaint.decision_ticket_id == Ticket.id)
        )
    assert linked == "NT-5"
    assert _updates(slack)[-1]["blocks"][-1]["elements"][0]["text"] == "Relinked to NT-5 by <@U42>"


def test_acknowledge_button_and_a_forged_user_id_stays_inert(
    engine: Engine, slack: FakeWeb
) -> None:
    value = json.dumps({"kind": "sla_breach", "subject": "ticket:7"})
    button = {"action_id": "acknowledge", "type": "button", "value": value}
    _press(slack, engine, "<!channel>", button, {"blocks": [], "text": "SLA"})
    _press(slack, engine, "U9", button, {"blocks": [], "text": "SLA"})
    with db.session_scope(engine) as session:
        actors = session.scalars(
            select(AuditEvent.actor).where(AuditEvent.action == "alert_acknowledged")
        ).all()
    assert actors == ["slack:<!channel>"]
    [update] = _updates(slack)
    note = update["blocks"][-1]["elements"][0]["text"]
    assert note == "Acknowledged by &lt;!channel&gt;"
    assert "already acknowledged" in _answers(slack, "/response")[1]["text"]
