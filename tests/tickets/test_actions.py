"""Acting on decisions: notes and tags, priority by policy, quiet twins, new tickets, no repeats."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watcher.config import load_config
from watcher.formats.posts import parse_post
from watcher.formats.tickets import parse_ticket
from watcher.models import AuditEvent, Complaint, Post, Ticket, TicketEvent
from watcher.posts import store_posts
from watcher.tickets.actions import PUBLIC_TAG, act_on_complaints
from watcher.tickets.store import import_tickets

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
CONFIG = load_config(None)


def _ticket(id_: str, created: str, description: str, **cells: Any) -> Any:
    row = {
        "id": id_, "subject": "Brak internetu", "description": description, "status": "open",
        "category": "outage", "created_at": created, "customer_tier": "standard",
        "first_response_at": created.replace("T08", "T12"),
    } | cells  # fmt: skip
    return parse_ticket(row, UTC)


def _seed(session: Session, *, followers: int = 50_000) -> Complaint:
    import_tickets(
        session,
        [
            _ticket(
                "NT-1", "2026-11-14T08:00:00Z", "Brak internetu, ul. Kalwaryjska 41, biuro stoi.",
                customer_tier="business", requester_name="Loud",
            ),
            _ticket("NT-2", "2026-11-13T08:00:00Z", "Od 13.11 nie działa, Kalwaryjska 37."),
            # Opened after the loud ticket: not a twin.
            _ticket("NT-3", "2026-11-14T08:30:00Z", "Internet leży na Kalwaryjskiej 45"),
            _ticket("NT-4", "2026-11-12T08:00:00Z", "Faktura zawyżona", category="billing"),
            _ticket("NT-5", "2026-11-12T08:00:00Z", "Brak internetu, ul. Polna 3, Poznań."),
        ],
    )  # fmt: skip
    store_posts(
        session,
        [parse_post({
            "source": "blog", "external_id": "b1", "url": "https://blog.example.pl/netia",
            "author": "Loud", "author_followers": followers, "published_at": "2026-11-20T08:00:00Z",
            "text": "Netia: od tygodnia bez internetu, biuro stoi",
        })],
    )  # fmt: skip
    session.flush()
    post = session.scalar(select(Post))
    ticket = session.scalar(select(Ticket).where(Ticket.external_id == "NT-1"))
    assert post and ticket
    complaint = Complaint(
        post_id=post.id, is_complaint=True, about_brand=True, confidence=0.9, category="outage",
        severity="business_down", identifiers={}, loudness=80.0, loudness_tier="loud",
        decision="linked", decision_ticket_id=ticket.id, decision_score=9.0,
        decision_evidence=[{"feature": "prior", "level": "candidate", "weight": -3.6},
                           {"feature": "identity", "level": "exact", "weight": 8.2}],
        decided_by="watcher",
    )  # fmt: skip
    session.add(complaint)
    session.flush()
    return complaint


def _priority(session: Session, external_id: str) -> str:
    ticket = session.scalar(select(Ticket).where(Ticket.external_id == external_id))
    assert ticket is not None
    return ticket.current_priority or ticket.priority or "normal"


def test_linked_complaint_notes_tags_and_raises_by_policy(session: Session) -> None:
    _seed(session)
    [result] = act_on_complaints(session, CONFIG, now=NOW)
    assert result.raised and result.ticket is not None
    ticket = result.ticket
    assert PUBLIC_TAG in ticket.tags
    assert ticket.current_priority == "urgent"
    assert "business cannot operate" in (ticket.priority_reason or "")
    kinds = set(session.scalars(select(TicketEvent.kind).where(TicketEvent.ticket_id == ticket.id)))
    assert {"public_complaint_linked", "priority_raised"} <= kinds


def test_quiet_twins_are_lifted_by_the_same_rule(session: Session) -> None:
    _seed(session)
    [result] = act_on_complaints(session, CONFIG, now=NOW)
    assert [t.external_id for t in result.twins_lifted] == ["NT-2"]
    twin = result.twins_lifted[0]
    assert "same issue as a publicly reported case (NT-1)" in (twin.priority_reason or "")
    assert _priority(session, "NT-4") == "normal"  # other category
    assert _priority(session, "NT-5") == "normal"  # other street, other words
    assert _priority(session, "NT-3") == "normal"  # opened after the loud ticket


def test_acting_twice_writes_nothing_twice(session: Session) -> None:
    _seed(session)
    act_on_complaints(session, CONFIG, now=NOW)
    counts = [
        session.scalar(select(func.count()).select_from(m)) for m in (TicketEvent, AuditEvent)
    ]
    assert act_on_complaints(session, CONFIG, now=NOW) == []
    assert [
        session.scalar(select(func.count()).select_from(m)) for m in (TicketEvent, AuditEvent)
    ] == counts


def test_reach_does_not_change_the_priority(session: Session) -> None:
    complaint = _seed(session, followers=3)
    complaint.loudness, complaint.loudness_tier = 0.0, "quiet"
    [result] = act_on_complaints(session, CONFIG, now=NOW)
    assert result.ticket is not None and result.ticket.current_priority == "urgent"


def test_new_ticket_is_created_once(session: Session) -> None:
    complaint = _seed(session)
    complaint.decision, complaint.decision_ticket_id = "new_ticket", None
    [result] = act_on_complaints(session, CONFIG, now=NOW)
    assert result.created and result.ticket is not None
    created = result.ticket
    assert created.origin == "watcher" and created.requester_name == "Loud"
    assert "https://blog.example.pl/netia" in (created.description or "")
    assert complaint.decision_ticket_id == created.id
    complaint.acted_at = None  # as if the first run died before recording it
    act_on_complaints(session, CONFIG, now=NOW)
    assert (
        session.scalar(select(func.count()).select_from(Ticket).where(Ticket.origin == "watcher"))
        == 1
    )


def test_review_writes_nothing(session: Session) -> None:
    complaint = _seed(session)
    complaint.decision = "review"
    assert act_on_complaints(session, CONFIG, now=NOW) == []
    assert _priority(session, "NT-1") == "normal"
