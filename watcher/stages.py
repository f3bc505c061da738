"""The pipeline's stages in order, as `watcher process`, `watcher eval` and the drivers run them.

Each stage works on what is marked as needing it (posts to understand,
complaints to match), so running the pipeline twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from watcher.alerts.build import queue_alerts, queue_watch_alerts
from watcher.config import Config
from watcher.matching.linker import Linker, MatchResult
from watcher.tickets.actions import ActionResult, act_on_complaints
from watcher.tickets.adapters import adapter_for
from watcher.tickets.outbox import DeliveryResult, deliver_outbox


@dataclass
class PipelineResult:
    understood: Any
    matched: MatchResult
    acted: list[ActionResult] = field(default_factory=list)
    alerts: int = 0
    delivered: DeliveryResult | None = None

    def summary(self) -> str:
        decisions = ", ".join(f"{n} {kind}" for kind, n in sorted(self.matched.decisions.items()))
        understood = getattr(self.understood, "processed", 0)
        kept = self.matched.kept_by_person
        parts = [f"understood {understood} posts", f"matched {self.matched.total} complaints"]
        if decisions:
            parts[-1] += f" ({decisions})"
        if kept:
            parts.append(f"{kept} kept as a person decided")
        created = sum(a.created for a in self.acted)
        raised = sum(a.raised for a in self.acted)
        twins = sum(len(a.twins_lifted) for a in self.acted)
        if self.acted:
            parts.append(
                f"acted on {len(self.acted)} ({created} tickets created, {raised} raised, "
                f"{twins} quiet customers lifted)"
            )
        if self.delivered and (self.delivered.delivered or self.delivered.retrying):
            parts.append(
                f"helpdesk: {self.delivered.delivered} changes delivered, "
                f"{self.delivered.retrying} to retry, {self.delivered.failed} failed"
            )
        if self.alerts:
            parts.append(f"{self.alerts} alerts queued")
        return "; ".join(parts)


def understand_posts(
    session: Session, config: Config, *, progress: Callable[[int], None] | None = None
) -> Any:
    from watcher.understanding.stage import process_posts

    return process_posts(session, config, progress=progress)


def run_pipeline(
    session: Session,
    config: Config,
    *,
    linker: Linker | None = None,
    now: datetime | None = None,
) -> PipelineResult:
    """Understand new posts, then match the complaints that need it."""
    understood = understand_posts(session, config)
    session.flush()
    now = now or datetime.now(UTC)
    linker = linker or Linker(config)
    matched = linker.run(session, now=now)
    acted = act_on_complaints(session, config, now=now)
    alerts = queue_alerts(session, config, acted, now=now)
    alerts += queue_watch_alerts(session, config, now=now)
    delivered = deliver_outbox(session, adapter_for(config), now=now)
    return PipelineResult(understood, matched, acted, len(alerts), delivered)
