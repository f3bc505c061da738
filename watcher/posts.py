"""The one path by which posts enter the store, from a file or from any reader.

Idempotent by (source, external_id): a post read again is unchanged; an edited
post is updated and marked for reprocessing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.orm import Session

from watcher.formats.posts import PostRecord
from watcher.formats.values import iso
from watcher.models import AuditEvent, Post, Source, utcnow

CHUNK = 400
RECORD_FIELDS = tuple(f.name for f in fields(PostRecord) if f.name != "source")
# Engagement figures change all the time; they are refreshed without reprocessing.
REFRESHED = ("url", "author", "author_followers", "published_at", "score", "comments", "lang")


@dataclass
class StoreSummary:
    created: int = 0
    edited: int = 0
    refreshed: int = 0
    unchanged: int = 0


def source_ids(session: Session, names: set[str], default_type: str = "import") -> dict[str, int]:
    """Ids of sources by name; a name never seen before becomes a source of ``default_type``."""
    query = select(Source.name, Source.id).where(Source.name.in_(names))
    ids = {name: source_id for name, source_id in session.execute(query)}
    for name in sorted(names - set(ids)):
        source = Source(name=name, type=default_type)
        session.add(source)
        session.flush()
        ids[name] = source.id
    return ids


def store_posts(
    session: Session, records: Sequence[PostRecord], *, actor: str = "import"
) -> StoreSummary:
    """Insert new posts, update edited ones and mark them for reprocessing."""
    summary = StoreSummary()
    ids = source_ids(session, {r.source for r in records})
    keyed = {(ids[r.source], r.external_id): r for r in records}
    existing: dict[tuple[int, str], Post] = {}
    keys = list(keyed)
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        for post in session.scalars(
            select(Post).where(tuple_(Post.source_id, Post.external_id).in_(chunk))
        ):
            existing[(post.source_id, post.external_id)] = post

    now = utcnow()
    new_rows: list[dict[str, Any]] = []
    for key, record in keyed.items():
        values = {name: getattr(record, name) for name in RECORD_FIELDS}  # asdict deep-copies
        known = existing.get(key)
        if known is None:
            new_rows.append(
                {
                    **values,
                    "source_id": key[0],
                    "content_hash": record.content_hash(),
                    "needs_processing": True,
                    "fetched_at": now,
                }
            )
            continue
        changes = {name: values[name] for name in REFRESHED if getattr(known, name) != values[name]}
        if known.content_hash != record.content_hash():
            changes.update(
                title=record.title,
                text=record.text,
                content_hash=record.content_hash(),
                needs_processing=True,
                edited_at=now,
            )
            summary.edited += 1
        elif changes:
            summary.refreshed += 1
        else:
            summary.unchanged += 1
        if changes:
            session.execute(update(Post).where(Post.id == known.id).values(**changes))
    for start in range(0, len(new_rows), CHUNK):
        session.execute(
            insert(Post).execution_options(render_nulls=True), new_rows[start : start + CHUNK]
        )
    summary.created = len(new_rows)
    if summary.created or summary.edited:
        session.add(
            AuditEvent(
                actor=actor,
                action="posts.store",
                subject_type="post",
                details={"created": summary.created, "edited": summary.edited},
            )
        )
    return summary


def export_posts(session: Session, source: str | None = None) -> Iterator[dict[str, object]]:
    """Stored posts in the Posts format, oldest first."""
    query = select(Post, Source.name).join(Source).order_by(Post.published_at, Post.id)
    if source is not None:
        query = query.where(Source.name == source)
    for post, source_name in session.execute(query.execution_options(yield_per=1000)):
        yield {
            "source": source_name,
            "external_id": post.external_id,
            "url": post.url,
            "author": post.author,
            "author_followers": post.author_followers,
            "published_at": iso(post.published_at) or None,
            "title": post.title,
            "text": post.text,
            "score": post.score,
            "comments": post.comments,
            "lang": post.lang,
        }
