"""ORM models for the fixed nouns of DESIGN.md.

Unique keys carry idempotency: post (source, external_id), match (complaint,
ticket), alert (subject, kind, channel), created ticket (idempotency_key).
All timestamps are stored and returned as timezone-aware UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always UTC-aware in Python, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone first")
        value = value.astimezone(UTC)
        # SQLite has no zone-aware type: store naive UTC so that text comparison sorts right.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


TICKET_STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")
TIERS = ("standard", "business", "premium")
CHANNELS = ("email", "phone", "web", "chat", "social")
MATCH_STATUSES = ("auto", "pending_review", "confirmed", "rejected")
IDENTITY_KINDS = ("email", "phone", "handle", "name")


class Source(Base):
    """A configured place we read, or the name an imported post file gave."""

    __tablename__ = "source"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    url: Mapped[str | None] = mapped_column(Text)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    checkpoint: Mapped[dict[str, Any]] = mapped_column(default=dict)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_run_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_found: Mapped[int | None]
    last_new: Mapped[int | None]
    empty_runs: Mapped[int] = mapped_column(Integer, default=0)
    unhealthy_since: Mapped[datetime | None]
    unhealthy_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Story(Base):
    """A cluster of posts telling the same story across sources."""

    __tablename__ = "story"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str | None] = mapped_column(Text)
    first_published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    posts: Mapped[list[Post]] = relationship(back_populates="story")


class Post(Base):
    """One public item as read; unique by (source, external_id)."""

    __tablename__ = "post"
    __table_args__ = (UniqueConstraint("source_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(500))
    author_followers: Mapped[int | None]
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    score: Mapped[int | None]
    comments: Mapped[int | None]
    lang: Mapped[str | None] = mapped_column(String(20))
    content_hash: Mapped[str] = mapped_column(String(64))
    needs_processing: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    story_id: Mapped[int | None] = mapped_column(ForeignKey("story.id", ondelete="SET NULL"))
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]

    source: Mapped[Source] = relationship()
    story: Mapped[Story | None] = relationship(back_populates="posts")


class Complaint(Base):
    """A post classified as a complaint about a watched brand."""

    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), unique=True)
    brand: Mapped[str | None] = mapped_column(String(200))
    is_complaint: Mapped[bool] = mapped_column(Boolean)
    about_brand: Mapped[bool] = mapped_column(Boolean)
    confidence: Mapped[float] = mapped_column(Float)
    lang: Mapped[str | None] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(50))
    severity: Mapped[str | None] = mapped_column(String(50))
    identifiers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    loudness: Mapped[float | None] = mapped_column(Float)
    loudness_tier: Mapped[str | None] = mapped_column(String(20))
    reasons: Mapped[list[Any]] = mapped_column(default=list)
    # The matching stage's outcome: linked | review | new_ticket | not_complaint |
    # off_brand | duplicate; NULL until matched. A person's decision (decided_by
    # not "watcher") is never overwritten by a re-run.
    needs_matching: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    decision: Mapped[str | None] = mapped_column(String(20), index=True)
    decision_ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket.id", ondelete="SET NULL")
    )
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("complaint.id", ondelete="SET NULL")
    )
    decision_score: Mapped[float | None] = mapped_column(Float)
    decision_evidence: Mapped[list[Any]] = mapped_column(default=list)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None]
    # When the decision was acted on (note, priority, new ticket); NULL until then.
    acted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    post: Mapped[Post] = relationship()
    decision_ticket: Mapped[Ticket | None] = relationship(foreign_keys=[decision_ticket_id])


class Customer(Base):
    """A customer of the company, known from tickets."""

    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The helpdesk's customer_id, else 'email:...', 'phone:...' or 'ticket:...' of the requester.
    key: Mapped[str] = mapped_column(String(300), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(500))
    tier: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    identities: Mapped[list[Identity]] = relationship(back_populates="customer")


class Identity(Base):
    """A handle, e-mail, phone or name of a customer, normalised for matching.

    ``value_hash`` is a SHA-256 of the normalised value so that exact look-ups
    work even where ``value`` is later erased.
    """

    __tablename__ = "identity"
    __table_args__ = (
        UniqueConstraint("customer_id", "kind", "value_hash"),
        Index("ix_identity_kind_value_hash", "kind", "value_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    platform: Mapped[str | None] = mapped_column(String(50))
    value: Mapped[str | None] = mapped_column(String(500))
    value_hash: Mapped[str] = mapped_column(String(64))

    customer: Mapped[Customer] = relationship(back_populates="identities")


class Ticket(Base):
    """A helpdesk ticket, imported or created by watcher."""

    __tablename__ = "ticket"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    subject: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)
    priority: Mapped[str | None] = mapped_column(String(20))
    current_priority: Mapped[str | None] = mapped_column(String(20))
    priority_reason: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(100))
    # Severity its own words support ("none" when they support none), found when the text
    # was imported or changed; NULL on rows from before, which are read on demand.
    text_severity: Mapped[str | None] = mapped_column(String(30))
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), index=True
    )
    requester_name: Mapped[str | None] = mapped_column(String(500))
    requester_email: Mapped[str | None] = mapped_column(String(500))
    requester_phone: Mapped[str | None] = mapped_column(String(100))
    requester_handles: Mapped[str | None] = mapped_column(Text)
    customer_tier: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(index=True)
    first_response_at: Mapped[datetime | None]
    solved_at: Mapped[datetime | None]
    channel: Mapped[str | None] = mapped_column(String(20))
    compensation: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    tags: Mapped[list[Any]] = mapped_column(default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    origin: Mapped[str] = mapped_column(String(20), default="imported")
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer | None] = relationship()
    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.at"
    )


class TicketEvent(Base):
    """Something that happened to a ticket: who or what did it, and why."""

    __tablename__ = "ticket_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)

    ticket: Mapped[Ticket] = relationship(back_populates="events")


class Match(Base):
    """A complaint linked to a ticket, with its score, evidence and status."""

    __tablename__ = "match"
    __table_args__ = (UniqueConstraint("complaint_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20))
    decided_by: Mapped[str] = mapped_column(String(200), default="watcher")
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    complaint: Mapped[Complaint] = relationship()
    ticket: Mapped[Ticket] = relationship()


class OutboxItem(Base):
    """A change to make in the helpdesk, written with the decision, delivered once."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # create | note | tags | priority
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket.id", ondelete="SET NULL"), index=True
    )
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    ticket: Mapped[Ticket | None] = relationship()


class Alert(Base):
    """One message to one Slack channel; unique per (subject, kind, channel)."""

    __tablename__ = "alert"
    __table_args__ = (UniqueConstraint("subject", "kind", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50))
    channel: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    message_ts: Mapped[str | None] = mapped_column(String(50))
    # Alerts sharing a thread key (e.g. "story:7") in a channel are threaded under the first.
    thread_key: Mapped[str | None] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class Report(Base):
    """A fairness or audit report, stored with the hash of its inputs."""

    __tablename__ = "report"
    __table_args__ = (UniqueConstraint("kind", "inputs_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(50))
    inputs_hash: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    body: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Every decision, by a person or by watcher, for the audit log."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    subject_type: Mapped[str] = mapped_column(String(50))
    subject_id: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
