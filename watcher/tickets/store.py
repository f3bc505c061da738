"""Storing imported tickets (idempotent upsert by id) and exporting them.

Built for exports of 100,000 tickets: existing rows are read in chunks and
written with bulk statements, never one query per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from watcher.formats.tickets import TicketRecord
from watcher.formats.values import iso
from watcher.identities import NORMALISERS, identity_hash
from watcher.models import AuditEvent, Customer, Identity, Match, Ticket, TicketEvent, utcnow
from watcher.understanding.severity import text_severity

CHUNK = 500
T = TypeVar("T")

# Changes to these fields are events the fairness report reads.
TRACKED = ("status", "priority", "first_response_at", "solved_at", "compensation", "category")


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    customers_created: int = 0
    notes: list[str] = field(default_factory=list)


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def customer_key(record: TicketRecord) -> str:
    """The customer a ticket belongs to: its customer_id, else its requester's contact."""
    if record.customer_id:
        return record.customer_id
    if record.requester_email:
        return "email:" + NORMALISERS["email"](record.requester_email)
    # A phone cell such as 'brak' or 'n/a' normalises to nothing and names no one.
    phone = NORMALISERS["phone"](record.requester_phone or "")
    if phone:
        return "phone:" + phone
    return "ticket:" + record.id


def _identities(record: TicketRecord) -> Iterator[tuple[str, str | None, str]]:
    """(kind, platform, normalised value) for every identity a ticket row names."""
    if record.requester_email:
        yield "email", None, NORMALISERS["email"](record.requester_email)
    if record.requester_phone and NORMALISERS["phone"](record.requester_phone):
        yield "phone", None, NORMALISERS["phone"](record.requester_phone)
    if record.requester_name:
        yield "name", None, NORMALISERS["name"](record.requester_name)
    for platform, handle in record.handles():
        yield "handle", platform, NORMALISERS["handle"](handle)


def _ticket_values(record: TicketRecord) -> dict[str, Any]:
    return {
        "external_id": record.id,
        "subject": record.subject,
        "description": record.description,
        "status": record.status,
        "priority": record.priority,
        "category": record.category,
        "requester_name": record.requester_name,
        "requester_email": record.requester_email,
        "requester_phone": record.requester_phone,
        "requester_handles": record.requester_handles,
        "customer_tier": record.customer_tier,
        "created_at": record.created_at,
        "first_response_at": record.first_response_at,
        "solved_at": record.solved_at,
        "channel": record.channel,
        "compensation": record.compensation,
        "tags": list(record.tags),
        "extra": record.extra,
        "content_hash": record.content_hash(),
    }


def _upsert_customers(
    session: Session, records: Sequence[TicketRecord], summary: ImportSummary
) -> dict[str, int]:
    """Customer id per customer key, creating customers and identities as needed."""
    latest: dict[str, TicketRecord] = {}
    for record in sorted(records, key=lambda r: r.created_at):
        latest[customer_key(record)] = record
    keys = list(latest)
    ids: dict[str, int] = {}
    known: dict[str, tuple[str | None, str | None]] = {}
    for keys_ in _chunks(keys):
        for cid, ext, name, tier in session.execute(
            select(Customer.id, Customer.key, Customer.name, Customer.tier).where(
                Customer.key.in_(keys_)
            )
        ):
            ids[ext] = cid
            known[ext] = (name, tier)

    missing = [
        {
            "key": k,
            "external_id": latest[k].customer_id,
            "name": latest[k].requester_name,
            "tier": latest[k].customer_tier,
        }
        for k in keys
        if k not in ids
    ]
    for rows_ in _chunks(missing):
        for cid, ext in session.execute(
            insert(Customer)
            .execution_options(render_nulls=True)
            .returning(Customer.id, Customer.key),
            list(rows_),
        ):
            ids[ext] = cid
    summary.customers_created += len(missing)

    changed = [
        {
            "id": ids[k],
            "name": latest[k].requester_name or name,
            "tier": latest[k].customer_tier or tier,
        }
        for k, (name, tier) in known.items()
        if (latest[k].requester_name or name, latest[k].customer_tier or tier) != (name, tier)
    ]
    if changed:
        session.execute(update(Customer), changed)

    wanted: dict[tuple[int, str, str], dict[str, Any]] = {}
    for record in records:
        customer_id = ids[customer_key(record)]
        for kind, platform, value in _identities(record):
            digest = identity_hash(kind, value, platform)
            wanted[(customer_id, kind, digest)] = {
                "customer_id": customer_id,
                "kind": kind,
                "platform": platform,
                "value": value,
                "value_hash": digest,
            }
    have: set[tuple[int, str, str]] = set()
    for ids_ in _chunks(sorted({key[0] for key in wanted})):
        have.update(
            (customer_id, kind, digest)
            for customer_id, kind, digest in session.execute(
                select(Identity.customer_id, Identity.kind, Identity.value_hash).where(
                    Identity.customer_id.in_(ids_)
                )
            )
        )
    new = [row for key, row in wanted.items() if key not in have]
    for rows_ in _chunks(new):
        session.execute(insert(Identity).execution_options(render_nulls=True), list(rows_))
    return ids


def import_tickets(
    session: Session,
    records: Sequence[TicketRecord],
    *,
    actor: str = "import",
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Upsert tickets by id; the same file twice changes nothing."""
    summary = ImportSummary()
    customer_ids = _upsert_customers(session, records, summary)
    now = utcnow()

    existing: dict[str, dict[str, Any]] = {}
    columns = [Ticket.id, Ticket.external_id, Ticket.content_hash, Ticket.current_priority]
    columns += [getattr(Ticket, name) for name in TRACKED]
    for keys_ in _chunks([r.id for r in records]):
        for row in session.execute(select(*columns).where(Ticket.external_id.in_(keys_))):
            existing[row.external_id] = row._asdict()

    new_rows: list[dict[str, Any]] = []
    changed_rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for record in records:
        values = _ticket_values(record)
        values["customer_id"] = customer_ids[customer_key(record)]
        old = existing.get(record.id)
        if old is None or old["content_hash"] != values["content_hash"]:
            values["text_severity"] = text_severity(values["subject"], values["description"])
        if old is None:
            values.update(
                current_priority=record.priority, origin="imported", imported_at=now, updated_at=now
            )
            new_rows.append(values)
        elif old["content_hash"] == values["content_hash"]:
            summary.unchanged += 1
        else:
            diff = {
                name: [_plain(old[name]), _plain(values[name])]
                for name in TRACKED
                if old[name] != values[name]
            }
            values.update(id=old["id"], updated_at=now)
            if "priority" in diff:  # a person changed it in the helpdesk: that is the truth now
                values["current_priority"] = record.priority
            changed_rows.append(values)
            events.append(
                {
                    "ticket_id": old["id"],
                    "at": now,
                    "kind": "updated",
                    "actor": actor,
                    "reason": "newer export",
                    "data": diff,
                }
            )
        if progress:
            progress(1)

    for rows_ in _chunks(new_rows):
        for (ticket_id,) in session.execute(
            insert(Ticket).execution_options(render_nulls=True).returning(Ticket.id), list(rows_)
        ):
            events.append(
                {
                    "ticket_id": ticket_id,
                    "at": now,
                    "kind": "imported",
                    "actor": actor,
                    "reason": None,
                    "data": {},
                }
            )
    for rows_ in _chunks(changed_rows):
        session.execute(update(Ticket), list(rows_))
    for rows_ in _chunks(events):
        session.execute(insert(TicketEvent).execution_options(render_nulls=True), list(rows_))

    summary.created, summary.updated = len(new_rows), len(changed_rows)
    session.add(
        AuditEvent(
            actor=actor,
            action="tickets.import",
            subject_type="ticket",
            details={
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
            },
        )
    )
    return summary


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    return None if value is None else str(value)


def export_rows(session: Session, *, batch: int = 1000) -> Iterator[dict[str, Any]]:
    """Tickets in the interchange format plus watcher's own columns, oldest first."""
    linked = set(
        session.scalars(
            select(Match.ticket_id).where(Match.status.in_(("auto", "confirmed"))).distinct()
        )
    )
    query = select(Ticket).order_by(Ticket.created_at, Ticket.id).execution_options(yield_per=batch)
    for ticket in session.scalars(query):
        row: dict[str, Any] = {
            "id": ticket.external_id,
            "subject": ticket.subject,
            "description": ticket.description,
            "status": ticket.status,
            "priority": ticket.priority,
            "category": ticket.category,
            "customer_id": ticket.customer.external_id if ticket.customer else None,
            "requester_name": ticket.requester_name,
            "requester_email": ticket.requester_email,
            "requester_phone": ticket.requester_phone,
            "requester_handles": ticket.requester_handles,
            "customer_tier": ticket.customer_tier,
            "created_at": iso(ticket.created_at),
            "first_response_at": iso(ticket.first_response_at) or None,
            "solved_at": iso(ticket.solved_at) or None,
            "channel": ticket.channel,
            "compensation": None if ticket.compensation is None else str(ticket.compensation),
            "tags": ";".join(ticket.tags),
            "current_priority": ticket.current_priority,
            "public_complaint": ticket.id in linked,
            "priority_reason": ticket.priority_reason,
        }
        row.update(ticket.extra)
        yield row


def extra_keys(session: Session) -> Iterable[str]:
    """Every metadata key any ticket carries, for the CSV header."""
    keys: set[str] = set()
    for extra in session.scalars(select(Ticket.extra)):
        keys.update(extra)
    return keys
