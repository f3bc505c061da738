"""The understanding stage on stored posts: one row per post, stories, re-running is a no-op."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watcher.config import load_config
from watcher.formats.posts import parse_post
from watcher.models import AuditEvent, Complaint, Post, Story
from watcher.posts import store_posts
from watcher.understanding.stage import process_posts
from watcher.understanding.stories import reply_page


def _config(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "watcher.toml"
    path.write_text('[[brands]]\nname = "Netia"\naliases = ["Netia"]\n', encoding="utf-8")
    return load_config(str(path))


def _post(external_id: str, text: str, **fields: object) -> object:
    row = {"source": "s", "external_id": external_id, "text": text,
           "published_at": "2026-11-20T10:00:00Z"} | fields  # fmt: skip
    return parse_post(row)


def test_every_post_gets_its_facts_once(session: Session, tmp_path: Path) -> None:
    config = _config(tmp_path)
    long = "Netia nie działa od tygodnia, modem miga na czerwono, nikt nie odpisuje na reklamację."
    store_posts(session, [  # type: ignore[list-item]
        _post("a", long, url="https://blog.example.pl/x", author="ania", title="Netia i awaria"),
        _post("b", long, url="https://blog.example.pl/x", source="feed"),  # same URL: same story
        _post("c", "Dzięki Netia za szybką instalację, polecam", author="fan"),
        _post("d", "Orange nie działa, a Play jeszcze gorzej", author="x"),
    ])  # fmt: skip
    session.flush()
    result = process_posts(session, config)
    assert result.processed == 4 and result.complaints == 2 and result.off_brand == 1
    rows = {c.post.external_id: c for c in session.scalars(select(Complaint))}
    assert rows["a"].is_complaint and rows["a"].category == "outage"
    assert rows["a"].severity == "down_for_days" and rows["a"].needs_matching
    assert not rows["c"].is_complaint and rows["c"].about_brand
    assert not rows["d"].about_brand
    posts = {p.external_id: p for p in session.scalars(select(Post))}
    assert posts["a"].story_id == posts["b"].story_id != posts["c"].story_id
    audits = session.scalar(select(func.count()).select_from(AuditEvent))
    again = process_posts(session, config)
    assert again.processed == 0
    assert session.scalar(select(func.count()).select_from(Complaint)) == 4
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == audits
    assert session.scalar(select(func.count()).select_from(Story)) == 3


def test_an_edited_post_is_understood_again(session: Session, tmp_path: Path) -> None:
    config = _config(tmp_path)
    store_posts(session, [_post("a", "Netia ma nową ofertę")])  # type: ignore[list-item]
    session.flush()
    process_posts(session, config)
    row = session.scalar(select(Complaint))
    assert row is not None and not row.is_complaint
    row.needs_matching = False
    store_posts(session, [_post("a", "Netia nie działa od 5 dni i nikt nie odpowiada")])  # type: ignore[list-item]
    session.flush()
    process_posts(session, config)
    assert row.is_complaint and row.needs_matching


def test_a_comment_under_a_page_about_the_brand_is_about_the_brand(
    session: Session, tmp_path: Path
) -> None:
    config = _config(tmp_path)
    page = "https://blog.example.pl/2025/03/jak-netia-trzyma-moje-pieniadze"
    blog = "Netia od miesiąca nie oddaje mi 300 zł nadpłaty, reklamacja bez odpowiedzi."
    update = "Aktualizacja: pieniądze wróciły 2 kwietnia, po 36 dniach. Bez słowa przeprosin."
    store_posts(session, [  # type: ignore[list-item]
        _post("blog", blog, url=page, author="Jerzy M."),
        _post("c1", update, url=f"{page}#comment-231", author="Jerzy M.",
              published_at="2026-11-21T10:00:00Z"),
        _post("c2", "U mnie to samo z Orange, trzy tygodnie czekania na zwrot.",
              url=f"{page}#comment-232", published_at="2026-11-21T11:00:00Z"),
        _post("c3", update, url="https://other.example.pl/post#comment-1",
              published_at="2026-11-21T12:00:00Z"),
    ])  # fmt: skip
    session.flush()
    process_posts(session, config)
    rows = {c.post.external_id: c for c in session.scalars(select(Complaint))}
    assert rows["c1"].about_brand and rows["c1"].brand == "Netia"
    assert any("on a page about Netia" in reason for reason in rows["c1"].reasons)
    assert not rows["c2"].about_brand  # names another provider
    assert not rows["c3"].about_brand  # another page


def test_a_comment_in_a_reddit_thread_about_the_brand_is_about_the_brand(
    session: Session, tmp_path: Path
) -> None:
    config = _config(tmp_path)
    thread = "https://reddit.example/r/Polska/comments/1jz0m8k/netia_sciagnela_mi_dwa_razy/"
    other = "https://reddit.example/r/Polska/comments/1jz9zzz/pogoda_w_weekend/"
    store_posts(session, [  # type: ignore[list-item]
        _post("t", "Netia ściągnęła mi dwa razy po 89,99 zł za jeden miesiąc", url=thread),
        _post("r1", "u mnie 132,40 x2. jutro rano dzwonię, dziś nie ma szans",
              url=f"{thread}mn1a2b3/", published_at="2026-11-21T10:00:00Z"),
        _post("r2", "u mnie 132,40 x2. jutro rano dzwonię, dziś nie ma szans",
              url=f"{other}mn1a2b4/", published_at="2026-11-21T11:00:00Z"),
    ])  # fmt: skip
    session.flush()
    process_posts(session, config)
    rows = {c.post.external_id: c for c in session.scalars(select(Complaint))}
    assert rows["r1"].about_brand and rows["r1"].brand == "Netia"
    assert any("on a page about Netia: t" in reason for reason in rows["r1"].reasons)
    assert not rows["r2"].about_brand  # a comment in another thread


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("https://blog.example/x#comment-3", ("https://blog.example/x", "https://blog.example/x#")),
        (
            "https://reddit.example/r/krakow/comments/1j5kq2x/mig_still/mgk2a1b/",
            (
                "https://reddit.example/r/krakow/comments/1j5kq2x/",
                "https://reddit.example/r/krakow/comments/1j5kq2x/",
            ),
        ),
        ("https://reddit.example/r/krakow/comments/1j5kq2x/mig_still/", None),  # the thread
        ("https://forum.example/t/123", None),
        (None, None),
    ],
)
def test_the_page_a_reply_was_written_on(url: str | None, page: tuple[str, str] | None) -> None:
    assert reply_page(url) == page
