"""JiraClient: Jira Service Management through Jira Cloud's REST API v3 over httpx.

Authentication is basic with the account's e-mail and an Atlassian API token. Issues are
created with the platform API (`POST /rest/api/3/issue`), not the service desk request
API: it takes the description as ADF, so text from a public post is only ever a text
node (never wiki markup), and it sets labels and priority in the same call. The issue
goes into WATCHER_HELPDESK_PROJECT, or the project of WATCHER_HELPDESK_URL when that is
the project's address (https://example.atlassian.net/jira/servicedesk/projects/SUP), as
an issue of type WATCHER_HELPDESK_ISSUE_TYPE ("Task" by default).

Idempotent creation: each issue carries a label derived from the outbox key (`watcher-`
+ 16 hex of its SHA-256), looked up with JQL before creating, so a redelivery after a
timeout finds the issue the lost answer was about. Jira's search is indexed a few
seconds behind writes; after a timeout the outbox waits 30 seconds or more before
retrying, which leaves the index time to catch up.

Internal notes are comments with the `sd.public.comment` property set to internal.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from watcher.config import Config
from watcher.errors import ConfigError
from watcher.tickets.adapters.base import HelpdeskError
from watcher.tickets.adapters.http import answer, marker, require, send

CREDENTIALS = (
    "WATCHER_HELPDESK_EMAIL and WATCHER_HELPDESK_TOKEN (an Atlassian API token of that "
    "account), and that the account may use the project"
)
PRIORITY = {"low": "Low", "normal": "Medium", "high": "High", "urgent": "Highest"}
PRIORITY_NAME = {"Lowest": "low", "Low": "low", "Medium": "normal", "High": "high",
                 "Highest": "urgent"}  # fmt: skip
STATUS = {"new": "open", "indeterminate": "open", "done": "solved"}
ISSUE_TYPE = "Task"
PER_PAGE = 100
INTERNAL = [{"key": "sd.public.comment", "value": {"internal": True}}]
PROJECT = re.compile(r"/projects/([A-Za-z][A-Za-z0-9_]*)")


def adf(text: str) -> dict[str, Any]:
    """Plain text as an Atlassian Document: a paragraph per blank-line block, text nodes
    and hard breaks only, so nothing in it is read as markup."""
    content = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        nodes: list[dict[str, Any]] = []
        for line in (line for line in block.split("\n") if line.strip()):
            if nodes:
                nodes.append({"type": "hardBreak"})
            nodes.append({"type": "text", "text": line})
        if nodes:
            content.append({"type": "paragraph", "content": nodes})
    return {"type": "doc", "version": 1, "content": content}


def label(tag: str) -> str:
    """Jira labels take no spaces."""
    return re.sub(r"\s+", "-", tag.strip())


def jql_time(updated: str) -> str:
    """`yyyy/MM/dd HH:mm` as Jira wrote it: JQL reads dates in the account's time zone,
    which is the offset Jira puts in the `updated` values it returns."""
    return datetime.strptime(updated, "%Y-%m-%dT%H:%M:%S.%f%z").strftime("%Y/%m/%d %H:%M")


def iso(updated: str | None) -> str | None:
    if not updated:
        return None
    return datetime.strptime(updated, "%Y-%m-%dT%H:%M:%S.%f%z").isoformat()


class JiraClient:
    name = "jira"

    def __init__(
        self, base_url: str, email: str, token: str, project: str, *,
        issue_type: str = ISSUE_TYPE, timeout: float = 20.0,
    ) -> None:  # fmt: skip
        self.project = project
        self.issue_type = issue_type
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"),
            auth=(email, token),
            timeout=timeout,
            headers={"Accept": "application/json"},
        )

    @classmethod
    def from_config(cls, config: Config) -> JiraClient:
        require(config, "Jira")
        url = config["HELPDESK_URL"]
        found = PROJECT.search(urlsplit(url).path)
        project = config["HELPDESK_PROJECT"] or (found.group(1) if found else "")
        if not project:
            raise ConfigError(
                "the Jira adapter needs a project: set WATCHER_HELPDESK_PROJECT (e.g. SUP) or "
                "give the project's address in WATCHER_HELPDESK_URL, e.g. "
                "https://example.atlassian.net/jira/servicedesk/projects/SUP"
            )
        parts = urlsplit(url)
        return cls(f"{parts.scheme}://{parts.netloc}", config["HELPDESK_EMAIL"],
                   config["HELPDESK_TOKEN"], project.upper(),
                   issue_type=config["HELPDESK_ISSUE_TYPE"] or ISSUE_TYPE,
                   timeout=config["FETCH_TIMEOUT"])  # fmt: skip

    def _send(
        self,
        method: str,
        path: str,
        json: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        return answer(send(self.http, "Jira", CREDENTIALS, method, path, json=json, params=params))

    def _search(self, jql: str, fields: str, page: str | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"jql": jql, "fields": fields, "maxResults": PER_PAGE}
        if page:
            params["nextPageToken"] = page
        found: dict[str, Any] = self._send("GET", "/rest/api/3/search/jql", params=params)
        return found

    def find(self, tag: str) -> str | None:
        """The key of the project's issue labelled `tag`, if there is one."""
        found = self._search(f'project = "{self.project}" AND labels = "{tag}"', "key")
        issues = found.get("issues") or []
        return str(issues[0]["key"]) if issues else None

    def create_ticket(self, payload: dict[str, Any], idempotency_key: str) -> str:
        tag = marker(idempotency_key)
        existing = self.find(tag)
        if existing:
            return existing
        author = payload.get("requester_name") or "unknown"
        summary = " ".join(str(payload["subject"]).split())[:255]
        fields = {
            "project": {"key": self.project},
            "issuetype": {"name": self.issue_type},
            "summary": summary,
            "description": adf(f"{payload['description']}\n\nPublic author (unverified): {author}"),
            "labels": [*dict.fromkeys([*map(label, payload.get("tags", [])), tag])],
            "priority": {"name": PRIORITY.get(payload.get("priority", "normal"), "Medium")},
        }
        return str(self._send("POST", "/rest/api/3/issue", {"fields": fields}).get("key", ""))

    def add_note(self, ticket: str, body: str) -> None:
        self._send("POST", f"/rest/api/3/issue/{ticket}/comment",
                   {"body": adf(body), "properties": INTERNAL})  # fmt: skip

    def add_tags(self, ticket: str, tags: list[str]) -> None:
        """Labels are added one by one on the server: nothing there is replaced."""
        update = {"labels": [{"add": label(t)} for t in tags]}
        self._send("PUT", f"/rest/api/3/issue/{ticket}", {"update": update})

    def set_priority(self, ticket: str, priority: str) -> None:
        if priority not in PRIORITY:
            raise HelpdeskError(f"priority {priority!r} has no Jira value", permanent=True)
        self._send("PUT", f"/rest/api/3/issue/{ticket}",
                   {"fields": {"priority": {"name": PRIORITY[priority]}}})  # fmt: skip

    def fetch_changes(
        self, checkpoint: dict[str, Any], *, max_pages: int = 100
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The project's issues by `updated` ascending, page by page (nextPageToken); the
        last `updated` seen is kept. Minute precision: the last minute is read again."""
        latest = checkpoint.get("updated")
        jql = f'project = "{self.project}"'
        if latest:
            jql += f' AND updated >= "{jql_time(latest)}"'
        jql += " ORDER BY updated ASC"
        changes: list[dict[str, Any]] = []
        page: str | None = None
        for _ in range(max_pages):
            found = self._search(jql, "status,priority,updated", page)
            for issue in found.get("issues") or []:
                fields = issue.get("fields") or {}
                category = ((fields.get("status") or {}).get("statusCategory") or {}).get("key")
                changes.append({
                    "id": str(issue["key"]), "external_id": None,
                    "status": STATUS.get(str(category)),
                    "priority": PRIORITY_NAME.get(str((fields.get("priority") or {}).get("name"))),
                    "updated_at": iso(fields.get("updated")),
                })  # fmt: skip
                latest = fields.get("updated") or latest
            page = found.get("nextPageToken")
            if not page or found.get("isLast"):
                break
        return changes, {"updated": latest} if latest else checkpoint
