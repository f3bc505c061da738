"""FreshdeskClient: Freshdesk's API v2 over httpx (private notes, priority, tags, create).

Authentication is the API key as user and "X" as password (WATCHER_HELPDESK_TOKEN);
WATCHER_HELPDESK_EMAIL is the requester of the tickets watcher opens (the public author
has no verified address; their name goes into the description).

Idempotent creation: Freshdesk has no external id nor idempotency header, so every ticket
watcher opens carries a tag derived from the outbox key (`watcher-` + 16 hex of its
SHA-256). Before creating, the tag is looked up twice: with the ticket search
(`tag:'watcher-…'`, which covers any age but is indexed with a delay), then among the
100 newest tickets of the plain list (read from the database, so it sees a ticket created
seconds ago, e.g. by the attempt whose answer timed out). Only when both come back empty
is a ticket created.

Descriptions and notes are HTML in Freshdesk: text is escaped and line breaks kept, so
nothing from a public post is interpreted as markup.
"""

from __future__ import annotations

import html
from typing import Any

import httpx

from watcher.config import Config
from watcher.tickets.adapters.base import HelpdeskError
from watcher.tickets.adapters.http import answer, marker, require, send

CREDENTIALS = "WATCHER_HELPDESK_TOKEN (the Freshdesk API key) and WATCHER_HELPDESK_URL"
PRIORITY = {"low": 1, "normal": 2, "high": 3, "urgent": 4}
PRIORITY_NAME = {code: name for name, code in PRIORITY.items()}
STATUS = {2: "open", 3: "pending", 4: "solved", 5: "closed"}
OPEN = 2
PER_PAGE = 100
EPOCH = "1970-01-01T00:00:00Z"


def as_html(text: str) -> str:
    """Plain text as inert HTML: escaped, paragraphs and line breaks kept."""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.strip("\n").split("\n")) + "</p>"
        for p in paragraphs
    )


class FreshdeskClient:
    name = "freshdesk"

    def __init__(self, base_url: str, email: str, api_key: str, *, timeout: float = 20.0) -> None:
        self.email = email
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"),
            auth=(api_key, "X"),
            timeout=timeout,
            headers={"Accept": "application/json"},
        )

    @classmethod
    def from_config(cls, config: Config) -> FreshdeskClient:
        require(config, "Freshdesk")
        return cls(config["HELPDESK_URL"], config["HELPDESK_EMAIL"], config["HELPDESK_TOKEN"],
                   timeout=config["FETCH_TIMEOUT"])  # fmt: skip

    def _send(
        self,
        method: str,
        path: str,
        json: Any = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        return send(self.http, "Freshdesk", CREDENTIALS, method, path, json=json, params=params)

    def find(self, tag: str) -> str | None:
        """The id of the ticket carrying `tag`: search first, then the newest tickets."""
        found = answer(
            self._send("GET", "/api/v2/search/tickets", params={"query": f"\"tag:'{tag}'\""})
        )
        if found.get("results"):
            return str(found["results"][0]["id"])
        newest = self._send("GET", "/api/v2/tickets", params={
            "order_by": "created_at", "order_type": "desc", "per_page": PER_PAGE,
        }).json()  # fmt: skip
        return next((str(t["id"]) for t in newest if tag in (t.get("tags") or [])), None)

    def create_ticket(self, payload: dict[str, Any], idempotency_key: str) -> str:
        tag = marker(idempotency_key)
        existing = self.find(tag)
        if existing:
            return existing
        author = payload.get("requester_name") or "unknown"
        description = f"{payload['description']}\n\nPublic author (unverified): {author}"
        ticket = {
            "email": self.email,
            "subject": payload["subject"],
            "description": as_html(description),
            "priority": PRIORITY.get(payload.get("priority", "normal"), PRIORITY["normal"]),
            "status": OPEN,
            "tags": [*dict.fromkeys([*payload.get("tags", []), tag])],
        }
        return str(answer(self._send("POST", "/api/v2/tickets", ticket)).get("id", ""))

    def add_note(self, ticket: str, body: str) -> None:
        self._send("POST", f"/api/v2/tickets/{ticket}/notes",
                   {"body": as_html(body), "private": True})  # fmt: skip

    def add_tags(self, ticket: str, tags: list[str]) -> None:
        """Freshdesk replaces the tag list on update: read it first, send the union."""
        current = list(answer(self._send("GET", f"/api/v2/tickets/{ticket}")).get("tags") or [])
        merged = [*dict.fromkeys([*current, *tags])]
        if merged != current:
            self._send("PUT", f"/api/v2/tickets/{ticket}", {"tags": merged})

    def set_priority(self, ticket: str, priority: str) -> None:
        if priority not in PRIORITY:
            raise HelpdeskError(f"priority {priority!r} has no Freshdesk value", permanent=True)
        self._send("PUT", f"/api/v2/tickets/{ticket}", {"priority": PRIORITY[priority]})

    def fetch_changes(
        self, checkpoint: dict[str, Any], *, max_pages: int = 100
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Tickets by updated_at ascending, page by page; the last updated_at seen is kept."""
        since = str(checkpoint.get("updated_since") or EPOCH)
        changes: list[dict[str, Any]] = []
        latest = checkpoint.get("updated_since")
        for page in range(1, max_pages + 1):
            response = self._send("GET", "/api/v2/tickets", params={
                "updated_since": since, "order_by": "updated_at", "order_type": "asc",
                "per_page": PER_PAGE, "page": page,
            })  # fmt: skip
            tickets = response.json()
            for ticket in tickets:
                changes.append({
                    "id": str(ticket["id"]), "external_id": None,
                    "status": STATUS.get(ticket.get("status"), str(ticket.get("status"))),
                    "priority": PRIORITY_NAME.get(ticket.get("priority")),
                    "updated_at": ticket.get("updated_at"),
                })  # fmt: skip
                latest = ticket.get("updated_at") or latest
            if "next" not in response.links and len(tickets) < PER_PAGE:
                break
        return changes, {"updated_since": latest} if latest else checkpoint
