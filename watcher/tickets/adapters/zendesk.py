"""ZendeskClient: Zendesk's Tickets API over httpx (private comments, priority, tags, create).

Creation sends an `Idempotency-Key` header and the watcher id as the ticket's
`external_id`, so a retry after a timeout never opens a second ticket.
"""

from __future__ import annotations

from typing import Any

import httpx

from watcher.config import Config
from watcher.tickets.adapters.base import HelpdeskError
from watcher.tickets.adapters.http import require, send

CREDENTIALS = "WATCHER_HELPDESK_EMAIL and WATCHER_HELPDESK_TOKEN"


class ZendeskClient:
    name = "zendesk"

    def __init__(self, base_url: str, email: str, token: str, *, timeout: float = 20.0) -> None:
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"),
            auth=(f"{email}/token", token),
            timeout=timeout,
            headers={"Accept": "application/json"},
        )

    @classmethod
    def from_config(cls, config: Config) -> ZendeskClient:
        require(config, "Zendesk")
        return cls(config["HELPDESK_URL"], config["HELPDESK_EMAIL"], config["HELPDESK_TOKEN"],
                   timeout=config["FETCH_TIMEOUT"])  # fmt: skip

    def _send(
        self, method: str, path: str, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> Any:
        response = send(self.http, "Zendesk", CREDENTIALS, method, path, json=body, headers=headers)
        return response.json() if response.content else {}

    def create_ticket(self, payload: dict[str, Any], idempotency_key: str) -> str:
        ticket = {
            "subject": payload["subject"],
            "comment": {"body": payload["description"], "public": False},
            "priority": payload.get("priority", "normal"),
            "tags": payload.get("tags", []),
            "external_id": payload.get("external_id"),
            "requester": {"name": payload.get("requester_name") or "Public author (unverified)"},
        }
        answer = self._send("POST", "/api/v2/tickets.json", {"ticket": ticket},
                            headers={"Idempotency-Key": idempotency_key})  # fmt: skip
        return str(answer.get("ticket", {}).get("id", ""))

    def add_note(self, ticket: str, body: str) -> None:
        self._send("PUT", f"/api/v2/tickets/{ticket}.json",
                   {"ticket": {"comment": {"body": body, "public": False}}})  # fmt: skip

    def add_tags(self, ticket: str, tags: list[str]) -> None:
        self._send("PUT", f"/api/v2/tickets/{ticket}/tags.json", {"tags": tags})

    def fetch_changes(
        self, checkpoint: dict[str, Any], *, max_pages: int = 100
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Incremental ticket export (cursor based), page by page until the end of the stream."""
        changes: list[dict[str, Any]] = []
        cursor = checkpoint.get("cursor")
        for _ in range(max_pages):
            params = (
                {"cursor": cursor}
                if cursor
                else {"start_time": int(checkpoint.get("start_time", 0))}
            )
            try:
                response = self.http.get("/api/v2/incremental/tickets/cursor.json", params=params)
            except httpx.HTTPError as exc:
                raise HelpdeskError(f"Zendesk unreachable: {type(exc).__name__}") from exc
            if response.status_code == 429 or response.status_code >= 500:
                raise HelpdeskError(f"Zendesk answered {response.status_code}; sync again later")
            if response.status_code >= 400:
                raise HelpdeskError(f"Zendesk refused the export ({response.status_code})")
            page = response.json()
            changes.extend(page.get("tickets", []))
            cursor = page.get("after_cursor") or cursor
            if page.get("end_of_stream", True):
                break
        return changes, {"cursor": cursor} if cursor else checkpoint

    def set_priority(self, ticket: str, priority: str) -> None:
        self._send("PUT", f"/api/v2/tickets/{ticket}.json", {"ticket": {"priority": priority}})
