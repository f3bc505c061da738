"""The understanding stage: every post that needs it gets its facts stored as a complaint row.

A row is written for every post (is_complaint may be false) so that re-running
is a no-op and the decisions export covers every processed post. A changed
understanding marks the row for matching again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from watcher import db
from watcher.config import Config
from watcher.models import AuditEvent, Complaint, Post
from watcher.understanding.brand import NO_BRAND, names_any
from watcher.understanding.complaint import model_probabilities
from watcher.understanding.language import detect_languages
from watcher.understanding.pipeline import from_feed, post_text, understand
from watcher.understanding.stories import assign_story, reply_page

BATCH = 200
ACTOR = "watcher"


@dataclass
class ProcessResult:
    processed: int = 0
    complaints: int = 0
    not_complaints: int = 0
    off_brand: int = 0
    stories_created: int = 0
    changed: int = 0


def _fields(u: object) -> dict[str, object]:
    from watcher.understanding.pipeline import Understanding

    assert isinstance(u, Understanding)
    return {
        "brand": u.brand,
        "is_complaint": u.is_complaint,
        "about_brand": u.about_brand,
        "confidence": u.complaint_confidence,
        "lang": u.lang,
        "category": u.category,
        "severity": u.severity,
        "identifiers": u.identifiers,
        "loudness": u.loudness.score,
        "loudness_tier": u.loudness.tier,
        "reasons": u.reasons,
    }


def _rematch_story(session: Session, story_id: int, joined_post_id: int) -> None:
    """A post joined a story: the story's machine decisions are taken again, in order."""
    for complaint in session.scalars(
        select(Complaint)
        .join(Post, Complaint.post_id == Post.id)
        .where(Post.story_id == story_id, Post.id != joined_post_id)
    ):
        if complaint.decided_by in (None, ACTOR):
            complaint.needs_matching = True


def _about_the_page(session: Session, post: Post, facts: dict[str, object]) -> None:
    """A comment under a blog post about the brand, or a reply in its forum thread, is about the
    brand too, though it names none ("Update: they refunded me on 2 April"): the page says so.

    The page is the post's URL without its fragment (#comment-31, #p9002), or a Reddit
    comment's thread; a comment that names another provider may be about that one, and
    stays off the brand.
    """
    reasons = facts["reasons"]
    assert isinstance(reasons, list)
    if NO_BRAND not in reasons:
        return  # an excluded phrase, a competitor: the post said what it is about
    found = reply_page(post.url)
    if found is None or names_any(post_text(post)):
        return
    page, prefix = found
    earlier = session.scalars(
        select(Complaint)
        .join(Post, Complaint.post_id == Post.id)
        .where(
            Post.id != post.id,
            or_(Post.url == page, Post.url.startswith(prefix, autoescape=True)),
            Complaint.about_brand.is_(True),
        )
        .order_by(Post.published_at, Post.id)
        .limit(1)
    ).first()
    if earlier is None or earlier.brand is None:
        return
    facts["about_brand"] = True
    facts["brand"] = earlier.brand
    facts["reasons"] = [
        *(r for r in reasons if r != NO_BRAND),
        f"on a page about {earlier.brand}: {earlier.post.external_id}",
    ]


def process_posts(
    session: Session,
    config: Config,
    *,
    post_ids: Sequence[int] | None = None,
    progress: Callable[[int], None] | None = None,
    now: datetime | None = None,
) -> ProcessResult:
    """Understand posts marked as needing it (or the given ones); returns what happened."""
    now = now or datetime.now(UTC)
    result = ProcessResult()
    db.lock_writers(session, "stories")  # parallel workers must see each other's stories
    query = select(Post).where(Post.needs_processing.is_(True)).order_by(Post.published_at, Post.id)
    if post_ids is not None:
        query = query.where(Post.id.in_(post_ids))
    posts = session.scalars(query).all()
    existing = (
        {
            c.post_id: c
            for c in session.scalars(
                select(Complaint).where(Complaint.post_id.in_([p.id for p in posts]))
            )
        }
        if posts
        else {}
    )
    probabilities = dict(
        zip([p.id for p in posts], model_probabilities([post_text(p) for p in posts]), strict=True)
    )
    languages = tuple(config["LANGUAGES"])
    patterns = tuple(config["TICKETS_REF_PATTERNS"])
    detected = dict(
        zip([p.id for p in posts], detect_languages([post_text(p) for p in posts], languages),
            strict=True)
    )  # fmt: skip
    for number, post in enumerate(posts, start=1):
        story, created = assign_story(
            session,
            post,
            window=config.duration("STORY_WINDOW"),
            threshold=config["STORY_SIMILARITY"],
        )
        if not created:
            _rematch_story(session, story.id, post.id)
        result.stories_created += created
        sources = len({p.source_id for p in story.posts}) or 1
        facts = _fields(
            understand(
                post,
                config.brands,
                languages=languages,
                ref_patterns=patterns,
                sources=sources,
                probability=probabilities.get(post.id),
                language=detected.get(post.id),
                feed=from_feed(post.source.type, post.source.name),
            )
        )
        if not facts["about_brand"]:
            _about_the_page(session, post, facts)
        complaint = existing.get(post.id)
        if complaint is None:
            complaint = Complaint(post_id=post.id, needs_matching=True, **facts)
            session.add(complaint)
            changed = True
        else:
            changed = any(getattr(complaint, key) != value for key, value in facts.items())
            if changed:
                for key, value in facts.items():
                    setattr(complaint, key, value)
                complaint.needs_matching = True
        post.needs_processing = False
        result.processed += 1
        result.changed += changed
        if not facts["about_brand"]:
            result.off_brand += 1
        elif facts["is_complaint"]:
            result.complaints += 1
        else:
            result.not_complaints += 1
        if changed:
            session.add(
                AuditEvent(
                    at=now,
                    actor=ACTOR,
                    action="understood",
                    subject_type="post",
                    subject_id=str(post.id),
                    details={
                        "is_complaint": facts["is_complaint"],
                        "about_brand": facts["about_brand"],
                        "category": facts["category"],
                        "severity": facts["severity"],
                    },
                )
            )
        if progress:
            progress(1)
        if number % BATCH == 0:
            session.flush()
    session.flush()
    return result
