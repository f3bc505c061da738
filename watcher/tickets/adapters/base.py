"""The interface every helpdesk adapter offers, and how a delivery fails."""

from __future__ import annotations

from typing import Any, Protocol

from watcher.errors import WatcherError


class HelpdeskError(WatcherError):
    """A change could not be delivered; `retry_after` (seconds) when the helpdesk said when."""

    def __init__(self, message: str, *, retry_after: float | None = None, permanent: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent


class HelpdeskAdapter(Protocol):
    name: str

    def create_ticket(self, payload: dict[str, Any], idempotency_key: str) -> str:
        """Create a ticket; the same key never creates a second one. Returns the helpdesk id."""

    def add_note(self, ticket: str, body: str) -> None: ...

    def add_tags(self, ticket: str, tags: list[str]) -> None: ...

    def set_priority(self, ticket: str, priority: str) -> None: ...

    def fetch_changes(
        self, checkpoint: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Tickets changed since the checkpoint (id, external_id, status, priority,
        updated_at), and the checkpoint to keep for next time."""
