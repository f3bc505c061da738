"""`watcher demo`: the whole path offline, on SQLite, with local sites and the Slack dry-run sink.

It serves a phpBB forum, a blog with comments and an RSS feed on 127.0.0.1,
imports example tickets (quiet customers sharing an outage with one loud
blogger among them), runs every stage through the same functions `watcher
run` and the Celery tasks use, and leaves a database to explore.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib.resources import as_file, files
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watcher import db
from watcher.alerts.send import DryRunNotifier, send_alerts
from watcher.config import load_config
from watcher.demo.server import serve
from watcher.demo.site import render_site
from watcher.fairness.report import ReportParams, build_report, store_report, write_report
from watcher.formats.tickets import read_tickets
from watcher.models import Complaint, Post, Source, Ticket
from watcher.sources.collect import collect_source
from watcher.stages import PipelineResult, run_pipeline
from watcher.tickets.store import import_tickets

CONFIG = """# Written by `watcher demo`: the demo's brand, sources and files.
[database]
url = "sqlite:///{db}"

[[brands]]
name = "Netia"
aliases = ["Netia", "Dropss"]
exclude = []

[tickets]
ref_patterns = ['NT-\\d+']

[slack]
dry_run_path = "{dry_run}"

[[sources]]
name = "forum-krakow"
type = "forum"
url = "{forum}"
preset = "phpbb3"
interval = "1m"
internal = true        # the demo's sites run on 127.0.0.1

[[sources]]
name = "blog-wisniewski"
type = "blog"
url = "{blog}"
interval = "1m"
internal = true

[[sources]]
name = "news-feed"
type = "feed"
url = "{feed}"
interval = "1m"
internal = true
"""


@dataclass
class DemoResult:
    out: Path
    config_path: Path
    dry_run_path: Path
    posts_by_source: dict[str, int] = field(default_factory=dict)
    pipeline: PipelineResult | None = None
    alerts_sent: int = 0
    report_path: Path | None = None
    story: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    seconds: float = 0.0


def write_config(out: Path, urls: dict[str, str]) -> Path:
    path = out / "watcher.toml"
    path.write_text(
        CONFIG.format(
            db=(out / "watcher.db").as_posix(),
            dry_run=(out / "slack-dry-run.jsonl").as_posix(),
            **urls,
        ),
        encoding="utf-8",
    )
    return path


def _outage_table(session: Session) -> list[tuple[str, str, str, str, str]]:
    """The loud ticket and its quiet twins: who, public or not, priority and why."""
    loud = session.scalar(select(Ticket).where(Ticket.external_id == "NT-20417"))
    if loud is None:
        return []
    rows = []
    twins = session.scalars(
        select(Ticket).where(Ticket.category == loud.category, Ticket.status != "solved")
        .order_by(Ticket.created_at)
    ).all()  # fmt: skip
    public = set(
        session.scalars(select(Complaint.decision_ticket_id).where(Complaint.decision == "linked"))
    )
    for ticket in twins:
        rows.append(
            (
                ticket.external_id,
                ticket.requester_name or "-",
                "public" if ticket.id in public or ticket.origin == "watcher" else "quiet",
                ticket.current_priority or ticket.priority or "normal",
                (ticket.priority_reason or "-")[:110],
            )
        )
    return rows


def run_demo(out: Path, *, keep_serving: float = 0.0) -> DemoResult:
    """Run the demo into `out` (replaced); returns what the summary shows."""
    started = time.perf_counter()
    if out.exists():
        shutil.rmtree(out)
    (out / "site").mkdir(parents=True)
    with serve(out / "site") as base:
        urls = render_site(out / "site", base)
        config_path = write_config(out, urls)
        config = load_config(str(config_path))
        result = DemoResult(out, config_path, Path(config["SLACK_DRY_RUN_PATH"]))
        engine = db.make_engine(config["DATABASE_URL"])
        db.ensure_schema(engine, auto_upgrade=True)
        with as_file(files("watcher.demo").joinpath("data/tickets.csv")) as tickets_csv:
            tickets = read_tickets(tickets_csv, default_tz=config.timezone)
        with db.session_scope(engine) as session:
            import_tickets(session, tickets.records, actor="demo")
            session.commit()
            for source in config.sources:
                collect_source(session, config, source)
                session.commit()
            result.pipeline = run_pipeline(session, config, now=datetime.now(UTC))
            session.commit()
            result.alerts_sent = send_alerts(session, DryRunNotifier(result.dry_run_path)).sent
            now = datetime.now(UTC)
            params = ReportParams(since=now - timedelta(days=120), until=now, min_cell=2)
            body = store_report(session, build_report(session, params)).body
            result.report_path = write_report(body, out / "report")[1]
            session.commit()
            counts = session.execute(
                select(Source.name, func.count(Post.id)).join(Post).group_by(Source.name)
            ).all()
            result.posts_by_source = {name: n for name, n in counts}
            result.story = _outage_table(session)
        engine.dispose()
        if keep_serving:
            time.sleep(keep_serving)
    result.seconds = time.perf_counter() - started
    return result
