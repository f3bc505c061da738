"""The Freshdesk adapter through its real httpx client, against a fake Freshdesk API v2."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.fakeweb import Reply, Seen, fake_web
from tests.tickets.test_actions import NOW, _seed
from watcher.config import load_config
from watcher.errors import ConfigError
from watcher.models import OutboxItem, Ticket
from watcher.tickets.actions import act_on_complaints
from watcher.tickets.adapters import FreshdeskClient, JiraClient, adapter_for
from watcher.tickets.adapters.base import HelpdeskError
from watcher.tickets.adapters.http import marker
from watcher.tickets.outbox import deliver_outbox
from watcher.tickets.sync import sync_tickets

CONFIG = load_config(None)
KEY = "fd-api-key"
JSON = {"Content-Type": "application/json"}


def _json(status: int, data: Any, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, json.dumps(data).encode(), JSON | (headers or {}))


class FakeFreshdesk:
    """Tickets, notes, search (indexed only when `indexed`) and the list with Link pages."""

    def __init__(self, *, indexed: bool = True) -> None:
        self.tickets: dict[int, dict[str, Any]] = {}
        self.notes: list[dict[str, Any]] = []
        self.script: list[Reply] = []
        self.indexed = indexed
        self.searchable: set[int] = set()
        self.slow_create = 0.0
        self.base = ""

    def add(self, ticket_id: int, **fields: Any) -> dict[str, Any]:
        stamp = fields.pop("updated_at", "2026-11-20T08:00:00Z")
        ticket = {
            "id": ticket_id,
            "subject": "Brak internetu",
            "description": "<div>x</div>",
            "description_text": "x",
            "status": 2,
            "priority": 1,
            "tags": [],
            "requester_id": 7,
            "created_at": stamp,
            "updated_at": stamp,
        } | fields
        self.tickets[ticket_id] = ticket
        self.searchable.add(ticket_id)
        return ticket

    def install(self, web: Any) -> None:
        self.base = web.base
        web.routes["/api/v2/tickets"] = self
        web.routes["/api/v2/search/tickets"] = self
        for ticket_id in [*range(100, 110), *range(1000, 1010)]:
            web.routes[f"/api/v2/tickets/{ticket_id}"] = self
            web.routes[f"/api/v2/tickets/{ticket_id}/notes"] = self

    def __call__(self, request: Seen) -> Reply:
        expected = "Basic " + base64.b64encode(f"{KEY}:X".encode()).decode()
        if request.headers.get("Authorization") != expected:
            message = "You have to be logged in to perform this action."
            return _json(401, {"code": "invalid_credentials", "message": message})
        if self.script:
            return self.script.pop(0)
        url = urlsplit(request.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        parts = url.path.strip("/").split("/")  # api, v2, tickets[, id[, notes]]
        data = json.loads(request.body) if request.body else {}
        if parts[2] == "search":
            return self.search(query["query"])
        if len(parts) == 3 and request.method == "POST":
            return self.create(data)
        if len(parts) == 3:
            return self.list(query)
        ticket = self.tickets.get(int(parts[3]))
        if ticket is None:
            return _json(404, {"code": "not_found"})
        if len(parts) == 5:
            note = {"id": 5000 + len(self.notes), "ticket_id": ticket["id"]} | data
            self.notes.append(note)
            return _json(201, note)
        if request.method == "PUT":
            ticket.update(data)
        return _json(200, ticket)

    def search(self, query: str) -> Reply:
        if not (query.startswith("\"tag:'") and query.endswith("'\"")):
            errors = [{"field": "query", "code": "invalid_value"}]
            return _json(400, {"description": "Validation failed", "errors": errors})
        tag = query[6:-2]
        found = [t for i, t in self.tickets.items() if i in self.searchable and tag in t["tags"]]
        return _json(200, {"results": found, "total": len(found)})

    def create(self, data: dict[str, Any]) -> Reply:
        assert data["status"] == 2 and data["priority"] in (1, 2, 3, 4) and data["email"]
        fields = {k: data[k] for k in ("subject", "description", "priority", "tags")}
        ticket = self.add(1000 + len([i for i in self.tickets if i >= 1000]), **fields)
        if not self.indexed:
            self.searchable.discard(ticket["id"])
        if self.slow_create:  # the ticket exists; the answer comes too late
            delay, self.slow_create = self.slow_create, 0.0
            time.sleep(delay)
        return _json(201, ticket)

    def list(self, query: dict[str, str]) -> Reply:
        per_page, page = int(query.get("per_page", 30)), int(query.get("page", 1))
        tickets = list(self.tickets.values())
        if "updated_since" in query:
            tickets = [t for t in tickets if t["updated_at"] >= query["updated_since"]]
        order = query.get("order_by", "created_at")
        tickets.sort(key=lambda t: (t[order], t["id"]), reverse=query.get("order_type") != "asc")
        chunk = tickets[(page - 1) * per_page : page * per_page]
        headers = {}
        if len(tickets) > page * per_page:
            following = dict(query, page=str(page + 1))
            link = f"{self.base}/api/v2/tickets?" + "&".join(
                f"{k}={v}" for k, v in following.items()
            )
            headers["Link"] = f'<{link}>; rel="next"'
        return _json(200, chunk, headers)


@contextmanager
def freshdesk(fake: FakeFreshdesk, *, timeout: float = 5.0) -> Iterator[FreshdeskClient]:
    with fake_web() as web:
        fake.install(web)
        yield FreshdeskClient(web.base, "agent@example.com", KEY, timeout=timeout)


PAYLOAD = {
    "external_id": "W-ABC",
    "subject": "Netia: bez internetu",
    "description": "Od tygodnia <b>nic</b> & <script>alert(1)</script>\nbiuro stoi",
    "priority": "high",
    "tags": ["public-complaint"],
    "requester_name": "Loud",
}


def test_a_ticket_is_created_once_and_its_text_stays_plain() -> None:
    fake = FakeFreshdesk()
    with freshdesk(fake) as client:
        first = client.create_ticket(PAYLOAD, "complaint:abc")
        again = client.create_ticket(PAYLOAD, "complaint:abc")
    assert first == again == "1000" and len(fake.tickets) == 1
    ticket = fake.tickets[1000]
    assert ticket["tags"] == ["public-complaint", marker("complaint:abc")]
    assert ticket["priority"] == 3
    assert "<script>" not in ticket["description"] and "&lt;script&gt;" in ticket["description"]
    assert (
        "&lt;b&gt;nic&lt;/b&gt; &amp;" in ticket["description"] and "<br>" in ticket["description"]
    )
    assert "Public author (unverified): Loud" in ticket["description"]


def test_a_timed_out_create_is_found_before_the_search_index_has_it() -> None:
    fake = FakeFreshdesk(indexed=False)
    fake.add(100)
    fake.slow_create = 1.5
    with freshdesk(fake, timeout=0.5) as client:
        with pytest.raises(HelpdeskError) as lost:
            client.create_ticket(PAYLOAD, "complaint:slow")
        assert "unreachable" in str(lost.value) and not lost.value.permanent
        assert client.create_ticket(PAYLOAD, "complaint:slow") == "1000"
    assert sorted(fake.tickets) == [100, 1000]  # the retry found the ticket; no second one


def test_the_outbox_delivers_note_tags_priority_with_retries(session: Session) -> None:
    _seed(session)
    for old, new in (("NT-1", "101"), ("NT-2", "102")):  # Freshdesk ids are numbers
        ticket = session.scalar(select(Ticket).where(Ticket.external_id == old))
        assert ticket is not None
        ticket.external_id = new
    session.flush()
    act_on_complaints(session, CONFIG, now=NOW)
    fake = FakeFreshdesk()
    fake.add(101, tags=["vip"], priority=2)
    fake.add(102, priority=1)
    fake.script = [Reply(429, b"", {"Retry-After": "120"}), _json(503, {"code": "busy"})]
    with freshdesk(fake) as client:
        first = deliver_outbox(session, client, now=NOW)
        assert (first.delivered, first.retrying) == (2, 2)
        waiting = session.scalars(select(OutboxItem).where(OutboxItem.status == "pending")).all()
        assert waiting[0].next_attempt_at == NOW + timedelta(seconds=120)
        assert deliver_outbox(session, client, now=NOW + timedelta(hours=1)).delivered == 2
        assert deliver_outbox(session, client, now=NOW + timedelta(hours=2)).delivered == 0
    [note] = fake.notes
    assert note["private"] is True and note["ticket_id"] == 101
    assert note["body"].startswith("<p>Public complaint linked by watcher: ")
    assert fake.tickets[101]["tags"] == ["vip", "public-complaint"]  # merged, not replaced
    assert fake.tickets[101]["priority"] == 4 and fake.tickets[102]["priority"] > 1


def test_a_new_ticket_through_the_outbox_is_created_once(session: Session) -> None:
    complaint = _seed(session)
    complaint.decision, complaint.decision_ticket_id = "new_ticket", None
    act_on_complaints(session, CONFIG, now=NOW)
    fake = FakeFreshdesk()
    fake.script = [_json(500, {"code": "internal_error"})]
    with freshdesk(fake) as client:
        assert deliver_outbox(session, client, now=NOW).retrying == 1
        assert deliver_outbox(session, client, now=NOW + timedelta(hours=1)).delivered == 1
        for item in session.scalars(select(OutboxItem)):  # as if the answer was lost
            item.status = "pending"
        deliver_outbox(session, client, now=NOW + timedelta(hours=2))
    assert list(fake.tickets) == [1000]
    created = session.scalar(select(Ticket).where(Ticket.origin == "watcher"))
    assert created is not None and (created.extra or {})["helpdesk_id"] == "1000"


def test_rate_limit_and_refused_key() -> None:
    fake = FakeFreshdesk()
    fake.add(100)
    fake.script = [_json(429, {"message": "rate limited"}, {"Retry-After": "7"})]
    with freshdesk(fake) as client:
        with pytest.raises(HelpdeskError) as limited:
            client.set_priority("100", "urgent")
        assert limited.value.retry_after == 7.0 and not limited.value.permanent
        stranger = FreshdeskClient(str(client.http.base_url), "a@b.c", "wrong")
        with pytest.raises(HelpdeskError) as refused:
            stranger.add_note("100", "hello")
    assert "(401)" in str(refused.value) and "WATCHER_HELPDESK_TOKEN" in str(refused.value)
    assert not refused.value.permanent  # kept in the outbox until the key is fixed


def test_retry_after_as_a_date() -> None:
    fake = FakeFreshdesk()
    fake.add(100)
    later = (datetime.now(UTC) + timedelta(seconds=90)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    fake.script = [Reply(503, b"", {"Retry-After": later})]
    with freshdesk(fake) as client, pytest.raises(HelpdeskError) as busy:
        client.add_tags("100", ["x"])
    assert busy.value.retry_after is not None and 80 < busy.value.retry_after <= 90


def test_changes_come_page_by_page_and_resume() -> None:
    fake = FakeFreshdesk()
    start = datetime(2026, 11, 20, tzinfo=UTC)
    for n in range(150):
        stamp = (start + timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
        fake.add(100 + n, status=2 + n % 4, priority=1 + n % 4, updated_at=stamp)
    with fake_web() as web:
        fake.base = web.base
        web.routes["/api/v2/tickets"] = fake
        client = FreshdeskClient(web.base, "agent@example.com", KEY)
        changes, checkpoint = client.fetch_changes({})
        assert len(changes) == 150 and len(web.seen) == 2
        assert "updated_since=1970-01-01T00%3A00%3A00Z" in web.seen[0].path
        assert "order_by=updated_at" in web.seen[0].path and "page=2" in web.seen[1].path
        assert [c["status"] for c in changes[:4]] == ["open", "pending", "solved", "closed"]
        assert [c["priority"] for c in changes[:4]] == ["low", "normal", "high", "urgent"]
        assert changes[0]["id"] == "100" and checkpoint == {"updated_since": "2026-11-20T02:29:00Z"}
        again, _ = client.fetch_changes(checkpoint)
        assert "updated_since=2026-11-20T02%3A29%3A00Z" in web.seen[2].path
        assert [c["id"] for c in again] == ["249"]


def test_sync_updates_statuses_from_freshdesk(session: Session) -> None:
    _seed(session)
    fake = FakeFreshdesk()
    fake.add(101, status=4, priority=3, updated_at="2026-11-23T10:00:00Z")
    ticket = session.scalar(select(Ticket).where(Ticket.external_id == "NT-1"))
    assert ticket is not None
    ticket.external_id = "101"
    with freshdesk(fake) as client:
        result = sync_tickets(session, client, now=NOW)
    assert (result.seen, result.updated) == (1, 1)
    assert ticket.status == "solved" and ticket.current_priority == "high"
    assert ticket.solved_at is not None and ticket.solved_at.isoformat().startswith("2026-11-23T10")


@pytest.mark.parametrize("kind", ["freshdesk", "jira"])
def test_adapter_for_picks_the_helpdesk(kind: str) -> None:
    config = load_config(
        None,
        env={
            "WATCHER_HELPDESK_KIND": kind,
            "WATCHER_HELPDESK_EMAIL": "agent@example.com",
            "WATCHER_HELPDESK_TOKEN": "t",
            "WATCHER_HELPDESK_URL": "https://example.atlassian.net/jira/servicedesk/projects/SUP",
        },
    )
    adapter = adapter_for(config)
    assert type(adapter) is {"freshdesk": FreshdeskClient, "jira": JiraClient}[kind]


def test_jira_project_from_its_setting_or_a_clear_error() -> None:
    env = {
        "WATCHER_HELPDESK_KIND": "jira",
        "WATCHER_HELPDESK_EMAIL": "agent@example.com",
        "WATCHER_HELPDESK_TOKEN": "t",
        "WATCHER_HELPDESK_URL": "https://example.atlassian.net",
    }
    with pytest.raises(ConfigError, match="WATCHER_HELPDESK_PROJECT"):
        adapter_for(load_config(None, env=env))
    env |= {"WATCHER_HELPDESK_PROJECT": "sup", "WATCHER_HELPDESK_ISSUE_TYPE": "Incident"}
    adapter = adapter_for(load_config(None, env=env))
    assert isinstance(adapter, JiraClient)
    assert (adapter.project, adapter.issue_type) == ("SUP", "Incident")
