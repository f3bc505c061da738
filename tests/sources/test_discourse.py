"""Discourse forums through their JSON API, against a local fake of the API's answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.fakeweb import FakeWeb, Reply, Seen, fake_web
from watcher.config import Config, SourceConfig, load_config
from watcher.models import Post, Source
from watcher.sources.base import SourceError
from watcher.sources.collect import collect_source
from watcher.sources.discourse import Target, collect_discourse, cooked_text, target
from watcher.sources.fetch import FetchLimits

JSON = {"Content-Type": "application/json; charset=utf-8"}


def _post(id_: int, topic: dict[str, Any], number: int, user: str, cooked: str,
          at: str, **extra: Any) -> dict[str, Any]:  # fmt: skip
    return {
        "id": id_, "name": user.title(), "username": user, "created_at": at, "cooked": cooked,
        "post_number": number, "post_type": 1, "updated_at": at, "reply_count": 0,
        "topic_id": topic["id"], "topic_slug": topic["slug"], "hidden": False,
        "deleted_at": None, "user_deleted": False,
        "actions_summary": [{"id": 2, "count": 3}], **extra,
    }  # fmt: skip


class FakeDiscourse:
    """Topics and their posts, answered as /latest.json, /t/{id}.json and posts.json do;
    the first chunk of a topic holds two posts so longer topics need posts.json."""

    FIRST_CHUNK = 2

    def __init__(self) -> None:
        self.topics: dict[int, dict[str, Any]] = {}
        self.posts: dict[int, list[dict[str, Any]]] = {}

    def topic(self, id_: int, slug: str, title: str) -> dict[str, Any]:
        topic = {"id": id_, "slug": slug, "title": title, "fancy_title": title,
                 "posts_count": 0, "archetype": "regular", "category_id": 5}  # fmt: skip
        self.topics[id_], self.posts[id_] = topic, []
        return topic

    def add(self, topic_id: int, id_: int, user: str, cooked: str, at: str, **extra: Any) -> None:
        topic, posts = self.topics[topic_id], self.posts[topic_id]
        posts.append(_post(id_, topic, len(posts) + 1, user, cooked, at, **extra))
        topic.update(posts_count=len(posts), highest_post_number=len(posts), last_posted_at=at,
                     bumped_at=at, created_at=posts[0]["created_at"])  # fmt: skip

    def install(self, web: FakeWeb) -> None:
        web.routes["/latest.json"] = self.latest
        for id_ in self.topics:
            web.routes[f"/t/{id_}.json"] = self.topic_json
            web.routes[f"/t/{id_}/posts.json"] = self.posts_json

    def latest(self, _request: Seen) -> Reply:
        topics = sorted(self.topics.values(), key=lambda t: t["bumped_at"], reverse=True)
        body = {"users": [], "topic_list": {"can_create_topic": False, "draft": None,
                                            "per_page": 30, "topics": topics}}  # fmt: skip
        return Reply(200, json.dumps(body).encode(), JSON)

    def topic_json(self, request: Seen) -> Reply:
        id_ = int(request.path.split("/")[2].removesuffix(".json"))
        posts = self.posts[id_]
        stream = {"posts": posts[: self.FIRST_CHUNK], "stream": [p["id"] for p in posts]}
        return Reply(200, json.dumps({**self.topics[id_], "post_stream": stream}).encode(), JSON)

    def posts_json(self, request: Seen) -> Reply:
        id_ = int(request.path.split("/")[2])
        wanted = {int(i) for i in parse_qs(urlsplit(request.path).query)["post_ids[]"]}
        posts = [p for p in self.posts[id_] if p["id"] in wanted]
        return Reply(200, json.dumps({"post_stream": {"posts": posts}, "id": id_}).encode(), JSON)


def _forum() -> FakeDiscourse:
    forum = FakeDiscourse()
    forum.topic(41, "netia-brak-internetu-krakow", "Netia: brak internetu, Kraków")
    forum.add(41, 501, "grzesiek_b", "<p>Od soboty <strong>nie ma internetu</strong> na "
              "Podgórzu.</p>", "2026-11-14T08:05:00.000Z")  # fmt: skip
    forum.add(41, 502, "ola_podgorze", "<p>U mnie to samo, zgłoszenie NT-20417.</p>",
              "2026-11-14T09:30:12.500+01:00", post_type=1)  # fmt: skip
    forum.add(41, 503, "system", "<p>This topic was automatically closed.</p>",
              "2026-11-14T09:40:00.000Z", post_type=3)  # fmt: skip
    forum.add(41, 504, "jan_k", '<p>Wciąż nic.</p><div class="lightbox-wrapper"><a>'
              '<img src="/x.png"></a><div class="meta">x.png 1920×1080 120 KB</div></div>',
              "2026-11-15T17:00:00.000Z")  # fmt: skip
    forum.topic(42, "faktura-podwojna", "Podwójna faktura")
    forum.add(42, 510, "emily_c", "<p>Charged twice in November.</p>", "2026-11-16T10:00:00Z")
    return forum


def _config(tmp_path: Path, url: str) -> Config:
    path = tmp_path / "watcher.toml"
    path.write_text(f'[[sources]]\nname = "disc"\ntype = "forum"\nurl = "{url}"\n'
                    'preset = "discourse"\ninternal = true\n', encoding="utf-8")  # fmt: skip
    return load_config(str(path))


def _posts(session: Session) -> dict[str, Post]:
    return {p.external_id.split("/")[-1]: p for p in session.scalars(select(Post))}


def _topic_requests(web: FakeWeb, since: int = 0) -> list[str]:
    return [s.path for s in web.seen[since:] if s.path.startswith("/t/")]


def test_topics_become_posts_with_authors_dates_and_plain_text(
    session: Session, tmp_path: Path
) -> None:
    forum = _forum()
    with fake_web() as web:
        forum.install(web)
        config = _config(tmp_path, web.base)
        result = collect_source(session, config, config.sources[0])
        host = web.base.removeprefix("http://")
        requested = _topic_requests(web)
    assert result.created == 4 and not result.warnings
    assert "/t/41/posts.json?post_ids%5B%5D=503&post_ids%5B%5D=504" in requested
    posts = _posts(session)
    assert set(posts) == {"501", "502", "504", "510"}  # the small action 503 is no post
    first, reply = posts["501"], posts["502"]
    assert first.external_id == f"{host}/501" and first.author == "grzesiek_b"
    assert first.url == f"{web.base}/t/netia-brak-internetu-krakow/41/1"
    assert first.title == "Netia: brak internetu, Kraków"
    assert first.text == "Od soboty nie ma internetu na Podgórzu."
    assert first.published_at is not None
    assert first.published_at.replace(tzinfo=None).isoformat() == "2026-11-14T08:05:00"
    assert reply.published_at is not None
    assert reply.published_at.replace(tzinfo=None).isoformat() == "2026-11-14T08:30:12.500000"
    assert reply.url is not None and reply.url.endswith("/41/2")
    assert reply.title == "Re: Netia: brak internetu, Kraków" and reply.score == 3
    assert posts["504"].text == "Wciąż nic."  # the picture's file name and size left out


def test_unchanged_topics_are_not_fetched_and_a_bumped_one_only_adds_its_new_posts(
    session: Session, tmp_path: Path
) -> None:
    forum = _forum()
    with fake_web() as web:
        forum.install(web)
        config = _config(tmp_path, web.base)
        collect_source(session, config, config.sources[0])
        before = len(web.seen)
        again = collect_source(session, config, config.sources[0])
        assert _topic_requests(web, before) == [] and again.created == 0

        forum.add(41, 520, "ola_podgorze", "<p>Wrócił po tygodniu.</p>", "2026-11-21T07:00:00Z")
        before = len(web.seen)
        bumped = collect_source(session, config, config.sources[0])
        assert _topic_requests(web, before) == [
            "/t/41.json", "/t/41/posts.json?post_ids%5B%5D=520",
        ]  # fmt: skip
    assert (bumped.created, bumped.edited) == (1, 0)
    assert _posts(session)["520"].text == "Wrócił po tygodniu."
    row = session.scalar(select(Source).where(Source.name == "disc"))
    assert row is not None and row.checkpoint["topics"]["41"]["read_up_to"] == 520


def test_script_and_slack_markup_in_a_post_stay_inert_text(
    session: Session, tmp_path: Path
) -> None:
    forum = FakeDiscourse()
    forum.topic(7, "alert", "Alert")
    forum.add(7, 70, "troll", "<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; "
              "Netia</p><script>steal()</script><style>p{}</style>",
              "2026-11-20T10:00:00Z")  # fmt: skip
    with fake_web() as web:
        forum.install(web)
        config = _config(tmp_path, web.base)
        collect_source(session, config, config.sources[0])
    post = _posts(session)["70"]
    assert post.text == "<script>alert(1)</script> <!channel> Netia"
    assert "steal" not in post.text and "p{}" not in post.text


def test_a_malformed_answer_is_a_clear_error_recorded_on_the_source(
    session: Session, tmp_path: Path
) -> None:
    with fake_web() as web:
        web.reply("/latest.json", Reply(200, b'{"topic_list": {"topics": [', JSON))
        config = _config(tmp_path, web.base)
        with pytest.raises(SourceError, match=r"did not answer with JSON.*Discourse"):
            collect_source(session, config, config.sources[0])
    row = session.scalar(select(Source).where(Source.name == "disc"))
    assert row is not None and "did not answer with JSON" in (row.last_error or "")
    assert (row.unhealthy_reason or "").startswith("failed:")


def test_a_category_url_lists_the_category() -> None:
    forum = _forum()
    with fake_web() as web:
        forum.install(web)
        web.routes["/c/support/5.json"] = forum.latest
        source = SourceConfig(name="cat", type="forum", url=f"{web.base}/c/support/5/l/latest",
                              internal=True, options={"preset": "discourse"})  # fmt: skip
        collected = collect_discourse(source, {}, limits=FetchLimits())
        assert web.seen[0].path == "/c/support/5.json"
    assert len(collected.posts) == 4 and set(collected.checkpoint["topics"]) == {"41", "42"}
    assert target("https://f.example/forum/c/support/5") == Target(
        "https://f.example/forum", "/c/support/5.json"
    )
    assert target("https://f.example/c/isp/netia/12/l/latest").listing == "/c/isp/netia/12.json"
    assert target("https://f.example/latest.json") == Target("https://f.example", "/latest.json")
    assert target("https://f.example/t/netia/41/3").topic_id == 41
    assert target("https://f.example/t/41").topic_id == 41


def test_unknown_preset_names_discourse_among_the_known(session: Session) -> None:
    config = load_config(None)
    source = SourceConfig(name="f", type="forum", url="http://127.0.0.1:9/", internal=True,
                          options={"preset": "discurse"})  # fmt: skip
    with pytest.raises(SourceError, match="unknown forum preset 'discurse'; known: discourse, "):
        collect_source(session, config, source)


def test_cooked_text_of_an_empty_post_is_empty() -> None:
    assert cooked_text("") == "" and cooked_text("<p><img src='a.png'></p>") == ""
