"""Tickets as the fairness statistics see them: durations, censoring, exposure, strata."""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from watcher.errors import InputError
from watcher.formats.values import timestamp
from watcher.models import Complaint, Match, Post, Ticket
from watcher.tickets.actions import ticket_severity

HOUR = 3600.0


@dataclass
class Cohort:
    first_response: pd.DataFrame
    resolution: pd.DataFrame
    tickets: int
    loud_tickets: int
    data_sha256: str


def public_since(session: Session, *, strict_score: float | None = None) -> dict[int, datetime]:
    """Ticket id -> publication time of its first linked public complaint.

    Links are machine links (decision linked, or an auto match) and confirmed
    matches; with `strict_score`, machine links below it are left out.
    """
    since: dict[int, datetime] = {}

    def note(ticket_id: int | None, published: datetime | None) -> None:
        if ticket_id is not None and published is not None:
            since[ticket_id] = min(published, since.get(ticket_id, published))

    decided = (
        select(Complaint.decision_ticket_id, Post.published_at, Complaint.decision_score)
        .join(Post, Complaint.post_id == Post.id)
        .where(Complaint.decision == "linked")
    )
    for ticket_id, published, score in session.execute(decided):
        if strict_score is None or (score is not None and score >= strict_score):
            note(ticket_id, published)
    matches = (
        select(Match.ticket_id, Post.published_at, Match.status, Match.score)
        .join(Complaint, Match.complaint_id == Complaint.id)
        .join(Post, Complaint.post_id == Post.id)
        .where(Match.status.in_(("auto", "confirmed")))
    )
    for ticket_id, published, status, score in session.execute(matches):
        if status == "confirmed" or strict_score is None or score >= strict_score:
            note(ticket_id, published)
    return since


def read_exposure(path: Path, by_external: dict[str, int]) -> dict[int, datetime]:
    """An auditor's own list: CSV `ticket_id, loud_since`."""
    exposure: dict[int, datetime] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"ticket_id", "loud_since"} <= set(reader.fieldnames):
                raise InputError(f"{path}: needs the columns ticket_id and loud_since")
            for number, row in enumerate(reader, start=2):
                ticket = by_external.get(row["ticket_id"].strip())
                if ticket is None:
                    continue
                try:
                    moment = timestamp(row["loud_since"], "loud_since", UTC)
                except ValueError as exc:
                    raise InputError(f"{path}:{number}: {exc}") from exc
                if moment is not None:
                    exposure[ticket] = moment
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    return exposure


def build_cohort(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    strata: tuple[str, ...],
    exposure: dict[int, datetime] | None = None,
    strict_score: float | None = None,
) -> Cohort:
    tickets = session.scalars(
        select(Ticket)
        .where(Ticket.created_at >= since, Ticket.created_at < until)
        .order_by(Ticket.id)
    ).all()
    loud = exposure if exposure is not None else public_since(session, strict_score=strict_score)
    rows_first: list[dict[str, object]] = []
    rows_solved: list[dict[str, object]] = []
    digest = hashlib.sha256()
    for t in tickets:
        values = {
            "category": t.category or "unknown",
            "severity": ticket_severity(t) or "none",
            "tier": t.customer_tier or "standard",
        }
        stratum = "|".join(values[k] for k in strata)
        loud_at = (
            (loud[t.id] - t.created_at).total_seconds() / HOUR if t.id in loud else float("nan")
        )
        compensated = bool(t.compensation and t.compensation > 0)
        for rows, done in ((rows_first, t.first_response_at), (rows_solved, t.solved_at)):
            end = done if done is not None and done <= until else until
            rows.append({
                "id": t.id, "stratum": stratum, "event": int(done is not None and done <= until),
                "duration": max((end - t.created_at).total_seconds() / HOUR, 1e-6),
                "loud_at": loud_at, "compensated": compensated,
            })  # fmt: skip
        fingerprint = [t.external_id, t.created_at.isoformat(), str(t.first_response_at)]
        fingerprint += [str(t.solved_at), stratum, str(t.compensation), str(loud.get(t.id))]
        digest.update(json.dumps(fingerprint).encode())
    return Cohort(
        pd.DataFrame(
            rows_first, columns=["id", "stratum", "event", "duration", "loud_at", "compensated"]
        ),
        pd.DataFrame(
            rows_solved, columns=["id", "stratum", "event", "duration", "loud_at", "compensated"]
        ),
        tickets=len(tickets),
        loud_tickets=sum(1 for t in tickets if t.id in loud),
        data_sha256=digest.hexdigest(),
    )
