"""The Jira adapter through its real httpx client, against a fake Jira Cloud REST API v3."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
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
from watcher.tickets.adapters import JiraClient
from watcher.tickets.adapters.base import HelpdeskError
from watcher.tickets.adapters.http import marker
from watcher.tickets.outbox import deliver_outbox
from watcher.tickets.sync import sync_tickets

CONFIG = load_config(None)
EMAIL, TOKEN = "agent@example.com", "atl-token"
JSON = {"Content-Type": "application/json"}
USER_TZ = timezone(timedelta(hours=1))  # the API account's Jira time zone
JQL = re.compile(
    r'^project = "(?P<project>\w+)"(?: AND labels = "(?P<label>[^"]+)")?'
    r'(?: AND updated >= "(?P<since>\d{4}/\d\d/\d\d \d\d:\d\d)")?(?: ORDER BY updated ASC)?$'
)
PRIORITIES = {"Lowest", "Low", "Medium", "High", "Highest"}
CATEGORIES = {"To Do": "new", "In Progress": "indeterminate", "Done": "done"}


def _json(status: int, data: Any, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, json.dumps(data).encode(), JSON | (headers or {}))


def _plain(doc: dict[str, Any]) -> str:
    """The text of an ADF document; fails on anything but paragraphs, text and hard breaks."""
    assert doc["type"] == "doc" and doc["version"] == 1
    paragraphs = []
    for block in doc["content"]:
        assert block["type"] == "paragraph" and block["content"]
        parts = []
        for node in block["content"]:
            assert set(node) <= {"type", "text"}, node  # no marks, no links
            if node["type"] == "text":
                assert node["text"]
                parts.append(node["text"])
            else:
                assert node["type"] == "hardBreak"
                parts.append("\n")
        paragraphs.append("".join(parts))
    return "\n\n".join(paragraphs)


class FakeJira:
    """Issues of one project: create, edit, comment, and JQL search with nextPageToken."""

    def __init__(self, project: str = "NT") -> None:
        self.project = project
        self.issues: dict[str, dict[str, Any]] = {}
        self.comments: list[dict[str, Any]] = []
        self.script: list[Reply] = []
        self.slow_create = 0.0
        self.created = 0

    def add(self, key: str, *, updated: datetime | None = None, **fields: Any) -> dict[str, Any]:
        issue = {"id": str(10000 + len(self.issues)), "key": key, "fields": {
            "summary": "Brak internetu", "labels": [], "priority": {"name": "Medium"},
            "status": {"name": "To Do"}, "updated": updated or datetime(2026, 11, 20, tzinfo=UTC),
        } | fields}  # fmt: skip
        self.issues[key] = issue
        return issue

    def install(self, web: Any) -> None:
        web.routes["/rest/api/3/issue"] = self
        web.routes["/rest/api/3/search/jql"] = self
        for n in [*range(1, 10), *range(100, 110)]:
            web.routes[f"/rest/api/3/issue/{self.project}-{n}"] = self
            web.routes[f"/rest/api/3/issue/{self.project}-{n}/comment"] = self

    def __call__(self, request: Seen) -> Reply:
        expected = "Basic " + base64.b64encode(f"{EMAIL}:{TOKEN}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return Reply(401, b"Client must be authenticated to access this resource.",
                         {"Content-Type": "text/html"})  # fmt: skip
        if self.script:
            return self.script.pop(0)
        url = urlsplit(request.path)
        parts = url.path.strip("/").split("/")  # rest, api, 3, issue|search[, key[, comment]]
        data = json.loads(request.body) if request.body else {}
        if parts[3] == "search":
            return self.search({k: v[0] for k, v in parse_qs(url.query).items()})
        if len(parts) == 4:
            return self.create(data["fields"])
        issue = self.issues.get(parts[4])
        if issue is None:
            return _json(404, {"errorMessages": ["Issue does not exist"], "errors": {}})
        if len(parts) == 6:
            _plain(data["body"])
            comment = {"id": str(20000 + len(self.comments)), "issue": issue["key"]} | data
            comment["jsdPublic"] = not any(
                p["key"] == "sd.public.comment" and p["value"] == {"internal": True}
                for p in data.get("properties", [])
            )
            self.comments.append(comment)
            return _json(201, comment)
        for change in data.get("update", {}).get("labels", []):
            assert " " not in change["add"]
            if change["add"] not in issue["fields"]["labels"]:
                issue["fields"]["labels"].append(change["add"])
        if "priority" in data.get("fields", {}):
            assert data["fields"]["priority"]["name"] in PRIORITIES
            issue["fields"]["priority"] = data["fields"]["priority"]
        return Reply(204)

    def create(self, fields: dict[str, Any]) -> Reply:
        if fields["project"] != {"key": self.project} or fields["issuetype"] != {"name": "Task"}:
            return _json(
                400, {"errorMessages": [], "errors": {"project": "valid project is required"}}
            )
        assert len(fields["summary"]) <= 255 and "\n" not in fields["summary"]
        assert fields["priority"]["name"] in PRIORITIES
        assert all(" " not in label for label in fields["labels"])
        _plain(fields["description"])
        self.created += 1
        key = f"{self.project}-{99 + self.created}"
        issue = self.add(
            key, **{k: fields[k] for k in ("summary", "description", "labels", "priority")}
        )
        if self.slow_create:  # the issue exists; the answer comes too late
            delay, self.slow_create = self.slow_create, 0.0
            time.sleep(delay)
        return _json(
            201, {"id": issue["id"], "key": key, "self": f"/rest/api/3/issue/{issue['id']}"}
        )

    def search(self, query: dict[str, str]) -> Reply:
        jql = JQL.match(query["jql"])
        if jql is None or jql["project"] != self.project:
            return _json(
                400, {"errorMessages": [f"Error in the JQL Query: {query['jql']}"], "errors": {}}
            )
        found = list(self.issues.values())
        if jql["label"]:
            found = [i for i in found if jql["label"] in i["fields"]["labels"]]
        if jql["since"]:
            since = datetime.strptime(jql["since"], "%Y/%m/%d %H:%M").replace(tzinfo=USER_TZ)
            found = [i for i in found if i["fields"]["updated"] >= since]
        found.sort(key=lambda i: i["fields"]["updated"])
        start, size = int(query.get("nextPageToken", "0")), int(query.get("maxResults", 50))
        wanted = query.get("fields", "").split(",")
        page = [{"id": i["id"], "key": i["key"], "fields": {
                    k: self.shown(k, v) for k, v in i["fields"].items() if k in wanted}}
                for i in found[start : start + size]]  # fmt: skip
        answer: dict[str, Any] = {"issues": page, "isLast": start + size >= len(found)}
        if not answer["isLast"]:
            answer["nextPageToken"] = str(start + size)
        return _json(200, answer)

    @staticmethod
    def shown(name: str, value: Any) -> Any:
        if name == "updated":
            return value.astimezone(USER_TZ).strftime("%Y-%m-%dT%H:%M:%S.000%z")
        if name == "status":
            return value | {"statusCategory": {"key": CATEGORIES[value["name"]]}}
        return value


@contextmanager
def jira(fake: FakeJira, *, timeout: float = 5.0) -> Iterator[JiraClient]:
    with fake_web() as web:
        fake.install(web)
        yield JiraClient(web.base, EMAIL, TOKEN, fake.project, timeout=timeout)


PAYLOAD = {"external_id": "W-ABC", "subject": "Netia:\nbez internetu " + "x" * 300,
           "description": "Od tygodnia *nic* {code}rm{code} <b>[link|http://x]</b>\n\nbiuro stoi",
           "priority": "urgent", "tags": ["public-complaint", "unverified requester"],
           "requester_name": "Loud"}  # fmt: skip


def test_an_issue_is_created_once_and_its_text_stays_plain() -> None:
    fake = FakeJira()
    with jira(fake) as client:
        first = client.create_ticket(PAYLOAD, "complaint:abc")
        again = client.create_ticket(PAYLOAD, "complaint:abc")
    assert first == again == "NT-100" and fake.created == 1
    fields = fake.issues["NT-100"]["fields"]
    assert fields["labels"] == ["public-complaint", "unverified-requester", marker("complaint:abc")]
    assert fields["priority"] == {"name": "Highest"} and fields["summary"].startswith("Netia: bez")
    assert _plain(fields["description"]) == (
        "Od tygodnia *nic* {code}rm{code} <b>[link|http://x]</b>\n\nbiuro stoi"
        "\n\nPublic author (unverified): Loud"
    )


def test_a_timed_out_create_is_not_repeated() -> None:
    fake = FakeJira()
    fake.slow_create = 1.5
    with jira(fake, timeout=0.5) as client:
        with pytest.raises(HelpdeskError) as lost:
            client.create_ticket(PAYLOAD, "complaint:slow")
        assert "unreachable" in str(lost.value) and not lost.value.permanent
        assert client.create_ticket(PAYLOAD, "complaint:slow") == "NT-100"
    assert fake.created == 1


def test_the_outbox_delivers_note_labels_priority_with_retries(session: Session) -> None:
    _seed(session)
    act_on_complaints(session, CONFIG, now=NOW)
    fake = FakeJira()
    fake.add("NT-1", labels=["vip"])
    fake.add("NT-2", priority={"name": "Low"})
    fake.script = [Reply(429, b"", {"Retry-After": "120"}), _json(503, {"errorMessages": []})]
    with jira(fake) as client:
        first = deliver_outbox(session, client, now=NOW)
        assert (first.delivered, first.retrying) == (2, 2)
        waiting = session.scalars(select(OutboxItem).where(OutboxItem.status == "pending")).all()
        assert waiting[0].next_attempt_at == NOW + timedelta(seconds=120)
        assert deliver_outbox(session, client, now=NOW + timedelta(hours=1)).delivered == 2
        assert deliver_outbox(session, client, now=NOW + timedelta(hours=2)).delivered == 0
    [comment] = fake.comments
    assert comment["issue"] == "NT-1" and comment["jsdPublic"] is False
    assert _plain(comment["body"]).startswith("Public complaint linked by watcher: ")
    assert fake.issues["NT-1"]["fields"]["labels"] == ["vip", "public-complaint"]
    assert fake.issues["NT-1"]["fields"]["priority"] == {"name": "Highest"}
    assert fake.issues["NT-2"]["fields"]["priority"]["name"] != "Low"


def test_a_new_ticket_through_the_outbox_is_created_once(session: Session) -> None:
    complaint = _seed(session)
    complaint.decision, complaint.decision_ticket_id = "new_ticket", None
    act_on_complaints(session, CONFIG, now=NOW)
    fake = FakeJira()
    fake.script = [_json(500, {"errorMessages": ["Internal server error"]})]
    with jira(fake) as client:
        assert deliver_outbox(session, client, now=NOW).retrying == 1
        assert deliver_outbox(session, client, now=NOW + timedelta(hours=1)).delivered == 1
        for item in session.scalars(select(OutboxItem)):  # as if the answer was lost
            item.status = "pending"
        deliver_outbox(session, client, now=NOW + timedelta(hours=2))
    assert fake.created == 1
    created = session.scalar(select(Ticket).where(Ticket.origin == "watcher"))
    assert created is not None and (created.extra or {})["helpdesk_id"] == "NT-100"


def test_rate_limit_and_refused_token() -> None:
    fake = FakeJira()
    fake.add("NT-1")
    fake.script = [_json(429, {"errorMessages": ["Rate limit exceeded"]}, {"Retry-After": "7"})]
    with jira(fake) as client:
        with pytest.raises(HelpdeskError) as limited:
            client.set_priority("NT-1", "high")
        assert limited.value.retry_after == 7.0 and not limited.value.permanent
        stranger = JiraClient(str(client.http.base_url), EMAIL, "expired", "NT")
        with pytest.raises(HelpdeskError) as refused:
            stranger.add_tags("NT-1", ["x"])
    message = str(refused.value)
    assert "(401)" in message and "WATCHER_HELPDESK_TOKEN" in message and "API token" in message
    assert not refused.value.permanent  # kept in the outbox until the token is fixed


def test_changes_come_page_by_page_and_resume() -> None:
    fake = FakeJira()
    start = datetime(2026, 11, 20, 8, tzinfo=UTC)
    statuses = ["To Do", "In Progress", "Done"]
    priorities = ["Lowest", "Low", "Medium", "High", "Highest"]
    for n in range(150):
        status, priority = {"name": statuses[n % 3]}, {"name": priorities[n % 5]}
        updated = start + timedelta(minutes=n, seconds=30)
        fake.add(f"NT-{1000 + n}", updated=updated, status=status, priority=priority)
    with fake_web() as web:
        web.routes["/rest/api/3/search/jql"] = fake
        client = JiraClient(web.base, EMAIL, TOKEN, "NT")
        changes, checkpoint = client.fetch_changes({})
        assert len(changes) == 150 and len(web.seen) == 2
        assert "nextPageToken=100" in web.seen[1].path
        assert [c["status"] for c in changes[:3]] == ["open", "open", "solved"]
        assert [c["priority"] for c in changes[:5]] == ["low", "low", "normal", "high", "urgent"]
        assert changes[0] == {"id": "NT-1000", "external_id": None, "status": "open",
                              "priority": "low",
                              "updated_at": "2026-11-20T09:00:30+01:00"}  # fmt: skip
        assert checkpoint == {"updated": "2026-11-20T11:29:30.000+0100"}
        again, _ = client.fetch_changes(checkpoint)
        # JQL reads dates in the account's time zone: 11:29 there is 10:29 UTC, the last issue.
        assert "updated+%3E%3D+%222026%2F11%2F20+11%3A29%22" in web.seen[2].path
        assert [c["id"] for c in again] == ["NT-1149"]


def test_sync_updates_statuses_from_jira(session: Session) -> None:
    _seed(session)
    fake = FakeJira()
    fake.add("NT-1", status={"name": "Done"}, priority={"name": "High"},
             updated=datetime(2026, 11, 23, 10, tzinfo=UTC))  # fmt: skip
    with jira(fake) as client:
        result = sync_tickets(session, client, now=NOW)
    ticket = session.scalar(select(Ticket).where(Ticket.external_id == "NT-1"))
    assert (result.seen, result.updated) == (1, 1) and ticket is not None
    assert ticket.status == "solved" and ticket.current_priority == "high"
    assert ticket.solved_at is not None
    assert ticket.solved_at.astimezone(UTC).isoformat().startswith("2026-11-23T10:00")


def test_the_project_comes_from_the_url() -> None:
    env = {"WATCHER_HELPDESK_KIND": "jira", "WATCHER_HELPDESK_EMAIL": EMAIL,
           "WATCHER_HELPDESK_TOKEN": TOKEN}  # fmt: skip
    url = "https://example.atlassian.net/jira/servicedesk/projects/SUP/queues/custom/1"
    client = JiraClient.from_config(load_config(None, env=env | {"WATCHER_HELPDESK_URL": url}))
    assert client.project == "SUP" and str(client.http.base_url) == "https://example.atlassian.net"
    with pytest.raises(ConfigError, match="project"):
        JiraClient.from_config(
            load_config(None, env=env | {"WATCHER_HELPDESK_URL": "https://example.atlassian.net"})
        )
