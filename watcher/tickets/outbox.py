"""The outbox: helpdesk changes written with the decision, delivered with retries, once each."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from watcher.models import OutboxItem, Ticket
from watcher.tickets.adapters.base import HelpdeskAdapter, HelpdeskError

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)


def enqueue(
    session: Session, kind: str, ticket: Ticket, payload: dict[str, Any], key: str
) -> OutboxItem | None:
    """Record a change to deliver; the same key twice records it once."""
    if session.scalar(select(OutboxItem.id).where(OutboxItem.idempotency_key == key)) is not None:
        return None
    item = OutboxItem(kind=kind, ticket=ticket, idempotency_key=key, payload=payload)
    session.add(item)
    return item


@dataclass
class DeliveryResult:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _apply(adapter: HelpdeskAdapter, item: OutboxItem) -> None:
    payload = item.payload
    # A ticket watcher created is known to the helpdesk by the id it answered with.
    known = (item.ticket.extra or {}).get("helpdesk_id") if item.ticket is not None else None
    target = str(known or payload.get("helpdesk_id") or payload.get("ticket"))
    if item.kind == "create":
        created = adapter.create_ticket(payload, item.idempotency_key)
        if item.ticket is not None and created:
            item.ticket.extra = {**(item.ticket.extra or {}), "helpdesk_id": created}
    elif item.kind == "note":
        adapter.add_note(target, str(payload["body"]))
    elif item.kind == "tags":
        adapter.add_tags(target, list(payload["tags"]))
    elif item.kind == "priority":
        adapter.set_priority(target, str(payload["priority"]))
    else:
        raise HelpdeskError(f"unknown outbox kind {item.kind!r}", permanent=True)


def deliver_outbox(
    session: Session, adapter: HelpdeskAdapter, *, now: datetime | None = None
) -> DeliveryResult:
    """Deliver every due item in order; failures back off exponentially, a 429 waits as told."""
    now = now or datetime.now(UTC)
    result = DeliveryResult()
    due = session.scalars(
        select(OutboxItem)
        .where(
            OutboxItem.status == "pending",
            or_(OutboxItem.next_attempt_at.is_(None), OutboxItem.next_attempt_at <= now),
        )
        .order_by(OutboxItem.id)
    ).all()
    # Changes to a ticket whose creation is not delivered yet wait for it.
    creating = set(
        session.scalars(
            select(OutboxItem.ticket_id).where(
                OutboxItem.kind == "create", OutboxItem.status == "pending"
            )
        )
    )
    for item in due:
        if item.kind != "create" and item.ticket_id in creating:
            continue
        item.attempts += 1
        try:
            _apply(adapter, item)
        except HelpdeskError as exc:
            item.last_error = str(exc)[:1000]
            if exc.permanent or item.attempts >= MAX_ATTEMPTS:
                item.status = "failed"
                result.failed += 1
            else:
                delay = (
                    timedelta(seconds=exc.retry_after)
                    if exc.retry_after
                    else BASE_DELAY * 2 ** (item.attempts - 1)
                )
                item.next_attempt_at = now + delay
                result.retrying += 1
            result.errors.append(f"{item.idempotency_key}: {item.last_error}")
            continue
        item.status, item.sent_at, item.last_error = "delivered", now, None
        if item.kind == "create":
            creating.discard(item.ticket_id)
        result.delivered += 1
    session.flush()
    return result
