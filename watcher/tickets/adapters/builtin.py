"""The built-in helpdesk: tickets live in watcher's own database.

The decision's transaction already wrote the change to the local tables, so
delivering to the built-in helpdesk only confirms it: nothing is written twice.
"""

from __future__ import annotations

from typing import Any


class BuiltinHelpdesk:
    name = "builtin"

    def create_ticket(self, payload: dict[str, Any], idempotency_key: str) -> str:
        return str(payload.get("external_id") or idempotency_key)

    def add_note(self, ticket: str, body: str) -> None:
        return None

    def add_tags(self, ticket: str, tags: list[str]) -> None:
        return None

    def set_priority(self, ticket: str, priority: str) -> None:
        return None

    def fetch_changes(
        self, checkpoint: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The built-in helpdesk is the database: there is nothing to pull."""
        return [], checkpoint
