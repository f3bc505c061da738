"""`watcher demo`: the whole path offline, and the product's point shown."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from watcher import db
from watcher.cli import cli
from watcher.config import load_config
from watcher.demo.run import run_demo
from watcher.models import Alert, Ticket, TicketEvent
from watcher.stages import run_pipeline


def test_demo_runs_every_stage_and_lifts_the_quiet_customers(tmp_path: Path) -> None:
    out = tmp_path / "demo-out"
    result = run_demo(out)
    assert result.posts_by_source == {"blog-wisniewski": 3, "forum-krakow": 4, "news-feed": 2}
    pipeline = result.pipeline
    assert pipeline is not None
    assert pipeline.matched.decisions["linked"] >= 2
    # The spam reply under the outage thread's title is no complaint, so no ticket for it.
    assert pipeline.matched.decisions["new_ticket"] == 1
    assert sum(len(a.twins_lifted) for a in pipeline.acted) == 4
    outage = {row[0]: row for row in result.story}
    loud = outage["NT-20417"]
    assert loud[2] == "public"
    quiet = [row for key, row in outage.items() if key.startswith("NT-") and key != "NT-20417"]
    assert len(quiet) == 4
    assert all(row[2] == "quiet" and row[3] == loud[3] for row in quiet)
    lines = result.dry_run_path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == result.alerts_sent > 0
    for line in lines:
        payload = json.dumps(json.loads(line)["payload"])
        assert "<!channel>" not in payload and "<http://evil" not in payload


def test_running_the_stages_again_changes_nothing(tmp_path: Path) -> None:
    result = run_demo(tmp_path / "demo-out")
    config = load_config(str(result.config_path))
    engine = db.make_engine(config["DATABASE_URL"])
    with db.session_scope(engine) as session:
        counts = [
            session.scalar(select(func.count()).select_from(m))
            for m in (Ticket, TicketEvent, Alert)
        ]
        again = run_pipeline(session, config)
        assert again.acted == [] and again.alerts == 0
        assert [
            session.scalar(select(func.count()).select_from(m))
            for m in (Ticket, TicketEvent, Alert)
        ] == counts
    engine.dispose()


def test_demo_command_prints_the_summary(tmp_path: Path) -> None:
    out = tmp_path / "d"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "quiet customers lifted" in result.output
    assert "NT-20417" in result.output
    assert (out / "watcher.db").exists() and (out / "slack-dry-run.jsonl").exists()
