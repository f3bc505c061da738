"""Mastodon hashtag timelines against a local fake of the public API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.fakeweb import Reply, Seen, fake_web
from watcher.config import load_config
from watcher.models import Post, Source
from watcher.sources.base import SourceError
from watcher.sources.collect import collect_source


def _status(id_: str, html: str) -> dict[str, object]:
    return {
        "id": id_, "uri": f"https://mastodon.example/users/ania/statuses/{id_}",
        "url": f"https://mastodon.example/@ania/{id_}", "created_at": "2026-11-20T10:00:00.000Z",
        "content": html, "replies_count": 2, "favourites_count": 7,
        "account": {"acct": "ania@mastodon.example", "username": "ania", "followers_count": 840},
    }  # fmt: skip


def test_hashtag_statuses_become_posts_and_resume_from_the_newest(
    session: Session, tmp_path: Path
) -> None:
    statuses = [_status("110", "<p>Od tygodnia <b>Netia</b> nie działa <a href='#'>#netia</a></p>")]

    def timeline(request: Seen) -> Reply:
        return Reply(200, json.dumps(statuses if "since_id" not in request.path else []).encode(),
                     {"Content-Type": "application/json"})  # fmt: skip

    with fake_web() as web:
        web.routes["/api/v1/timelines/tag/netia"] = timeline
        path = tmp_path / "watcher.toml"
        path.write_text(f'[[sources]]\nname = "masto"\ntype = "mastodon"\ninstance = "{web.base}"\n'
                        'hashtags = ["#netia"]\ninternal = true\n', encoding="utf-8")  # fmt: skip
        config = load_config(str(path))
        first = collect_source(session, config, config.sources[0])
        second = collect_source(session, config, config.sources[0])
        assert "since_id=110" in web.seen[-1].path
    assert first.created == 1 and second.created == 0
    post = session.scalar(select(Post))
    assert post is not None and post.text == "Od tygodnia Netia nie działa #netia"
    assert post.author_followers == 840 and post.author == "ania@mastodon.example"
    row = session.scalar(select(Source).where(Source.name == "masto"))
    assert row is not None and row.checkpoint == {"since_id": {"netia": "110"}}


def test_missing_hashtags_is_a_clear_error(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "watcher.toml"
    path.write_text(
        '[[sources]]\nname = "m"\ntype = "mastodon"\ninstance = "https://m.example"\n',
        encoding="utf-8",
    )
    config = load_config(str(path))
    with pytest.raises(SourceError, match="hashtags"):
        collect_source(session, config, config.sources[0])
