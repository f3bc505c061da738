"""Acting on matching decisions in the built-in helpdesk: notes, tags, priority, new tickets.

The same rule that raises the loud customer's ticket raises the quiet
customers with the same problem (quiet twins): open tickets of the same
category, alike in text or naming the same place, opened within the window
and no later than the loud one, whose customers never complained publicly.
Acting twice writes nothing twice: a complaint is acted on once (acted_at),
and a ticket is raised only when the policy asks for more than it has.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from watcher.config import Config
from watcher.matching.candidates import name_stem
from watcher.matching.facts import fold
from watcher.models import AuditEvent, Complaint, OutboxItem, Ticket, TicketEvent
from watcher.tickets.outbox import enqueue
from watcher.tickets.policy import PriorityFacts, SlaTargets, prioritise, rank
from watcher.understanding.severity import LEVELS as SEVERITY_ORDER
from watcher.understanding.severity import assess_severity, text_severity

ACTOR = "watcher"
PUBLIC_TAG = "public-complaint"
TWIN_REASON = "same issue as a publicly reported case"
OPEN_STATUSES = ("new", "open", "pending", "on_hold")


@dataclass
class ActionResult:
    complaint_id: int
    decision: str | None
    ticket: Ticket | None = None
    created: bool = False
    raised: bool = False
    twins_lifted: list[Ticket] = field(default_factory=list)


def sla_for(config: Config, tier: str | None) -> SlaTargets:
    tier = tier if tier in ("standard", "business", "premium") else "standard"
    return SlaTargets(
        first_response=config.duration(f"SLA_FIRST_RESPONSE_{tier.upper()}"),
        resolution=config.duration(f"SLA_RESOLUTION_{tier.upper()}"),
    )


def facts_for(ticket: Ticket, severity: str | None, contacts: int = 1) -> PriorityFacts:
    """The policy's inputs for a ticket: nothing about reach can get in."""
    return PriorityFacts(
        severity=severity,
        tier=ticket.customer_tier or "standard",
        created_at=ticket.created_at,
        first_response_at=ticket.first_response_at,
        solved=ticket.status in ("solved", "closed"),
        current=ticket.current_priority or ticket.priority,
        contacts=contacts,
    )


def apply_policy(
    session: Session, ticket: Ticket, severity: str | None, config: Config, now: datetime,
    *, because: str | None = None,
) -> bool:  # fmt: skip
    """Raise the ticket to what the policy says if that is higher; True when raised."""
    decision = prioritise(facts_for(ticket, severity), sla_for(config, ticket.customer_tier), now)
    current = ticket.current_priority or ticket.priority
    if rank(decision.priority) <= rank(current):
        return False
    reasons = list(decision.reasons) + ([because] if because else [])
    ticket.current_priority = decision.priority
    ticket.priority_reason = "; ".join(reasons)
    ticket.updated_at = now
    session.add(
        TicketEvent(
            ticket=ticket, at=now, kind="priority_raised", actor=ACTOR,
            reason=ticket.priority_reason,
            data={"from": current, "to": decision.priority, "reasons": reasons, "policy": True},
        )
    )  # fmt: skip
    return True


# Severities that belong to the problem (shared by everyone who has it), not to one customer.
PROBLEM_SEVERITIES = ("safety", "down_for_days")


def most_severe(*severities: str | None) -> str | None:
    found = [s for s in severities if s in SEVERITY_ORDER]
    return min(found, key=SEVERITY_ORDER.index) if found else None


def ticket_severity(ticket: Ticket) -> str | None:
    """Severity the ticket's own words support (a business down, a vulnerable person...)."""
    stored = (ticket.extra or {}).get("severity")
    words = ticket.text_severity or text_severity(ticket.subject, ticket.description)
    found = None if words == "none" else words
    return most_severe(stored if isinstance(stored, str) else None, found)


def problem_severity(complaint: Complaint) -> str | None:
    """The part of a complaint's severity its quiet twins share: safety, days without service."""
    post = complaint.post
    reasons = assess_severity("\n".join(filter(None, [post.title, post.text]))).reasons
    levels = {reason.split(":", 1)[0] for reason in reasons}
    return most_severe(*(level for level in PROBLEM_SEVERITIES if level in levels))


# A street and a house number ("Kalwaryjskiej 41", "Kalwaryjska 45"): the place an outage hits.
_STREET_NUMBER = re.compile(r"\b([A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźż]{3,})\s+\d{1,4}[a-zA-Z]?\b")


def _streets(text: str) -> set[str]:
    return {name_stem(m.group(1)) for m in _STREET_NUMBER.finditer(text)}


def _similar(a: Ticket, b: Ticket, threshold: float) -> bool:
    """The same street (in any inflected form), or, where neither names one, alike in words."""
    raw_a = f"{a.subject} {a.description or ''}"
    raw_b = f"{b.subject} {b.description or ''}"
    streets_a, streets_b = _streets(raw_a), _streets(raw_b)
    if streets_a and streets_b:
        return bool(streets_a & streets_b)
    return fuzz.token_sort_ratio(fold(raw_a), fold(raw_b)) / 100 >= threshold


def quiet_twins(session: Session, loud: Ticket, config: Config) -> list[Ticket]:
    """Open tickets with the loud one's problem, customers who stayed quiet and waited longer."""
    window: timedelta = config.duration("TWINS_WINDOW")
    publicly_raised = select(Complaint.decision_ticket_id).where(
        Complaint.decision_ticket_id.is_not(None), Complaint.decision == "linked"
    )
    candidates = session.scalars(
        select(Ticket)
        .where(
            Ticket.id != loud.id,
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.category == loud.category,
            Ticket.created_at <= loud.created_at,
            Ticket.created_at >= loud.created_at - window,
            Ticket.id.not_in(publicly_raised),
        )
        .order_by(Ticket.created_at, Ticket.id)
    ).all()
    threshold = config["TWINS_MIN_SIMILARITY"]
    twins = [t for t in candidates if _similar(loud, t, threshold)]
    return twins[: config["TWINS_MAX_PER_EVENT"]]


def _new_ticket(session: Session, complaint: Complaint, config: Config, now: datetime) -> Ticket:
    post = complaint.post
    key = (
        "complaint:"
        + hashlib.sha256(f"{post.source_id}:{post.external_id}".encode()).hexdigest()[:32]
    )
    existing = session.scalar(select(Ticket).where(Ticket.idempotency_key == key))
    if existing is not None:
        return existing
    subject = (post.title or post.text[:120]).strip() or "Public complaint"
    description = f"{post.text}\n\nPublic post: {post.url or '(no link)'}"
    ticket = Ticket(
        external_id=f"W-{key[10:20].upper()}", subject=subject[:500], description=description,
        status="new", priority="normal", current_priority="normal", category=complaint.category,
        requester_name=post.author, requester_handles=None, customer_tier="standard",
        created_at=now, channel="social", tags=[PUBLIC_TAG, "unverified-requester"],
        extra={"lang": complaint.lang, "severity": complaint.severity, "post_url": post.url},
        text_severity=text_severity(subject[:500], description),
        origin="watcher", idempotency_key=key, content_hash=key, imported_at=now, updated_at=now,
    )  # fmt: skip
    session.add(ticket)
    session.flush()
    session.add(
        TicketEvent(ticket=ticket, at=now, kind="created_from_public_complaint", actor=ACTOR,
                    reason="a public complaint with no ticket", data={"post_url": post.url})
    )  # fmt: skip
    return ticket


def _create_payload(ticket: Ticket) -> dict[str, Any]:
    return {
        "external_id": ticket.external_id,
        "subject": ticket.subject,
        "description": ticket.description or "",
        "priority": ticket.current_priority or "normal",
        "tags": list(ticket.tags or []),
        "requester_name": ticket.requester_name,
    }


def _enqueue_priority(session: Session, ticket: Ticket, complaint_id: int) -> None:
    priority = ticket.current_priority or "normal"
    payload = {"ticket": ticket.external_id, "priority": priority, "reason": ticket.priority_reason}
    enqueue(session, "priority", ticket, payload, f"priority:{ticket.id}:{priority}:{complaint_id}")


def act_on_complaint(
    session: Session, complaint: Complaint, config: Config, *, now: datetime | None = None
) -> ActionResult:
    """Write what the decision calls for; a complaint already acted on is left alone."""
    now = now or datetime.now(UTC)
    result = ActionResult(complaint.id, complaint.decision)
    if complaint.acted_at is not None or complaint.decision not in ("linked", "new_ticket"):
        return result
    post = complaint.post
    created_item: OutboxItem | None = None
    if complaint.decision == "new_ticket":
        ticket = _new_ticket(session, complaint, config, now)
        complaint.decision_ticket_id = ticket.id
        result.created = True
        created_item = enqueue(session, "create", ticket, {}, ticket.idempotency_key or "")
    else:
        found = session.get(Ticket, complaint.decision_ticket_id)
        if found is None:
            return result
        ticket = found
        evidence = ", ".join(
            f"{e['feature']}={e['level']}"
            for e in complaint.decision_evidence[1:]
            if e["weight"] > 0
        )
        session.add(
            TicketEvent(
                ticket=ticket, at=now, kind="public_complaint_linked", actor=ACTOR,
                reason=f"public post linked (score {complaint.decision_score})",
                data={"post_url": post.url, "published_at": post.published_at.isoformat()
                      if post.published_at else None, "evidence": evidence, "internal_note": True},
            )
        )  # fmt: skip
        if PUBLIC_TAG not in (ticket.tags or []):
            ticket.tags = [*(ticket.tags or []), PUBLIC_TAG]
        note = (
            f"Public complaint linked by watcher: {post.url or '(no link)'}, published "
            f"{post.published_at:%Y-%m-%d %H:%M} UTC. Evidence: {evidence or '-'}."
            if post.published_at
            else f"Public complaint linked by watcher: {post.url or '(no link)'}."
        )
        target = {"ticket": ticket.external_id}
        enqueue(session, "note", ticket, target | {"body": note}, f"note:{complaint.id}")
        enqueue(session, "tags", ticket, target | {"tags": [PUBLIC_TAG]}, f"tags:{complaint.id}")
    result.ticket = ticket
    problem = problem_severity(complaint)
    own = ticket_severity(ticket)
    result.raised = apply_policy(session, ticket, most_severe(complaint.severity, own), config, now)
    if complaint.decision == "new_ticket" and created_item is not None:
        created_item.payload = _create_payload(ticket)
    elif result.raised:
        _enqueue_priority(session, ticket, complaint.id)
    if complaint.decision == "linked":
        because = f"{TWIN_REASON} ({ticket.external_id})"
        for twin in quiet_twins(session, ticket, config):
            severity = most_severe(problem, ticket_severity(twin))
            if apply_policy(session, twin, severity, config, now, because=because):
                result.twins_lifted.append(twin)
                _enqueue_priority(session, twin, complaint.id)
    complaint.acted_at = now
    session.add(
        AuditEvent(
            at=now, actor=ACTOR, action="acted", subject_type="complaint",
            subject_id=str(complaint.id),
            details={"decision": complaint.decision, "ticket": ticket.external_id,
                     "raised": result.raised,
                     "twins_lifted": [t.external_id for t in result.twins_lifted]},
        )
    )  # fmt: skip
    return result


def act_on_complaints(
    session: Session,
    config: Config,
    *,
    now: datetime | None = None,
    complaint_ids: Sequence[int] | None = None,
) -> list[ActionResult]:
    """Act on every decided complaint not acted on yet (or the given ones), oldest first."""
    query = (
        select(Complaint)
        .where(Complaint.acted_at.is_(None), Complaint.decision.in_(("linked", "new_ticket")))
        .order_by(Complaint.id)
    )
    if complaint_ids is not None:
        query = query.where(Complaint.id.in_(complaint_ids))
    pending = session.scalars(query).all()
    results = [act_on_complaint(session, c, config, now=now) for c in pending]
    session.flush()
    return results
