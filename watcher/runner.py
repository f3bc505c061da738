"""The embedded driver: one process, no broker. Poll due sources, run the stages, send alerts.

Each tick commits what it did, so stopping (Ctrl-C) or killing the process
loses nothing: fetched posts are stored, and whatever was not finished is
marked as needing work and picked up by the next tick or the next start.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from watcher import db
from watcher.alerts.send import Notifier, notifier_for, send_alerts
from watcher.config import Config
from watcher.matching.linker import Linker
from watcher.models import Alert, Complaint, Post, Source
from watcher.sources.base import SourceError
from watcher.sources.collect import collect_source, due_sources
from watcher.stages import run_pipeline


@dataclass
class Status:
    """What the live view shows after each tick."""

    ticks: int = 0
    last_tick: datetime | None = None
    collected: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    queues: dict[str, int] = field(default_factory=dict)
    last_summary: str = ""
    alerts_sent: int = 0


def queue_depths(session: Session) -> dict[str, int]:
    def count(query: object) -> int:
        return int(session.scalar(query) or 0)  # type: ignore[call-overload]

    return {
        "posts to understand": count(
            select(func.count()).select_from(Post).where(Post.needs_processing.is_(True))
        ),
        "complaints to match": count(
            select(func.count()).select_from(Complaint).where(Complaint.needs_matching.is_(True))
        ),
        "alerts to send": count(
            select(func.count()).select_from(Alert).where(Alert.status == "pending")
        ),
    }


class Runner:
    """Runs ticks against one database; the Linker's index lives as long as the runner."""

    def __init__(self, config: Config, engine: Engine, notifier: Notifier | None = None) -> None:
        self.config = config
        self.engine = engine
        self.notifier = notifier or notifier_for(config)
        self.linker = Linker(config)
        self.status = Status()

    def tick(self, now: datetime | None = None) -> Status:
        """One pass: collect what is due, run every stage, deliver alerts."""
        now = now or datetime.now(UTC)
        with db.session_scope(self.engine) as session:
            for source in due_sources(session, self.config, now):
                try:
                    result = collect_source(session, self.config, source, now=now)
                    self.status.collected[source.name] = (
                        "not modified" if result.not_modified else f"+{result.created} new"
                    )
                    self.status.errors.pop(source.name, None)
                except SourceError as exc:
                    self.status.errors[source.name] = str(exc)
                session.commit()
            pipeline = run_pipeline(session, self.config, linker=self.linker, now=now)
            session.commit()
            sent = send_alerts(session, self.notifier, now=now, config=self.config)
            self.status.alerts_sent += sent.sent
            session.commit()
            for name, error in session.execute(select(Source.name, Source.last_error)):
                if error and name not in self.status.errors:
                    self.status.errors[name] = error
            self.status.queues = queue_depths(session)
        self.status.ticks += 1
        self.status.last_tick = now
        self.status.last_summary = pipeline.summary()
        return self.status

    def run(
        self,
        *,
        tick_seconds: float,
        on_tick: Callable[[Status], None] | None = None,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> None:
        """Tick until told to stop; KeyboardInterrupt ends it between ticks."""
        while not should_stop():
            started = time.monotonic()
            status = self.tick()
            if on_tick:
                on_tick(status)
            remaining = tick_seconds - (time.monotonic() - started)
            deadline = time.monotonic() + max(remaining, 0)
            while time.monotonic() < deadline and not should_stop():
                time.sleep(min(0.2, max(deadline - time.monotonic(), 0)))
