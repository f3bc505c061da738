"""Storing posts: idempotent by (source, external_id), edits marked for reprocessing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watcher.formats.posts import PostRecord, parse_post, read_posts, write_posts
from watcher.models import AuditEvent, Post, Source
from watcher.posts import export_posts, store_posts


def record(**keys: Any) -> PostRecord:
    return parse_post(
        {
            "source": "forum",
            "external_id": "p-1",
            "url": "https://forum.example.pl/t/1",
            "author": "jank",
            "author_followers": 120,
            "published_at": "2024-01-15T10:00:00Z",
            "title": "Internet nie działa",
            "text": "Od tygodnia bez internetu.",
            "score": 3,
            "comments": 1,
            "lang": "pl",
        }
        | keys
    )


def stored(session: Session, external_id: str = "p-1") -> Post:
    return session.scalars(select(Post).where(Post.external_id == external_id)).one()


def post_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Post)) or 0


def settle(session: Session) -> Post:
    """The stored post marked as processed, as the pipeline leaves it."""
    post = stored(session)
    post.needs_processing = False
    session.flush()
    return post


def test_store_creates_posts(session: Session) -> None:
    summary = store_posts(session, [record(), record(external_id="p-2")])
    assert (summary.created, summary.edited, summary.refreshed, summary.unchanged) == (2, 0, 0, 0)
    post = stored(session)
    assert (post.text, post.author_followers) == ("Od tygodnia bez internetu.", 120)
    assert post.published_at == datetime(2024, 1, 15, 10, tzinfo=UTC)
    assert post.content_hash == record().content_hash()


def test_new_post_needs_processing(session: Session) -> None:
    store_posts(session, [record()])
    post = stored(session)
    assert post.needs_processing is True
    assert post.edited_at is None


def test_storing_again_changes_nothing(session: Session) -> None:
    records = [record(), record(external_id="p-2")]
    store_posts(session, records)
    settle(session)
    summary = store_posts(session, records)
    assert (summary.created, summary.edited, summary.refreshed, summary.unchanged) == (0, 0, 0, 2)
    assert post_count(session) == 2
    assert stored(session).needs_processing is False


def test_storing_again_writes_no_audit_event(session: Session) -> None:
    store_posts(session, [record()])
    store_posts(session, [record()])
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_edited_text_counts_as_edited(session: Session) -> None:
    store_posts(session, [record()])
    summary = store_posts(session, [record(text="Od dwóch tygodni bez internetu.")])
    assert (summary.edited, summary.refreshed, summary.unchanged) == (1, 0, 0)
    assert stored(session).text == "Od dwóch tygodni bez internetu."


def test_edited_post_needs_processing_again(session: Session) -> None:
    store_posts(session, [record()])
    settle(session)
    store_posts(session, [record(text="Od dwóch tygodni bez internetu.")])
    post = stored(session)
    assert post.needs_processing is True
    assert post.edited_at is not None
    assert post.content_hash == record(text="Od dwóch tygodni bez internetu.").content_hash()


def test_edited_title_counts_as_edited(session: Session) -> None:
    store_posts(session, [record()])
    assert store_posts(session, [record(title="Awaria")]).edited == 1
    assert stored(session).title == "Awaria"


def test_score_change_only_is_refreshed_without_reprocessing(session: Session) -> None:
    store_posts(session, [record()])
    settle(session)
    summary = store_posts(session, [record(score=250, comments=40, author_followers=9000)])
    assert (summary.edited, summary.refreshed, summary.unchanged) == (0, 1, 0)
    post = stored(session)
    assert (post.score, post.comments, post.author_followers) == (250, 40, 9000)
    assert post.needs_processing is False
    assert post.edited_at is None


def test_unknown_source_name_becomes_an_import_source(session: Session) -> None:
    store_posts(session, [record(source="wykop")])
    source = session.scalars(select(Source)).one()
    assert (source.name, source.type) == ("wykop", "import")
    assert stored(session).source_id == source.id


def test_known_source_is_reused(session: Session) -> None:
    session.add(Source(name="forum", type="forum", url="https://forum.example.pl"))
    session.flush()
    store_posts(session, [record()])
    source = session.scalars(select(Source)).one()
    assert source.type == "forum"
    assert stored(session).source_id == source.id


def test_same_external_id_in_two_sources_is_two_posts(session: Session) -> None:
    assert store_posts(session, [record(), record(source="blog")]).created == 2


def test_repeated_post_in_one_batch_last_wins(session: Session) -> None:
    summary = store_posts(session, [record(text="first"), record(text="second")])
    assert summary.created == 1
    assert stored(session).text == "second"


def test_export_posts_in_the_posts_format(session: Session) -> None:
    store_posts(session, [record()])
    assert list(export_posts(session)) == [
        {
            "source": "forum",
            "external_id": "p-1",
            "url": "https://forum.example.pl/t/1",
            "author": "jank",
            "author_followers": 120,
            "published_at": "2024-01-15T10:00:00Z",
            "title": "Internet nie działa",
            "text": "Od tygodnia bez internetu.",
            "score": 3,
            "comments": 1,
            "lang": "pl",
        }
    ]


def test_export_posts_filters_by_source(session: Session) -> None:
    store_posts(session, [record(), record(source="blog", external_id="b-1")])
    assert [row["external_id"] for row in export_posts(session, source="blog")] == ["b-1"]


def test_export_posts_is_oldest_first(session: Session) -> None:
    store_posts(
        session,
        [
            record(external_id="new", published_at="2024-03-01T00:00:00Z"),
            record(external_id="old", published_at="2024-01-01T00:00:00Z"),
        ],
    )
    assert [row["external_id"] for row in export_posts(session)] == ["old", "new"]


def test_exported_posts_stored_again_change_nothing(session: Session, tmp_path: Path) -> None:
    records = [
        record(),
        record(external_id="p-2", text="Linia\nseparator\u2028wiersza", title=None, url=None),
        record(source="blog", external_id="b-1", published_at=None, author_followers=None),
    ]
    store_posts(session, records)
    path = tmp_path / "posts.jsonl"
    with path.open("w", encoding="utf-8") as out:
        assert write_posts(export_posts(session), out) == 3
    result = read_posts(path)
    assert (result.invalid, result.duplicates) == ([], [])
    summary = store_posts(session, result.records)
    assert (summary.created, summary.edited, summary.refreshed, summary.unchanged) == (0, 0, 0, 3)
