"""Tickets as the fairness statistics see them: durations, censoring, exposure, strata."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Select, String, func, or_, select, type_coerce, union_all
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


def first_public(strict_score: float | None = None) -> Select[int, datetime]:
    """(ticket id, publication time of its first linked public complaint), one row per ticket.

    Links are machine links (decision linked, or an auto match) and confirmed
    matches; with `strict_score`, machine links below it are left out. One
    GROUP BY over the links joined to their posts, for a join or a lookup.
    """
    decided = (
        select(Complaint.decision_ticket_id.label("ticket_id"), Post.published_at.label("at"))
        .join(Post, Complaint.post_id == Post.id)
        .where(Complaint.decision == "linked", Complaint.decision_ticket_id.is_not(None))
    )
    matched = (
        select(Match.ticket_id.label("ticket_id"), Post.published_at.label("at"))
        .join(Complaint, Match.complaint_id == Complaint.id)
        .join(Post, Complaint.post_id == Post.id)
        .where(Match.status.in_(("auto", "confirmed")))
    )
    if strict_score is not None:  # a NULL decision score is no strict link
        decided = decided.where(Complaint.decision_score >= strict_score)
        matched = matched.where(or_(Match.status == "confirmed", Match.score >= strict_score))
    links = union_all(decided, matched).subquery("links")
    return (
        select(links.c.ticket_id, func.min(links.c.at).label("first_public"))
        .where(links.c.at.is_not(None))
        .group_by(links.c.ticket_id)
    )


def public_since(session: Session, *, strict_score: float | None = None) -> dict[int, datetime]:
    """Ticket id -> publication time of its first linked public complaint (see `first_public`)."""
    return {
        ticket_id: at
        for ticket_id, at in session.execute(first_public(strict_score))
        if at is not None
    }


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


COLUMNS = ["id", "stratum", "event", "duration", "loud_at", "compensated", "amount"]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
MISSING = np.iinfo(np.int64).min  # an absent timestamp among microseconds since the epoch
CHUNK = 50_000  # ticket rows fetched and digested at a time


def build_cohort(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    strata: tuple[str, ...],
    exposure: dict[int, datetime] | None = None,
    strict_score: float | None = None,
) -> Cohort:
    """The tickets created in [since, until), loud from their first linked public complaint
    (or from `exposure`, an auditor's list, when given)."""
    loud = exposure if exposure is not None else public_since(session, strict_score=strict_score)
    return build_cohorts(session, since=since, until=until, strata=strata, louds=[loud])[0]


def build_cohorts(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    strata: tuple[str, ...],
    louds: list[dict[int, datetime]],
) -> list[Cohort]:
    """One cohort per exposure in `louds` (ticket id -> loud since), from one read of the tickets.

    Reads only the columns the statistics need, streamed in chunks and turned
    into arrays, runs the text severity once per distinct text, and hashes
    the rows a chunk at a time; the frames, counts and `data_sha256` are those
    of reading every ticket as an ORM object (tests compare the two).
    """
    with_severity = "severity" in strata
    # Timestamps as the driver returns them (SQLite: text, PostgreSQL: datetime), parsed in bulk.
    columns: list[Any] = [
        Ticket.id, Ticket.external_id, *(type_coerce(c, String) for c in TIMES),
        Ticket.category, Ticket.customer_tier, Ticket.compensation,
    ]  # fmt: skip
    if with_severity:
        columns += [
            Ticket.subject, Ticket.description, Ticket.extra["severity"].as_string(),
            Ticket.text_severity,
        ]  # fmt: skip
    query = (
        select(*columns)
        .where(Ticket.created_at >= since, Ticket.created_at < until)
        .order_by(Ticket.id)
        .execution_options(yield_per=CHUNK)
    )
    severity = lru_cache(maxsize=CHUNK)(_severity)
    loud_texts = [{ticket: str(at) for ticket, at in loud.items()} for loud in louds]
    digests = [hashlib.sha256() for _ in louds]
    parts: dict[str, list[np.ndarray]] = {
        k: [] for k in ("id", *TIME_NAMES, "stratum", "paid", "amount")
    }
    for chunk in session.connection().execute(query).partitions():
        ids, external, created, first, solved, category, tier, compensation, *words = zip(
            *chunk, strict=True
        )
        times = [_microseconds(values) for values in (created, first, solved)]
        values = {
            "category": [c or "unknown" for c in category],
            "tier": [t or "standard" for t in tier],
        }
        if with_severity:
            values["severity"] = [severity(*w) or "none" for w in zip(*words, strict=True)]
        stratum = ["|".join(v) for v in zip(*(values[k] for k in strata), strict=True)]
        # json.dumps([external_id, created.isoformat(), str(first), str(solved), stratum,
        # str(compensation), str(loud since)]) of each ticket, built a column at a time.
        head = (
            '["' + _json_inner(external) + '", "' + _text(times[0], "T") + '", "'
            + _text(times[1], " ") + '", "' + _text(times[2], " ") + '", "'
            + _json_inner(stratum) + '", "' + np.array([str(c) for c in compensation], object)
            + '", "'
        )  # fmt: skip
        for digest, texts in zip(digests, loud_texts, strict=True):
            tails = np.array([texts.get(i, "None") for i in ids], dtype=object) + '"]'
            digest.update("".join((head + tails).tolist()).encode())
        parts["id"].append(np.array(ids, dtype=np.int64))
        for name, stamps in zip(TIME_NAMES, times, strict=True):
            parts[name].append(stamps)
        parts["stratum"].append(np.array(stratum, dtype=object))
        parts["paid"].append(np.array([bool(c and c > 0) for c in compensation], dtype=bool))
        parts["amount"].append(
            np.array([float(c) if c and c > 0 else np.nan for c in compensation], dtype=float)
        )
    data = {
        name: np.concatenate(chunks) if chunks else np.array([], dtype=DTYPES[name])
        for name, chunks in parts.items()
    }
    created_us = data["created"]
    until_us = (until - EPOCH) // MICROSECOND
    outcomes = []
    for name in ("first", "solved"):
        done = data[name]
        event = (done != MISSING) & (done <= until_us)
        end = np.where(event, done, until_us)
        # As timedelta.total_seconds() / HOUR: exact microseconds, divided twice.
        hours = np.maximum((end - created_us) / 1e6 / HOUR, 1e-6)
        outcomes.append((event.astype(np.int64), hours))
    cohorts = []
    for loud, digest in zip(louds, digests, strict=True):
        at = {ticket: (moment - EPOCH) // MICROSECOND for ticket, moment in loud.items()}
        loud_us = np.array([at.get(i, MISSING) for i in data["id"].tolist()], dtype=np.int64)
        is_loud = loud_us != MISSING
        loud_at = np.where(is_loud, (loud_us - created_us) / 1e6 / HOUR, np.nan)
        shared = {"id": data["id"], "stratum": data["stratum"], "loud_at": loud_at,
                  "compensated": data["paid"], "amount": data["amount"]}  # fmt: skip
        frames = [
            pd.DataFrame({**shared, "event": event, "duration": hours}, columns=COLUMNS)
            for event, hours in outcomes
        ]
        sha = digest.hexdigest()
        cohorts.append(Cohort(frames[0], frames[1], len(created_us), int(is_loud.sum()), sha))
    return cohorts


TIMES = (Ticket.created_at, Ticket.first_response_at, Ticket.solved_at)
TIME_NAMES = ("created", "first", "solved")
DTYPES = {"id": np.int64, "created": np.int64, "first": np.int64, "solved": np.int64,
          "stratum": object, "paid": bool, "amount": float}  # fmt: skip


def _microseconds(values: tuple[Any, ...]) -> np.ndarray:
    """Microseconds since the epoch (MISSING for NULL) of timestamps as the driver gave them:
    naive UTC text from SQLite (as `UTCDateTime` stores it), datetimes from PostgreSQL."""
    if any(isinstance(v, datetime) for v in values):
        return np.array(
            [MISSING if v is None else (v - EPOCH) // MICROSECOND for v in values], dtype=np.int64
        )
    text = ["NaT" if v is None else v for v in values]
    return np.array(text, dtype="datetime64[us]").astype(np.int64)  # NaT is MISSING


def _text(stamps: np.ndarray, sep: str) -> np.ndarray:
    """`str()` (sep " ") or `.isoformat()` (sep "T") of UTC datetimes; "None" where MISSING."""
    full = np.datetime_as_string(stamps.astype("datetime64[us]"), unit="us").astype("U26")
    full.view("U1").reshape(len(full), 26)[:, 10] = sep
    whole = stamps % 1_000_000 == 0  # no fraction printed
    out = np.where(whole, full.astype("U19"), full).astype(object) + "+00:00"
    out[stamps == MISSING] = "None"
    return np.asarray(out, dtype=object)


def _json_inner(strings: Sequence[str]) -> np.ndarray:
    """Each string as `json.dumps` writes it, without the quotes (a quote inside is escaped,
    so the encoded list splits exactly at its separators)."""
    if not strings:
        return np.array([], dtype=object)
    return np.array(json.dumps(list(strings))[2:-2].split('", "'), dtype=object)


def _severity(
    subject: str, description: str | None, stored: object, words: str | None
) -> str | None:
    """`ticket_severity` of a ticket with these words, `extra["severity"]` and the severity
    found in its words on import (read again only for rows from before that)."""
    extra = {} if stored is None else {"severity": stored}
    ticket = Ticket(subject=subject, description=description, extra=extra, text_severity=words)
    return ticket_severity(ticket)
