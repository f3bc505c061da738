"""Reddit via the real praw client against a local fake of Reddit's API (written for watcher)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.fakeweb import FakeWeb, Reply, fake_web
from watcher.config import Config, load_config
from watcher.models import Post, Source
from watcher.sources.base import SourceError
from watcher.sources.collect import collect_source

T = 1763600000  # 2025-11-20, seconds since the epoch as Reddit writes created_utc


def _link(
    id_: str, title: str, selftext: str, author: str, created: int, comments: int = 0
) -> dict[str, Any]:
    return {"kind": "t3", "data": {
        "id": id_, "name": f"t3_{id_}", "title": title, "selftext": selftext, "author": author,
        "created_utc": created, "score": 12, "num_comments": comments, "subreddit": "Polska",
        "permalink": f"/r/Polska/comments/{id_}/x/", "url": f"https://example.pl/{id_}",
        "is_self": True,
    }}  # fmt: skip


def _comment(id_: str, body: str, author: str, created: int, parent: str) -> dict[str, Any]:
    return {"kind": "t1", "data": {
        "id": id_, "name": f"t1_{id_}", "body": body, "author": author, "created_utc": created,
        "score": 3, "parent_id": parent, "link_id": parent, "replies": "",
        "permalink": f"/r/Polska/comments/{parent[3:]}/x/{id_}/", "subreddit": "Polska",
    }}  # fmt: skip


def _listing(children: list[dict[str, Any]]) -> bytes:
    return json.dumps(
        {"kind": "Listing", "data": {"after": None, "before": None, "children": children}}
    ).encode()


class FakeReddit:
    def __init__(self, web: FakeWeb) -> None:
        self.web = web
        self.new = [
            _link(
                "bbb",
                "Netia nie działa od tygodnia",
                "Modem miga na czerwono.",
                "jan_k",
                T + 100,
                1,
            ),
            _link("aaa", "Przepis na pierogi", "Bez Netii.", "kucharz", T),
        ]
        web.routes["/api/v1/access_token"] = lambda _r: Reply(
            200, b'{"access_token": "t", "token_type": "bearer", "expires_in": 3600, "scope": "*"}',
            {"Content-Type": "application/json"},
        )  # fmt: skip
        web.routes["/r/Polska/new"] = lambda _r: Reply(200, _listing(self.new), JSON)
        web.routes["/r/Polska/search"] = lambda _r: Reply(200, _listing(self.new[:1]), JSON)
        reply = _comment("c1", "U mnie to samo, <!channel>", "ola", T + 200, "t3_bbb")
        thread = [json.loads(_listing(self.new[:1])), json.loads(_listing([reply]))]
        web.routes["/comments/bbb"] = lambda _r: Reply(200, json.dumps(thread).encode(), JSON)
        for name, karma in (("jan_k", 300), ("ola", 12), ("kucharz", 5)):
            web.routes[f"/user/{name}/about"] = self._about(name, karma)

    @staticmethod
    def _about(name: str, karma: int) -> Any:
        body = {
            "kind": "t2",
            "data": {"name": name, "link_karma": karma, "comment_karma": 1, "id": name},
        }
        return lambda _r: Reply(200, json.dumps(body).encode(), JSON)


JSON = {"Content-Type": "application/json"}


@pytest.fixture
def reddit(tmp_path: Path) -> Iterator[tuple[FakeReddit, Config]]:
    with fake_web() as web:
        path = tmp_path / "watcher.toml"
        path.write_text(
            f"""
[[brands]]
name = "Netia"
aliases = ["Netia"]
[reddit]
client_id = "id"
client_secret = "secret"
url = "{web.base}"
oauth_url = "{web.base}"
[[sources]]
name = "reddit-polska"
type = "reddit"
subreddits = ["Polska"]
""",
            encoding="utf-8",
        )
        yield FakeReddit(web), load_config(str(path))


def test_new_posts_search_and_comments_become_posts(
    session: Session, reddit: tuple[FakeReddit, Config]
) -> None:
    fake, config = reddit
    result = collect_source(session, config, config.sources[0])
    posts = {p.external_id: p for p in session.scalars(select(Post))}
    assert set(posts) == {"t3_bbb", "t3_aaa", "t1_c1"} and result.created == 3
    assert posts["t3_bbb"].author == "jan_k" and posts["t3_bbb"].author_followers == 301
    assert posts["t3_bbb"].url == f"{fake.web.base}/r/Polska/comments/bbb/x/"
    assert posts["t1_c1"].title == "Re: Netia nie działa od tygodnia"
    assert "<!channel>" in posts["t1_c1"].text  # stored as written; escaped when rendered
    auth = [s for s in fake.web.seen if s.path.startswith("/api/v1/access_token")]
    assert auth and auth[0].body == b"grant_type=client_credentials"


def test_a_restart_resumes_without_duplicates(
    session: Session, reddit: tuple[FakeReddit, Config]
) -> None:
    fake, config = reddit
    collect_source(session, config, config.sources[0])
    fake.new.insert(0, _link("ccc", "Netia: faktura zawyżona", "120 zł za nic", "ewa", T + 5000))
    again = collect_source(session, config, config.sources[0])
    assert again.created == 1
    row = session.scalar(select(Source).where(Source.name == "reddit-polska"))
    assert row is not None and row.checkpoint["newest"]["Polska"] == T + 5000
    assert len(session.scalars(select(Post)).all()) == 4


def test_missing_credentials_say_what_to_do(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "watcher.toml"
    path.write_text(
        '[[sources]]\nname = "r"\ntype = "reddit"\nsubreddits = ["Polska"]\n', encoding="utf-8"
    )
    config = load_config(str(path))
    with pytest.raises(SourceError, match="WATCHER_REDDIT_CLIENT_ID"):
        collect_source(session, config, config.sources[0])


def test_refused_credentials_are_a_clear_error(
    session: Session, reddit: tuple[FakeReddit, Config]
) -> None:
    fake, config = reddit
    fake.web.routes["/api/v1/access_token"] = lambda _r: Reply(
        401, b'{"message": "Unauthorized"}', JSON
    )
    with pytest.raises(SourceError, match="Reddit"):
        collect_source(session, config, config.sources[0])
