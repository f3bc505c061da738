"""The Tickets interchange format (DESIGN.md): CSV with a header, or JSONL."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from watcher.errors import InputError
from watcher.formats import values
from watcher.formats.files import decode, detect_format, iter_jsonl, open_csv, read_bytes
from watcher.models import CHANNELS, PRIORITIES, TICKET_STATUSES, TIERS

COLUMNS = (
    "id", "subject", "description", "status", "priority", "category", "customer_id",
    "requester_name", "requester_email", "requester_phone", "requester_handles",
    "customer_tier", "created_at", "first_response_at", "solved_at", "channel",
    "compensation", "tags",
)  # fmt: skip
REQUIRED = ("id", "subject", "status", "created_at")
# Columns watcher adds on export; ignored on import so that an export round-trips.
WATCHER_COLUMNS = ("current_priority", "public_complaint", "priority_reason")
_BETWEEN_HANDLES = re.compile(r"[\s,]+")


@dataclass(frozen=True)
class TicketRecord:
    """One valid ticket row, with values parsed and timestamps in UTC."""

    id: str
    subject: str
    status: str
    created_at: datetime
    description: str | None = None
    priority: str | None = None
    category: str | None = None
    customer_id: str | None = None
    requester_name: str | None = None
    requester_email: str | None = None
    requester_phone: str | None = None
    requester_handles: str | None = None
    customer_tier: str | None = None
    first_response_at: datetime | None = None
    solved_at: datetime | None = None
    channel: str | None = None
    compensation: Decimal | None = None
    tags: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def content_hash(self) -> str:
        """Fingerprint of everything the export says, to tell unchanged rows apart."""
        # A shallow dict: asdict() deep-copies and costs a third of a bulk import.
        payload_fields = {f.name: getattr(self, f.name) for f in fields(self)}
        if self.compensation is not None:
            # '12,5' read and '12.50' exported (the database keeps cents) are one amount.
            payload_fields["compensation"] = format(self.compensation.normalize(), "f")
        payload = json.dumps(payload_fields, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()

    def handles(self) -> list[tuple[str | None, str]]:
        """requester_handles 'platform:handle;...' as (platform, handle) pairs."""
        pairs: list[tuple[str | None, str]] = []
        for item in values.split_list(self.requester_handles):
            platform, sep, handle = item.partition(":")
            if sep and handle.strip():
                pairs.append((platform.strip().lower() or None, handle.strip()))
            elif not sep:
                pairs.append((None, item))
        return pairs


def _handle_items(value: Any) -> list[str]:
    """'platform:handle;...' items; spaces or commas between them are read as ';' too
    ("twitter:ania_k reddit:anka_k"), since no platform allows either in a handle."""
    return [
        item for part in values.split_list(value) for item in _BETWEEN_HANDLES.split(part) if item
    ]


@dataclass(frozen=True)
class RowIssue:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ReadResult:
    """Valid records (the last row wins for an id seen twice) and what was wrong."""

    records: list[TicketRecord]
    invalid: list[RowIssue]
    duplicates: list[RowIssue]
    rows: int


def parse_ticket(row: dict[str, Any], default_tz: tzinfo) -> TicketRecord:
    """A validated record from one row; ValueError says which cell is wrong."""
    ticket_id = values.text(row.get("id"))
    if not ticket_id:
        raise ValueError("id is empty")
    status = values.choice(row.get("status"), TICKET_STATUSES, "status")
    if status is None:
        raise ValueError("status is empty")
    created_at = values.timestamp(row.get("created_at"), "created_at", default_tz)
    if created_at is None:
        raise ValueError("created_at is empty")
    known = set(COLUMNS) | set(WATCHER_COLUMNS)
    extra = {
        key: value
        for key, value in row.items()
        if key not in known and key and value not in (None, "")
    }
    tags = values.split_list(row.get("tags"))
    return TicketRecord(
        id=ticket_id,
        subject=values.text(row.get("subject")),
        status=status,
        created_at=created_at,
        description=values.optional(row.get("description")),
        priority=values.choice(row.get("priority"), PRIORITIES, "priority"),
        category=values.optional(row.get("category")),
        customer_id=values.optional(row.get("customer_id")),
        requester_name=values.optional(row.get("requester_name")),
        requester_email=values.optional(row.get("requester_email")),
        requester_phone=values.optional(row.get("requester_phone")),
        requester_handles=";".join(_handle_items(row.get("requester_handles"))) or None,
        customer_tier=values.choice(row.get("customer_tier"), TIERS, "customer_tier"),
        first_response_at=values.timestamp(
            row.get("first_response_at"), "first_response_at", default_tz
        ),
        solved_at=values.timestamp(row.get("solved_at"), "solved_at", default_tz),
        channel=values.choice(row.get("channel"), CHANNELS, "channel"),
        compensation=values.decimal(row.get("compensation"), "compensation"),
        tags=tuple(tags),
        extra=extra,
    )


def read_tickets(
    path: Path,
    *,
    default_tz: tzinfo,
    fmt: str | None = None,
    encoding: str | None = None,
    on_row: Callable[[int], None] | None = None,
) -> ReadResult:
    """Read and validate a whole tickets file; raises only if nothing can be read."""
    kind = detect_format(path, fmt)
    text = decode(read_bytes(path), encoding, where=str(path))
    rows: Iterator[tuple[int, dict[str, Any] | str]]
    if kind == "csv":
        header, rows = open_csv(text, where=str(path))
        missing = [column for column in REQUIRED if column not in header]
        if missing:
            raise InputError(
                f"{path}: missing required column(s) {', '.join(missing)}; "
                f"the header has: {', '.join(header) or '(nothing)'}"
            )
    else:
        rows = iter_jsonl(text, where=str(path))

    by_id: dict[str, tuple[int, TicketRecord]] = {}
    invalid: list[RowIssue] = []
    duplicates: list[RowIssue] = []
    count = 0
    for line, row in rows:
        count += 1
        if on_row:
            on_row(line)
        if isinstance(row, str):
            invalid.append(RowIssue(line, row))
            continue
        missing = [column for column in REQUIRED if column not in row]
        if missing:
            invalid.append(RowIssue(line, f"missing required key(s) {', '.join(missing)}"))
            continue
        try:
            record = parse_ticket(row, default_tz)
        except ValueError as exc:
            invalid.append(RowIssue(line, str(exc)))
            continue
        if record.id in by_id:
            first = by_id[record.id][0]
            duplicates.append(
                RowIssue(line, f"id {record.id!r} also on line {first}; the later row wins")
            )
            del by_id[record.id]  # re-inserted below, so the order follows the last row
        by_id[record.id] = (line, record)
    return ReadResult([record for _, record in by_id.values()], invalid, duplicates, count)


def export_columns(extra_keys: Iterable[str]) -> list[str]:
    return [*COLUMNS, *WATCHER_COLUMNS, *sorted(set(extra_keys))]


def write_tickets(rows: Iterable[dict[str, Any]], out: TextIO, fmt: str, columns: list[str]) -> int:
    """Write ticket rows (as built by the exporter) as CSV or JSONL; returns the count."""
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
            count += 1
    else:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
            count += 1
    return count
