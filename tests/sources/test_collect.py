"""Collecting sources into the post store: idempotent, edits marked, failures recorded.

The forum and blog are crawled for real by Scrapy in a child process, from the
demo's phpBB and WordPress-style pages served on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.fakeweb import Reply, fake_web
from watcher.cli import cli
from watcher.config import Config, SourceConfig, load_config
from watcher.demo.server import serve
from watcher.demo.site import render_site
from watcher.models import Post, Source
from watcher.sources.base import SourceError
from watcher.sources.collect import collect_source, due_sources

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    root = tmp_path_factory.mktemp("site")
    with serve(root) as base:
        yield root, render_site(root, base)


def _config(tmp_path: Path, urls: dict[str, str]) -> Config:
    path = tmp_path / "watcher.toml"
    path.write_text(
        f"""
[[sources]]
name = "forum"
type = "forum"
url = "{urls["forum"]}"
preset = "phpbb3"
internal = true
[[sources]]
name = "blog"
type = "blog"
url = "{urls["blog"]}"
internal = true
[[sources]]
name = "feed"
type = "feed"
url = "{urls["feed"]}"
internal = true
interval = "15m"
""",
        encoding="utf-8",
    )
    return load_config(str(path))


def _posts(session: Session, source: str) -> list[Post]:
    return list(session.scalars(select(Post).join(Source).where(Source.name == source)))


def test_forum_blog_and_feed_are_read_once(
    session: Session, site: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    config = _config(tmp_path, site[1])
    for source in config.sources:
        collect_source(session, config, source)
    forum = _posts(session, "forum")
    assert {p.author for p in forum} == {"grzesiek_b", "ola_podgorze", "Jan Kowalski"}
    assert all(p.published_at is not None for p in forum)
    script_post = next(p for p in forum if "Restart" in p.text)
    assert "<script>" in script_post.text  # the poster's words, kept as inert text
    blog = _posts(session, "blog")
    assert {p.author for p in blog} == {"Tomasz Wiśniewski", "Emily Carter", "promo-bot"}
    assert len(_posts(session, "feed")) == 2
    before = session.scalar(select(func.count()).select_from(Post))
    for source in config.sources:
        result = collect_source(session, config, source)
        assert result.created == 0
    assert session.scalar(select(func.count()).select_from(Post)) == before


def test_an_edited_post_is_updated_and_marked(
    session: Session, site: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, urls = site
    config = _config(tmp_path, urls)
    feed = next(s for s in config.sources if s.name == "feed")
    collect_source(session, config, feed)
    for post in _posts(session, "feed"):
        post.needs_processing = False
    original = (root / "feed.xml").read_text(encoding="utf-8")
    try:
        (root / "feed.xml").write_text(original.replace("2 Gb/s", "5 Gb/s"), encoding="utf-8")
        result = collect_source(session, config, feed)
    finally:
        (root / "feed.xml").write_text(original, encoding="utf-8")
    assert result.edited == 1
    edited = [p for p in _posts(session, "feed") if p.needs_processing]
    assert len(edited) == 1 and "5 Gb/s" in edited[0].text


def test_a_failing_source_records_its_error(session: Session, tmp_path: Path) -> None:
    config = load_config(None)
    broken = SourceConfig(
        name="gone", type="feed", url="http://127.0.0.1:9/feed.xml", internal=True
    )
    with pytest.raises(SourceError):
        collect_source(session, config, broken)
    row = session.scalar(select(Source).where(Source.name == "gone"))
    assert row is not None and row.last_error and row.last_success_at is None


def test_unknown_forum_preset_is_a_clear_error(session: Session, tmp_path: Path) -> None:
    config = load_config(None)
    source = SourceConfig(
        name="f", type="forum", url="http://127.0.0.1:9/", internal=True, options={"preset": "nope"}
    )
    with pytest.raises(SourceError, match="unknown forum preset 'nope'"):
        collect_source(session, config, source)


def test_due_sources_follow_their_interval(
    session: Session, site: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    config = _config(tmp_path, site[1])
    feed = next(s for s in config.sources if s.name == "feed")
    collect_source(session, config, feed)
    row = session.scalar(select(Source).where(Source.name == "feed"))
    assert row is not None and row.last_run_at is not None
    due = {s.name for s in due_sources(session, config, row.last_run_at)}
    assert "feed" not in due and {"forum", "blog"} <= due


EMPTY_RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
ONE_ITEM = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><guid>x-1</guid>'
    b"<title>Netia</title><description>Brak internetu</description></item></channel></rss>"
)


def test_health_empty_three_times_or_failing_is_unhealthy_and_listed_in_red(
    session: Session, tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(None)
    with fake_web() as web:
        feed = SourceConfig(name="quiet", type="feed", url=f"{web.base}/feed", internal=True)
        web.reply("/feed", Reply(200, EMPTY_RSS, {"Content-Type": "application/rss+xml"}))
        for run in range(3):
            collect_source(session, config, feed)
            row = session.scalar(select(Source).where(Source.name == "quiet"))
            assert row is not None and (row.unhealthy_reason is None) == (run < 2)
        assert row.empty_runs == 3 and "yielded nothing in 3 runs" in (row.unhealthy_reason or "")
        web.reply("/feed", Reply(200, ONE_ITEM, {"Content-Type": "application/rss+xml"}))
        collect_source(session, config, feed)
        assert (row.unhealthy_reason, row.empty_runs, row.last_found, row.last_new) == (
            None, 0, 1, 1,
        )  # fmt: skip
        web.reply("/feed", Reply(503, b"<!channel> [bold]down[/bold]"))
        with pytest.raises(SourceError):
            collect_source(session, config, feed)
        assert (row.unhealthy_reason or "").startswith("failed:") and row.unhealthy_since
    session.commit()
    (tmp_path / "watcher.toml").write_text(
        f'[[sources]]\nname = "quiet"\ntype = "feed"\nurl = "{web.base}/feed"\ninternal = true\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WATCHER_DATABASE_URL", database_url)
    listed = CliRunner().invoke(cli, ["sources"], env={"COLUMNS": "250", "FORCE_COLOR": "1"})
    assert listed.exit_code == 0, listed.output
    assert "\x1b[31m" in listed.output and "unhealthy: failed" in listed.output


def test_crawl_all_reads_what_is_due_with_a_summary(
    site: tuple[Path, dict[str, str]], tmp_path: Path, database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    _config(tmp_path, site[1])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WATCHER_DATABASE_URL", database_url)
    runner = CliRunner()
    first = runner.invoke(cli, ["crawl", "--all"])
    assert first.exit_code == 0, first.output
    assert "forum: created 4" in first.output and "feed: created 2" in first.output
    assert "3 sources: 9 new posts, 0 edited, 0 failed" in first.output
    assert "no source is due" in runner.invoke(cli, ["crawl", "--all"]).output
    forced = runner.invoke(cli, ["crawl", "--all", "--force"])
    assert "3 sources: 0 new posts" in forced.output
    unknown = runner.invoke(cli, ["crawl", "nope"])
    assert unknown.exit_code != 0 and "configured: forum, blog, feed" in unknown.output


def test_scrapy_crawl_forum_reads_a_configured_source(
    site: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    _config(tmp_path, site[1])
    out = tmp_path / "posts.jsonl"
    env = {**os.environ, "WATCHER_CONFIG": str(tmp_path / "watcher.toml")}
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "forum", "-a", "source=forum", "-O", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    posts = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {p["author"] for p in posts} == {"grzesiek_b", "ola_podgorze", "Jan Kowalski"}
    assert all("thread" not in p for p in posts)  # checkpoints are watcher crawl's business
