"""Celery: thin tasks over the same stages `watcher run` drives (ids in, re-fetch, call the stage).

    celery -A watcher.tasks worker        celery -A watcher.tasks beat

Every task commits before it enqueues the next one, so a worker never picks up
ids that are not in the database yet. Tasks are idempotent under acks_late:
a task redelivered after a crash re-runs a stage that only acts on what still
needs it. Outside failures (a site down, the database away) retry with
exponential backoff and jitter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from celery import Celery
from celery.schedules import crontab
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from watcher import db
from watcher.alerts.build import queue_alerts, queue_fairness_summary, queue_watch_alerts
from watcher.alerts.send import notifier_for, send_alerts
from watcher.config import Config, load_config, parse_duration
from watcher.fairness.report import ReportParams, build_report, store_report
from watcher.matching.linker import Linker
from watcher.models import Complaint
from watcher.sources.base import SourceError
from watcher.sources.collect import collect_source
from watcher.tickets.actions import act_on_complaints
from watcher.tickets.adapters import adapter_for
from watcher.tickets.outbox import deliver_outbox
from watcher.understanding.stage import process_posts

app = Celery("watcher")
_state: dict[str, Any] = {}
RETRY = {
    "autoretry_for": (SourceError, OperationalError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
}


def configure(config: Config) -> Celery:
    """Point the app at the settings' broker and build the beat schedule from the sources."""
    _state.clear()
    _state["config"] = config
    schedule: dict[str, dict[str, Any]] = {
        f"collect {source.name}": {
            "task": "watcher.tasks.collect",
            "schedule": parse_duration(source.interval).total_seconds(),
            "args": (source.name,),
        }
        for source in config.sources
    }
    schedule["send alerts"] = {"task": "watcher.tasks.deliver_alerts", "schedule": 60.0}
    schedule["check the watch"] = {"task": "watcher.tasks.watch", "schedule": 300.0}
    schedule["weekly fairness summary"] = {
        "task": "watcher.tasks.weekly_fairness",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    }
    schedule["deliver helpdesk changes"] = {
        "task": "watcher.tasks.deliver_changes",
        "schedule": 60.0,
    }
    app.conf.update(
        broker_url=config["CELERY_BROKER_URL"],
        result_backend=config["CELERY_RESULT_BACKEND"] or None,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=not config["CELERY_RESULT_BACKEND"],
        beat_schedule=schedule,
        timezone="UTC",
        broker_connection_retry_on_startup=True,
    )
    return app


def current_config() -> Config:
    if "config" not in _state:
        configure(load_config())
    config: Config = _state["config"]
    return config


def engine() -> Engine:
    if "engine" not in _state:
        _state["engine"] = db.make_engine(current_config()["DATABASE_URL"])
        db.ensure_schema(_state["engine"], auto_upgrade=current_config()["DATABASE_AUTO_UPGRADE"])
    result: Engine = _state["engine"]
    return result


def linker() -> Linker:
    """One Linker per worker process: its text index is built once and refreshed."""
    if "linker" not in _state:
        _state["linker"] = Linker(current_config())
    result: Linker = _state["linker"]
    return result


@app.task(name="watcher.tasks.collect", **RETRY)
def collect(source_name: str) -> int:
    config = current_config()
    source = next((s for s in config.sources if s.name == source_name), None)
    if source is None:
        return 0
    with db.session_scope(engine()) as session:
        try:
            result = collect_source(session, config, source)
        finally:
            session.commit()  # a failure is recorded on the source before the retry
    if result.post_ids:
        understand.delay(result.post_ids)
    return len(result.post_ids)


@app.task(name="watcher.tasks.understand", **RETRY)
def understand(post_ids: Sequence[int]) -> int:
    with db.session_scope(engine()) as session:
        process_posts(session, current_config(), post_ids=list(post_ids))
        # Every complaint that needs matching, not only these posts': a post joining a story
        # sends the story's other complaints back to be decided again.
        ids = list(session.scalars(select(Complaint.id).where(Complaint.needs_matching.is_(True))))
        session.commit()
    if ids:
        match.delay(ids)
    return len(ids)


@app.task(name="watcher.tasks.match", **RETRY)
def match(complaint_ids: Sequence[int]) -> int:
    with db.session_scope(engine()) as session:
        linker().run(session, only=list(complaint_ids))
        session.commit()
    act.delay(list(complaint_ids))
    return len(complaint_ids)


@app.task(name="watcher.tasks.act", **RETRY)
def act(complaint_ids: Sequence[int]) -> int:
    config = current_config()
    with db.session_scope(engine()) as session:
        now = datetime.now(UTC)
        acted = act_on_complaints(session, config, now=now, complaint_ids=list(complaint_ids))
        alerts = queue_alerts(session, config, acted, now=now)
        alerts += queue_watch_alerts(session, config, now=now)
        session.commit()
    if alerts:
        deliver_alerts.delay()
    deliver_changes.delay()
    return len(acted)


@app.task(name="watcher.tasks.deliver_changes", **RETRY)
def deliver_changes() -> int:
    """Deliver the helpdesk outbox; items that must wait are picked up by the next run."""
    with db.session_scope(engine()) as session:
        delivered = deliver_outbox(session, adapter_for(current_config())).delivered
        session.commit()
    return delivered


@app.task(name="watcher.tasks.deliver_alerts", **RETRY)
def deliver_alerts() -> int:
    with db.session_scope(engine()) as session:
        config = current_config()
        sent = send_alerts(session, notifier_for(config), config=config).sent
        session.commit()
    return sent


@app.task(name="watcher.tasks.watch", **RETRY)
def watch() -> int:
    """Unhealthy sources, spreading stories and SLA breaches, even when no post came in."""
    with db.session_scope(engine()) as session:
        alerts = queue_watch_alerts(session, current_config())
        session.commit()
    if alerts:
        deliver_alerts.delay()
    return len(alerts)


@app.task(name="watcher.tasks.weekly_fairness", **RETRY)
def weekly_fairness(days: int = 90) -> int:
    """The fairness report over the last `days`, stored, its summary sent to compliance."""
    config = current_config()
    until = datetime.now(UTC)
    params = ReportParams(since=until - timedelta(days=days), until=until,
                          strict_score=config["MATCH_LINK_THRESHOLD"] + 3)  # fmt: skip
    with db.session_scope(engine()) as session:
        report = store_report(session, build_report(session, params))
        alerts = queue_fairness_summary(session, config, report)
        session.commit()
    if alerts:
        deliver_alerts.delay()
    return report.id
