"""The Celery path against the real Redis: the same scenario as `watcher run`, the same decisions.

An embedded worker (celery.contrib.testing) consumes from Redis on this
machine; the tasks commit, then enqueue the next stage, until nothing is left.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from sqlalchemy import select

from watcher import db, tasks
from watcher.alerts.send import DryRunNotifier
from watcher.config import load_config
from watcher.matching.decisions import export_decisions
from watcher.models import Alert, Complaint, Post, Report
from watcher.runner import Runner

BROKER = "redis://127.0.0.1:6379/15"


@pytest.fixture
def worker(demo_site: tuple[Path, Path], database_url: str) -> Iterator[Path]:
    out, config_path = demo_site
    config = load_config(
        str(config_path),
        overrides={"DATABASE_URL": database_url, "CELERY_BROKER_URL": BROKER},
    )
    app = tasks.configure(config)
    app.conf.update(broker_transport_options={"visibility_timeout": 60})
    with start_worker(
        app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=10
    ):
        yield out
    tasks.engine().dispose()
    tasks._state.clear()


def _unsettled(url: str) -> list[str]:
    """What the pipeline still has to do; empty once it settled."""
    engine = db.make_engine(url)
    try:
        with db.session_scope(engine) as session:
            posts = session.scalars(select(Post)).all()
            complaints = session.scalars(select(Complaint)).all()
            alerts = session.scalars(select(Alert)).all()
            waiting = [
                f"{len(posts)} posts of 9",
                *(f"post {p.external_id} to understand" for p in posts if p.needs_processing),
                f"{len(complaints)} complaints of 9",
                *(f"complaint {c.id} to decide" for c in complaints if c.decision is None),
                *(
                    f"complaint {c.id} to act on"
                    for c in complaints
                    if c.decision in ("linked", "new_ticket") and c.acted_at is None
                ),
                "no alert yet" if not alerts else "",
                *(f"alert {a.kind} {a.status}" for a in alerts if a.status != "sent"),
            ]
            return [w for w in waiting if w and w not in ("9 posts of 9", "9 complaints of 9")]
    finally:
        engine.dispose()


def _decisions(url: str) -> set[tuple[str, str | None, str | None]]:
    engine = db.make_engine(url)
    with db.session_scope(engine) as session:
        rows = {
            (r["external_id"], r["decision"], r["ticket_id"] if r["decision"] == "linked" else None)
            for r in export_decisions(session)
        }
    engine.dispose()
    return rows


def test_celery_workers_reach_the_same_decisions_as_watcher_run(
    worker: Path,
    demo_site: tuple[Path, Path],
    database_url: str,
    tmp_path: Path,
) -> None:
    config = tasks.current_config()
    for source in config.sources:
        tasks.collect.delay(source.name)
    deadline = time.monotonic() + 90
    while waiting := _unsettled(database_url):
        assert time.monotonic() < deadline, f"not settled within 90 s: {waiting}"
        time.sleep(0.5)

    embedded_url = f"sqlite:///{tmp_path / 'embedded.db'}"
    embedded = load_config(str(demo_site[1]), overrides={"DATABASE_URL": embedded_url})
    engine = db.make_engine(embedded_url)
    db.ensure_schema(engine)
    Runner(embedded, engine, DryRunNotifier(tmp_path / "alerts.jsonl")).tick()
    engine.dispose()
    assert _decisions(database_url) == _decisions(embedded_url)


def test_beat_schedule_follows_the_sources(worker: Path) -> None:
    schedule = tasks.app.conf.beat_schedule
    assert schedule["collect news-feed"]["schedule"] == 5.0
    assert schedule["collect forum-krakow"]["args"] == ("forum-krakow",)
    assert tasks.app.conf.task_acks_late and tasks.app.conf.task_serializer == "json"
    assert schedule["check the watch"]["task"] == "watcher.tasks.watch"
    assert schedule["weekly fairness summary"]["schedule"].day_of_week == {1}


def test_weekly_fairness_and_watch_tasks_run_on_the_worker(worker: Path, database_url: str) -> None:
    tasks.watch.delay()
    tasks.weekly_fairness.delay(days=30)
    engine = db.make_engine(database_url)
    deadline = time.monotonic() + 60
    alerts: list[Alert] = []
    while not alerts and time.monotonic() < deadline:
        time.sleep(0.3)
        with db.session_scope(engine) as session:
            alerts = list(session.scalars(select(Alert)))
            reports = list(session.scalars(select(Report.id)))
    engine.dispose()
    assert [(a.kind, a.subject, a.channel) for a in alerts] == [
        ("fairness_summary", f"report:{reports[0]}", "#compliance")
    ]  # and nothing about the watch: every source is fine
