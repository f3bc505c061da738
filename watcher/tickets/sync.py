"""`watcher tickets sync`: pull ticket changes from the helpdesk so statuses stay current.

Only what the helpdesk owns changes here (status, priority, solved time); the
fairness report reads them. A priority a person set in the helpdesk becomes
the ticket's priority, and the policy never lowers it. The cursor of the
helpdesk's incremental export is kept on a source row named after the
helpdesk, so each sync continues where the last one stopped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watcher.models import Source, Ticket, TicketEvent
from watcher.tickets.adapters.base import HelpdeskAdapter

STATUS = {"hold": "on_hold", "new": "new", "open": "open", "pending": "pending",
          "solved": "solved", "closed": "closed"}  # fmt: skip


@dataclass
class SyncResult:
    seen: int = 0
    updated: int = 0
    unknown: int = 0


def apply_changes(session: Session, changes: list[dict[str, Any]], now: datetime) -> SyncResult:
    """Update local tickets from the helpdesk's view of them; an event per change."""
    result = SyncResult()
    for change in changes:
        result.seen += 1
        keys = [str(change.get("id")), str(change.get("external_id") or "")]
        ticket = session.scalar(select(Ticket).where(Ticket.external_id.in_(keys)))
        if ticket is None:  # a ticket watcher created: the helpdesk's id is kept in extra
            ticket = next(
                (t for t in session.scalars(select(Ticket).where(Ticket.origin == "watcher"))
                 if (t.extra or {}).get("helpdesk_id") == keys[0]),
                None,
            )  # fmt: skip
        if ticket is None:
            result.unknown += 1
            continue
        status = STATUS.get(str(change.get("status")), ticket.status)
        priority = change.get("priority") or ticket.priority
        before = {"status": ticket.status, "priority": ticket.current_priority or ticket.priority}
        if (status, priority) == (before["status"], before["priority"]):
            continue
        if status in ("solved", "closed") and ticket.solved_at is None:
            updated = change.get("updated_at")
            ticket.solved_at = (
                datetime.fromisoformat(updated.replace("Z", "+00:00")) if updated else now
            )
        ticket.status = status
        ticket.priority = ticket.current_priority = priority
        ticket.updated_at = now
        after = {"status": status, "priority": priority}
        session.add(
            TicketEvent(ticket=ticket, at=now, kind="helpdesk_sync", actor="helpdesk",
                        reason="changed in the helpdesk", data={"from": before, "to": after})
        )  # fmt: skip
        result.updated += 1
    session.flush()
    return result


def sync_tickets(
    session: Session, adapter: HelpdeskAdapter, *, now: datetime | None = None
) -> SyncResult:
    now = now or datetime.now(UTC)
    name = f"helpdesk:{adapter.name}"
    row = session.scalar(select(Source).where(Source.name == name))
    if row is None:
        row = Source(name=name, type="helpdesk")
        session.add(row)
        session.flush()
    changes, checkpoint = adapter.fetch_changes(dict(row.checkpoint or {}))
    result = apply_changes(session, changes, now)
    row.checkpoint, row.last_run_at, row.last_success_at = checkpoint, now, now
    return result
