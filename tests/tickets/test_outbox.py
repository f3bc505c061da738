"""The outbox: changes written with the decision, delivered once (built-in helpdesk, Zendesk)."""

from __future__ import annotations

import base64
import json
import time
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.fakeweb import Reply, Seen, fake_web
from tests.tickets.test_actions import NOW, _seed
from watcher.config import load_config
from watcher.models import OutboxItem
from watcher.tickets.actions import act_on_complaints
from watcher.tickets.adapters import BuiltinHelpdesk, ZendeskClient
from watcher.tickets.outbox import deliver_outbox, enqueue

CONFIG = load_config(None)


def _keys(session: Session) -> list[tuple[str, str]]:
    return [
        (i.kind, i.idempotency_key)
        for i in session.scalars(select(OutboxItem).order_by(OutboxItem.id))
    ]


def test_a_linked_complaint_writes_note_tags_and_priorities_once(session: Session) -> None:
    _seed(session)
    act_on_complaints(session, CONFIG, now=NOW)
    kinds = [kind for kind, _ in _keys(session)]
    assert kinds == ["note", "tags", "priority", "priority"]  # the loud ticket and its quiet twin
    first = deliver_outbox(session, BuiltinHelpdesk(), now=NOW)
    again = deliver_outbox(session, BuiltinHelpdesk(), now=NOW)
    assert (first.delivered, again.delivered) == (4, 0)
    assert {i.status for i in session.scalars(select(OutboxItem))} == {"delivered"}


class FakeZendesk:
    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.script: list[Reply] = []
        self.created: dict[str, int] = {}

    def __call__(self, request: Seen) -> Reply:
        self.requests.append(request)
        if self.script:
            return self.script.pop(0)
        if request.method == "POST":
            key = request.headers["Idempotency-Key"]
            ticket_id = self.created.setdefault(key, 900 + len(self.created))
            return Reply(
                201,
                json.dumps({"ticket": {"id": ticket_id}}).encode(),
                {"Content-Type": "application/json"},
            )
        return Reply(200, b'{"ticket": {}}', {"Content-Type": "application/json"})


def test_zendesk_receives_the_same_changes_with_retries(session: Session) -> None:
    _seed(session)
    act_on_complaints(session, CONFIG, now=NOW)
    fake = FakeZendesk()
    fake.script = [
        Reply(429, b"", {"Retry-After": "120"}),
        Reply(503, b"busy"),
    ]
    with fake_web() as web:
        for path in (
            "/api/v2/tickets/NT-1",
            "/api/v2/tickets/NT-1.json",
            "/api/v2/tickets/NT-1/tags.json",
            "/api/v2/tickets/NT-2.json",
            "/api/v2/tickets.json",
        ):
            web.routes[path] = fake
        client = ZendeskClient(web.base, "agent@example.com", "secret")
        first = deliver_outbox(session, client, now=NOW)
        assert (first.delivered, first.retrying) == (2, 2)
        waiting = session.scalars(select(OutboxItem).where(OutboxItem.status == "pending")).all()
        assert waiting[0].next_attempt_at == NOW + timedelta(seconds=120)
        later = deliver_outbox(session, client, now=NOW + timedelta(hours=1))
        assert later.delivered == 2
        assert deliver_outbox(session, client, now=NOW + timedelta(hours=2)).delivered == 0
    auth = fake.requests[0].headers["Authorization"]
    assert auth == "Basic " + base64.b64encode(b"agent@example.com/token:secret").decode()
    bodies = [json.loads(r.body) for r in fake.requests if r.body]
    notes = [b["ticket"]["comment"] for b in bodies if "comment" in b.get("ticket", {})]
    assert notes and notes[0]["public"] is False and "Public complaint linked" in notes[0]["body"]
    assert {"tags": ["public-complaint"]} in bodies
    assert {"ticket": {"priority": "urgent"}} in bodies


def test_a_new_ticket_is_created_once_even_when_retried(session: Session) -> None:
    complaint = _seed(session)
    complaint.decision, complaint.decision_ticket_id = "new_ticket", None
    act_on_complaints(session, CONFIG, now=NOW)
    fake = FakeZendesk()
    with fake_web() as web:
        web.routes["/api/v2/tickets.json"] = fake
        client = ZendeskClient(web.base, "agent@example.com", "secret")
        deliver_outbox(session, client, now=NOW)
        # As if the answer was lost: deliver the same item again.
        for item in session.scalars(select(OutboxItem)):
            item.status = "pending"
        deliver_outbox(session, client, now=NOW)
    posts = [r for r in fake.requests if r.method == "POST"]
    assert len(posts) == 2 and len(fake.created) == 1  # same Idempotency-Key: one ticket
    body = json.loads(posts[0].body)["ticket"]
    assert body["comment"]["public"] is False and body["external_id"].startswith("W-")


def test_refused_credentials_lose_nothing(session: Session) -> None:
    _seed(session)
    act_on_complaints(session, CONFIG, now=NOW)
    with fake_web() as web:
        refusal = Reply(401, b'{"error": "Couldn\'t authenticate you"}')
        for path in ("NT-1.json", "NT-1/tags.json", "NT-2.json"):
            web.reply(f"/api/v2/tickets/{path}", refusal)
        result = deliver_outbox(session, ZendeskClient(web.base, "a@b.c", "bad"), now=NOW)
    assert result.delivered == 0 and "WATCHER_HELPDESK_TOKEN" in result.errors[0]
    assert {i.status for i in session.scalars(select(OutboxItem))} == {"pending"}


def test_changes_to_a_created_ticket_wait_for_it_and_go_to_the_helpdesks_id(
    session: Session,
) -> None:
    complaint = _seed(session)
    complaint.decision, complaint.decision_ticket_id = "new_ticket", None
    [result] = act_on_complaints(session, CONFIG, now=NOW)
    assert result.ticket is not None
    payload = {"ticket": result.ticket.external_id, "body": "Customer called again."}
    enqueue(session, "note", result.ticket, payload, "note:again")
    session.flush()
    fake = FakeZendesk()
    fake.script = [Reply(503, b"busy")]
    with fake_web() as web:
        web.routes["/api/v2/tickets.json"] = fake
        web.routes["/api/v2/tickets/900.json"] = fake
        client = ZendeskClient(web.base, "agent@example.com", "secret")
        first = deliver_outbox(session, client, now=NOW)
        note = session.scalar(select(OutboxItem).where(OutboxItem.idempotency_key == "note:again"))
        assert first.delivered == 0 and note is not None and note.attempts == 0
        later = deliver_outbox(session, client, now=NOW + timedelta(hours=1))
    assert later.failed == 0 and note.status == "delivered"
    assert result.ticket.extra["helpdesk_id"] == "900"
    assert [(r.method, r.path) for r in fake.requests][-1] == ("PUT", "/api/v2/tickets/900.json")


def test_a_create_that_times_out_is_retried_without_a_second_ticket(session: Session) -> None:
    complaint = _seed(session)
    complaint.decision, complaint.decision_ticket_id = "new_ticket", None
    act_on_complaints(session, CONFIG, now=NOW)
    fake = FakeZendesk()
    slow_once = [True]

    def slow_then_fast(request: Seen) -> Reply:
        answer = fake(request)  # Zendesk creates the ticket, then the answer is late
        if slow_once.pop() if slow_once else False:
            time.sleep(1.0)
        return answer

    with fake_web() as web:
        web.routes["/api/v2/tickets.json"] = slow_then_fast
        client = ZendeskClient(web.base, "agent@example.com", "secret", timeout=0.3)
        first = deliver_outbox(session, client, now=NOW)
        assert first.retrying == 1 and "Timeout" in first.errors[0]
        later = deliver_outbox(session, client, now=NOW + timedelta(hours=1))
    assert later.delivered >= 1
    posts = [r for r in fake.requests if r.method == "POST"]
    assert len(posts) == 2 and len(fake.created) == 1  # the same Idempotency-Key: one ticket
