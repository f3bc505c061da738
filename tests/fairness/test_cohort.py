"""The cohort's column queries against the ORM reading they replaced, on a seeded database."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from watcher.fairness.cohort import (
    HOUR,
    Cohort,
    build_cohort,
    build_cohorts,
    first_public,
    public_since,
)
from watcher.fairness.report import ReportParams, flags
from watcher.models import Complaint, Match, Post, Source, Ticket, TicketEvent
from watcher.tickets.actions import TWIN_REASON, ticket_severity

T0 = datetime(2026, 6, 1, tzinfo=UTC)
SINCE, UNTIL = T0 + timedelta(days=2), T0 + timedelta(days=40)
STRATA = ("category", "severity", "tier")


# The implementation before the column queries (ORM objects, links merged in Python),
# kept as the reference the new one must reproduce exactly.
def reference_public_since(
    session: Session, *, strict_score: float | None = None
) -> dict[int, datetime]:
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


def reference_cohort(
    session: Session,
    *,
    strata: tuple[str, ...] = STRATA,
    exposure: dict[int, datetime] | None = None,
    strict_score: float | None = None,
) -> Cohort:
    tickets = session.scalars(
        select(Ticket)
        .where(Ticket.created_at >= SINCE, Ticket.created_at < UNTIL)
        .order_by(Ticket.id)
    ).all()
    loud = (
        exposure
        if exposure is not None
        else reference_public_since(session, strict_score=strict_score)
    )
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
            end = done if done is not None and done <= UNTIL else UNTIL
            rows.append({
                "id": t.id, "stratum": stratum, "event": int(done is not None and done <= UNTIL),
                "duration": max((end - t.created_at).total_seconds() / HOUR, 1e-6),
                "loud_at": loud_at, "compensated": compensated,
            })  # fmt: skip
        fingerprint = [t.external_id, t.created_at.isoformat(), str(t.first_response_at)]
        fingerprint += [str(t.solved_at), stratum, str(t.compensation), str(loud.get(t.id))]
        digest.update(json.dumps(fingerprint).encode())
    columns = ["id", "stratum", "event", "duration", "loud_at", "compensated"]
    return Cohort(
        pd.DataFrame(rows_first, columns=columns),
        pd.DataFrame(rows_solved, columns=columns),
        tickets=len(tickets),
        loud_tickets=sum(1 for t in tickets if t.id in loud),
        data_sha256=digest.hexdigest(),
    )


def reference_flags(session: Session, params: ReportParams) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    loud = reference_public_since(session)
    for event, external_id in session.execute(
        select(TicketEvent, Ticket.external_id).join(Ticket).where(
            TicketEvent.kind == "priority_raised", TicketEvent.ticket_id.in_(loud)
        )
    ):  # fmt: skip
        published = loud[event.ticket_id]
        if (
            event.data.get("policy") is not True
            and published <= event.at <= published + params.flag_window
        ):
            found.append({"kind": "raised_after_public_post_without_policy", "ticket": external_id,
                          "at": event.at.isoformat(), "by": event.actor})  # fmt: skip
    twins = select(Ticket).where(
        Ticket.priority_reason.contains(TWIN_REASON), Ticket.solved_at.is_(None)
    )
    for ticket in session.scalars(twins):
        loud_id = (ticket.priority_reason or "").split(f"{TWIN_REASON} (", 1)[-1].split(")", 1)[0]
        loud_twin = session.scalar(select(Ticket).where(Ticket.external_id == loud_id))
        if loud_twin is None or loud_twin.solved_at is None:
            continue
        waited = params.until - ticket.created_at
        if waited > loud_twin.solved_at - loud_twin.created_at:
            found.append({"kind": "quiet_twin_waiting_longer_than_its_loud_twin",
                          "ticket": ticket.external_id, "loud_twin": loud_id,
                          "waited_hours": round(waited.total_seconds() / 3600, 1)})  # fmt: skip
    complaints = session.scalars(
        select(Complaint).where(Complaint.is_complaint.is_(True), Complaint.about_brand.is_(True))
    ).all()
    if complaints:
        prioritised = sum(
            1 for c in complaints if c.acted_at is not None or c.decision == "duplicate"
        )
        found.append({"kind": "share_of_public_complaints_properly_ticketed",
                      "value": round(prioritised / len(complaints), 3),
                      "complaints": len(complaints)})  # fmt: skip
    return found


SUBJECTS = [
    "Brak internetu", "Iskrzy gniazdko przy liczniku", "Charged twice for March",
    "Firma stoi, nie moge wystawic faktur", "Mama (84 lata) ma teleopieke", "Pytanie o umowe",
    "Nie działa od 5 dni", "Zawyżony rachunek",
]  # fmt: skip
DESCRIPTIONS = [None, "", "Proszę o kontakt.", "No service for 2 weeks now", "Dym z szafki"]
CATEGORIES = [None, "outage", "billing", 'Usługi "premium" ą', "<script>x</script>"]


def _seed(session: Session, n: int = 400, seed: int = 11) -> None:
    rng = random.Random(seed)
    source = Source(name="blog", type="blog")
    session.add(source)
    session.flush()
    tickets: list[Ticket] = []
    for i in range(n):
        created = T0 + timedelta(hours=rng.uniform(0, 24 * 45), microseconds=rng.choice([0, 7]))
        created = created.replace(microsecond=0) if i % 3 else created
        first = created + timedelta(hours=rng.choice([0.0, 0.5, 3.0, 24 * 20]))
        solved = created + timedelta(hours=rng.uniform(0, 24 * 30))
        extra: dict[str, Any] = rng.choice(
            [{}, {"severity": "vulnerable"}, {"severity": 3}, {"severity": None}, {"x": 1}]
        )
        ticket = Ticket(
            external_id=f"T-{i}" if i % 7 else f"Ż-{i}\"", subject=rng.choice(SUBJECTS),
            description=rng.choice(DESCRIPTIONS), status="open", category=rng.choice(CATEGORIES),
            customer_tier=rng.choice([None, "standard", "premium"]),
            created_at=created, first_response_at=first if i % 5 else None,
            solved_at=solved if i % 4 else None, extra=extra, content_hash="x",
            compensation=rng.choice([None, Decimal("0"), Decimal("12.50"), Decimal("-1.00")]),
        )  # fmt: skip
        if i % 50 == 3:
            ticket.priority_reason = f"{TWIN_REASON} (T-{i - 2})"
            ticket.solved_at = None
        tickets.append(ticket)
    session.add_all(tickets)
    session.flush()
    for j in range(n // 2):
        ticket = rng.choice(tickets)
        published = ticket.created_at + timedelta(hours=rng.uniform(-5, 24 * 10))
        post = Post(
            source_id=source.id, external_id=f"p{j}", text="!", content_hash="x",
            published_at=None if j % 17 == 0 else published,
        )  # fmt: skip
        session.add(post)
        session.flush()
        complaint = Complaint(
            post_id=post.id, is_complaint=j % 9 != 0, about_brand=j % 11 != 0, confidence=1,
            decision=rng.choice(["linked", "linked", "review", "duplicate", None]),
            decision_ticket_id=None if j % 13 == 0 else ticket.id,
            decision_score=rng.choice([None, 3.0, 6.0, 9.5]),
            acted_at=published if j % 3 == 0 else None,
        )  # fmt: skip
        session.add(complaint)
        session.flush()
        if j % 2:
            other = rng.choice(tickets)
            score = rng.choice([2.0, 6.0, 8.0])
            status = rng.choice(["auto", "confirmed", "pending_review", "rejected"])
            match = Match(complaint_id=complaint.id, ticket_id=other.id, score=score, status=status)
            session.add(match)
        if j % 4 == 1:
            session.add(
                TicketEvent(ticket_id=ticket.id, kind="priority_raised", actor="agent",
                            at=published + timedelta(hours=rng.choice([-1, 1, 30, 60])),
                            data={"policy": True} if j % 8 == 1 else {})
            )  # fmt: skip
    session.flush()


def _same(new: Cohort, old: Cohort) -> None:
    # The reference predates the amount column: the amount is there exactly when granted.
    for frame, reference in ((new.first_response, old.first_response),
                             (new.resolution, old.resolution)):  # fmt: skip
        pd.testing.assert_frame_equal(frame[reference.columns], reference)
        assert (frame["amount"].notna() == frame["compensated"]).all()
    assert (new.tickets, new.loud_tickets, new.data_sha256) == (
        old.tickets,
        old.loud_tickets,
        old.data_sha256,
    )


@pytest.mark.parametrize("strict_score", [None, 6.0, 9.0])
def test_first_public_complaint_per_ticket_is_the_old_one(
    session: Session, strict_score: float | None
) -> None:
    _seed(session)
    new = public_since(session, strict_score=strict_score)
    assert new == reference_public_since(session, strict_score=strict_score)
    assert len(new) > 20


def test_both_cohorts_from_one_read_equal_the_orm_cohorts(session: Session) -> None:
    _seed(session)
    louds = [public_since(session), public_since(session, strict_score=6.0)]
    cohort, strict = build_cohorts(session, since=SINCE, until=UNTIL, strata=STRATA, louds=louds)
    old = reference_cohort(session)
    _same(cohort, old)
    _same(strict, reference_cohort(session, strict_score=6.0))
    assert 0 < strict.loud_tickets < cohort.loud_tickets < cohort.tickets
    assert cohort.first_response["event"].sum() > 0 and cohort.resolution["event"].sum() > 0
    assert len(set(cohort.resolution["stratum"])) > 10
    _same(build_cohort(session, since=SINCE, until=UNTIL, strata=STRATA), old)


@pytest.mark.parametrize("strata", [("category",), ("tier", "severity")])
def test_other_strata_and_an_exposure_file(session: Session, strata: tuple[str, ...]) -> None:
    _seed(session, 120)
    ids = session.scalars(select(Ticket.id).order_by(Ticket.id)).all()
    exposure = {ids[1]: T0 + timedelta(days=5), ids[8]: T0 + timedelta(days=30, microseconds=3)}
    new = build_cohort(session, since=SINCE, until=UNTIL, strata=strata, exposure=exposure)
    _same(new, reference_cohort(session, strata=strata, exposure=exposure))


def test_the_flags_are_the_old_ones(session: Session) -> None:
    _seed(session)
    params = ReportParams(since=SINCE, until=UNTIL)
    new = flags(session, params)
    kinds = {f["kind"] for f in new}
    assert kinds == {
        "raised_after_public_post_without_policy",
        "quiet_twin_waiting_longer_than_its_loud_twin",
        "share_of_public_complaints_properly_ticketed",
    }
    old = reference_flags(session, params)
    assert sorted(new, key=json.dumps) == sorted(old, key=json.dumps)


def test_first_public_is_one_grouped_query(session: Session) -> None:
    """The link lookup is SQL (one row per ticket), not a loop over every link in Python."""
    _seed(session, 60)
    sql = str(first_public(6.0).compile(session.get_bind()))
    assert "GROUP BY" in sql and "min(" in sql.lower() and "UNION ALL" in sql
    rows = session.execute(first_public()).all()
    assert len(rows) == len({ticket_id for ticket_id, _ in rows})
