"""Queueing alerts: one Alert row per (subject, kind, channel), so nothing is queued twice.

Two families: alerts about one complaint (linked, new ticket, review), queued
after matching acted on it, and alerts about the watch itself (a source turned
unhealthy, a story spreading or growing fast, a publicly raised ticket past its
SLA), derived from the database on every pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watcher.alerts.render import render_complaint, render_watch
from watcher.config import LOUDNESS_TIERS, AlertRoute, Config
from watcher.models import Alert, Complaint, Match, Post, Report, Source, Story, Ticket
from watcher.tickets.actions import OPEN_STATUSES, PUBLIC_TAG, ActionResult, sla_for
from watcher.understanding.severity import LEVELS as SEVERITY_ORDER

# Where each kind goes by default; `loud` complaints also go to PR.
LOUD_TIERS = ("loud", "viral")
WATCH_KINDS = ("source_unhealthy", "story_spreading", "story_velocity", "sla_breach")


@dataclass(frozen=True)
class Facets:
    """What routes look at: the brand, loudness tier and severity an alert is about."""

    brand: str | None = None
    tier: str | None = None
    severity: str | None = None

    @classmethod
    def of(cls, complaint: Complaint | None) -> Facets:
        if complaint is None:
            return cls()
        return cls(complaint.brand, complaint.loudness_tier, complaint.severity)


def _route_matches(route: AlertRoute, kind: str, facets: Facets) -> bool:
    if route.kind not in ("*", kind) or route.brand not in ("*", facets.brand):
        return False
    tier = facets.tier if facets.tier in LOUDNESS_TIERS else "quiet"
    if LOUDNESS_TIERS.index(tier) < LOUDNESS_TIERS.index(route.min_tier):
        return False
    if route.min_severity:
        if facets.severity not in SEVERITY_ORDER or route.min_severity not in SEVERITY_ORDER:
            return False
        return SEVERITY_ORDER.index(facets.severity) <= SEVERITY_ORDER.index(route.min_severity)
    return True


def _default_channels(kind: str, facets: Facets, config: Config) -> list[str]:
    cx, pr = config["SLACK_CHANNEL_CX"], config["SLACK_CHANNEL_PR"]
    if kind in ("story_spreading", "story_velocity"):
        return [pr]
    if kind == "fairness_summary":
        return [config["SLACK_CHANNEL_COMPLIANCE"]]
    if kind in ("loud_complaint", "new_ticket") and facets.tier in LOUD_TIERS:
        return list(dict.fromkeys([pr, cx]))
    return [cx]


def route(kind: str, facets: Facets, config: Config) -> list[str]:
    """The channels of every matching `[[alerts.routes]]`, or the default channels."""
    if config.routes:
        return list(
            dict.fromkeys(r.channel for r in config.routes if _route_matches(r, kind, facets))
        )
    return _default_channels(kind, facets, config)


def channels_for(kind: str, complaint: Complaint, config: Config) -> list[str]:
    return route(kind, Facets.of(complaint), config)


def _queue(
    session: Session,
    existing: set[tuple[str, str, str]],
    wanted: Sequence[tuple[str, str, list[str], dict[str, object], str | None]],
    now: datetime,
) -> list[Alert]:
    """Add the alerts not queued before; `wanted` is (subject, kind, channels, payload, thread)."""
    queued = []
    for subject, kind, channels, payload, thread in wanted:
        for channel in channels:
            if (subject, kind, channel) in existing:
                continue
            existing.add((subject, kind, channel))
            alert = Alert(
                subject=subject,
                kind=kind,
                channel=channel,
                payload=payload,
                thread_key=thread,
                created_at=now,
            )
            session.add(alert)
            queued.append(alert)
    session.flush()
    return queued


def _existing(session: Session) -> set[tuple[str, str, str]]:
    rows = session.execute(select(Alert.subject, Alert.kind, Alert.channel))
    return {(subject, kind, channel) for subject, kind, channel in rows}


def _story_thread(complaint: Complaint) -> str | None:
    story_id = complaint.post.story_id if complaint.post else None
    return f"story:{story_id}" if story_id else None


def _candidates(session: Session, complaint: Complaint) -> list[str]:
    """Other tickets the matcher considered, best first, for the relink menu."""
    rows = session.execute(
        select(Ticket.external_id)
        .join(Match, Match.ticket_id == Ticket.id)
        .where(Match.complaint_id == complaint.id)
        .order_by(Match.score.desc())
        .limit(10)
    )
    return [external_id for (external_id,) in rows]


def queue_alerts(
    session: Session, config: Config, acted: Sequence[ActionResult], *, now: datetime | None = None
) -> list[Alert]:
    """Alerts for complaints just acted on and for new review decisions; idempotent."""
    now = now or datetime.now(UTC)
    items: list[tuple[str, Complaint, Ticket | None, list[str]]] = []
    for result in acted:
        complaint = session.get(Complaint, result.complaint_id)
        if complaint is None or result.ticket is None:
            continue
        kind = "new_ticket" if result.created else "loud_complaint"
        items.append((kind, complaint, result.ticket, [t.external_id for t in result.twins_lifted]))
    for complaint in session.scalars(select(Complaint).where(Complaint.decision == "review")):
        items.append(("review", complaint, None, []))
    if not items:
        return []
    existing = _existing(session)
    wanted = []
    for kind, complaint, ticket, twins in items:
        subject = f"complaint:{complaint.id}"
        channels = [
            c for c in channels_for(kind, complaint, config) if (subject, kind, c) not in existing
        ]
        if not channels:
            continue
        candidates = _candidates(session, complaint) if kind == "review" else []
        payload = render_complaint(kind, complaint, ticket, twins, candidates=candidates)
        wanted.append((subject, kind, channels, payload, _story_thread(complaint)))
    return _queue(session, existing, wanted, now)


def _story_facets(session: Session, story_id: int) -> Facets:
    complaints = session.scalars(
        select(Complaint).join(Post, Post.id == Complaint.post_id).where(Post.story_id == story_id)
    ).all()
    brands = Counter(c.brand for c in complaints if c.brand)
    tiers = [c.loudness_tier for c in complaints if c.loudness_tier in LOUDNESS_TIERS]
    severities = [c.severity for c in complaints if c.severity in SEVERITY_ORDER]
    return Facets(
        brands.most_common(1)[0][0] if brands else None,
        max(tiers, key=LOUDNESS_TIERS.index) if tiers else None,
        min(severities, key=SEVERITY_ORDER.index) if severities else None,
    )


def _story_title(session: Session, story_id: int) -> str:
    story = session.get(Story, story_id)
    return story.title if story and story.title else f"story {story_id}"


@dataclass
class _Watch:
    subject: str
    kind: str
    title: str
    facts: list[tuple[str, str]]
    facets: Facets
    thread: str | None = None


def _unhealthy_sources(session: Session, now: datetime) -> list[_Watch]:
    found = []
    for source in session.scalars(select(Source).where(Source.unhealthy_reason.is_not(None))):
        since = source.unhealthy_since or now
        facts = [
            ("Reason", source.unhealthy_reason or ""),
            ("Unhealthy since", f"{since:%Y-%m-%d %H:%M} UTC"),
            ("What to do", f"run `watcher crawl {source.name}` to see the error; it is retried"),
        ]
        found.append(
            _Watch(f"source:{source.name}:{since:%Y%m%dT%H%M%S}", "source_unhealthy",
                   f"Source {source.name} is unhealthy", facts, Facets())
        )  # fmt: skip
    return found


def _story_watch(
    session: Session, story_id: int, step: str, kind: str, title: str, growth: str
) -> _Watch:
    """A watch alert about one story, in the thread of the story's first message."""
    facts = [("Story", _story_title(session, story_id)), ("Growth", growth)]
    return _Watch(f"story:{story_id}:{step}", kind, title, facts,
                  _story_facets(session, story_id), f"story:{story_id}")  # fmt: skip


def _stories(session: Session, config: Config, now: datetime) -> list[_Watch]:
    """Stories seen in many sources, and stories with many posts in a short window."""
    found = []
    spread = (
        select(Post.story_id, func.count(func.distinct(Post.source_id)), func.count(Post.id))
        .where(Post.story_id.is_not(None))
        .group_by(Post.story_id)
        .having(func.count(func.distinct(Post.source_id)) >= config["ALERTS_STORY_SOURCES"])
    )
    for story_id, sources, posts in session.execute(spread):
        if story_id is not None:
            found.append(
                _story_watch(session, story_id, f"sources:{sources}", "story_spreading",
                             "A public story is spreading", f"{posts} posts in {sources} sources")
            )  # fmt: skip
    window = config.duration("ALERTS_STORY_WINDOW")
    seen_at = func.coalesce(Post.published_at, Post.fetched_at)
    fast = (
        select(Post.story_id, func.count(Post.id))
        .where(Post.story_id.is_not(None), seen_at > now - window, seen_at <= now)
        .group_by(Post.story_id)
        .having(func.count(Post.id) >= config["ALERTS_STORY_VELOCITY"])
    )
    for story_id, posts in session.execute(fast):
        if story_id is not None:
            found.append(
                _story_watch(session, story_id, f"velocity:{now:%Y-%m-%d}", "story_velocity",
                             "A public story is growing fast", f"{posts} new posts within {window}")
            )  # fmt: skip
    return found


def _sla_breaches(session: Session, config: Config, now: datetime) -> list[_Watch]:
    """Open tickets tagged as publicly raised that are past their resolution target."""
    found = []
    for ticket in session.scalars(select(Ticket).where(Ticket.status.in_(OPEN_STATUSES))):
        target = sla_for(config, ticket.customer_tier).resolution
        if PUBLIC_TAG not in (ticket.tags or []) or now - ticket.created_at <= target:
            continue
        complaint = session.scalar(
            select(Complaint).where(Complaint.decision_ticket_id == ticket.id).limit(1)
        )
        facts = [
            ("Ticket", ticket.external_id),
            ("Tier", ticket.customer_tier or "standard"),
            ("Open for", f"{(now - ticket.created_at).days} days; resolution target {target}"),
            ("Priority", ticket.current_priority or ticket.priority or "normal"),
        ]
        found.append(
            _Watch(f"ticket:{ticket.id}", "sla_breach",
                   f"Publicly raised ticket {ticket.external_id} is past its SLA", facts,
                   Facets.of(complaint), _story_thread(complaint) if complaint else None)
        )  # fmt: skip
    return found


def queue_watch_alerts(
    session: Session, config: Config, *, now: datetime | None = None
) -> list[Alert]:
    """Alerts about the watch: sources failing, stories spreading, public tickets past SLA."""
    now = now or datetime.now(UTC)
    found = [
        *_unhealthy_sources(session, now),
        *_stories(session, config, now),
        *_sla_breaches(session, config, now),
    ]
    if not found:
        return []
    wanted = [
        (w.subject, w.kind, route(w.kind, w.facets, config),
         render_watch(w.kind, w.subject, w.title, w.facts), w.thread)
        for w in found
    ]  # fmt: skip
    return _queue(session, _existing(session), wanted, now)


def queue_fairness_summary(
    session: Session, config: Config, report: Report, *, now: datetime | None = None
) -> list[Alert]:
    """The summary of a stored fairness report, for compliance; once per report."""
    body = report.body
    params, inputs = body.get("params", {}), body.get("inputs", {})
    outside = [
        name.replace("_", " ")
        for name, outcome in body.get("outcomes", {}).items()
        if outcome.get("within_tolerance") is False
    ]
    facts = [
        ("Period", f"{str(params.get('since', '?'))[:10]} to {str(params.get('until', '?'))[:10]}"),
        ("Tickets", f"{inputs.get('tickets', 0)}, of which {inputs.get('loud_tickets', 0)} loud"),
        *(("Finding", line) for line in body.get("summary", [])[:6]),
        ("Outside tolerance", ", ".join(outside) or "none"),
        ("Full report", f"`watcher report fairness` (stored as report {report.id})"),
    ]
    subject = f"report:{report.id}"
    payload = render_watch("fairness_summary", subject, "Fairness summary: loud vs quiet", facts)
    wanted = [(subject, "fairness_summary", route("fairness_summary", Facets(), config),
               payload, None)]  # fmt: skip
    return _queue(session, _existing(session), wanted, now or datetime.now(UTC))
