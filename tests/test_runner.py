"""`watcher run`: polls sources at their interval and takes a new post through every stage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine, select

from watcher import db
from watcher.alerts.send import DryRunNotifier
from watcher.cli import cli
from watcher.config import load_config
from watcher.models import Complaint, Post
from watcher.runner import Runner

NEW_ITEM = """<item><title>Netia: od tygodnia nie działa internet na Kalwaryjskiej</title>
<link>https://news.example.pl/kalwaryjska</link><guid>news-3</guid>
<pubDate>Sat, 21 Nov 2026 09:00:00 +0100</pubDate>
<description>Mieszkańcy Kalwaryjskiej od tygodnia bez internetu,
nikt nie odpowiada na zgłoszenia.</description></item>
</channel>"""


def _engine(database_url: str) -> Engine:
    engine = db.make_engine(database_url)
    db.ensure_schema(engine, auto_upgrade=True)
    return engine


def test_a_new_feed_item_is_processed_within_one_interval(
    demo_site: tuple[Path, Path], database_url: str
) -> None:
    out, config_path = demo_site
    config = load_config(str(config_path), overrides={"DATABASE_URL": database_url})
    runner = Runner(config, _engine(database_url), DryRunNotifier(out / "alerts.jsonl"))
    start = datetime.now(UTC)
    first = runner.tick(start)
    assert first.errors == {} and first.collected["news-feed"] == "+2 new"
    assert first.queues["posts to understand"] == 0

    feed = out / "site" / "feed.xml"
    feed.write_text(
        feed.read_text(encoding="utf-8").replace("</channel>", NEW_ITEM), encoding="utf-8"
    )
    early = runner.tick(start + timedelta(seconds=2))
    assert (
        "news-feed" in early.collected and early.collected["news-feed"] == "+2 new"
    )  # not due yet
    runner.tick(start + timedelta(seconds=6))
    assert runner.status.collected["news-feed"] == "+1 new"
    with db.session_scope(runner.engine) as session:
        post = session.scalar(select(Post).where(Post.external_id == "news-3"))
        assert post is not None and not post.needs_processing
        complaint = session.scalar(select(Complaint).where(Complaint.post_id == post.id))
        assert complaint is not None and complaint.decision is not None
    runner.engine.dispose()


def test_run_once_command(demo_site: tuple[Path, Path], tmp_path: Path) -> None:
    _, config_path = demo_site
    url = f"sqlite:///{tmp_path / 'once.db'}"
    result = CliRunner().invoke(cli, ["run", "--once", "--config", str(config_path), "--db", url])
    assert result.exit_code == 0, result.output
    assert "understood 9 posts" in result.output
