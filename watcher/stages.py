"""The pipeline's stages in order, as `watcher process`, `watcher eval` and the drivers run them.

Each stage works on what is marked as needing it (posts to understand,
complaints to match), so running the pipeline twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from watcher.config import Config
from watcher.matching.linker import Linker, MatchResult


@dataclass
class PipelineResult:
    understood: Any
    matched: MatchResult

    def summary(self) -> str:
        decisions = ", ".join(f"{n} {kind}" for kind, n in sorted(self.matched.decisions.items()))
        understood = getattr(self.understood, "processed", 0)
        kept = self.matched.kept_by_person
        parts = [f"understood {understood} posts", f"matched {self.matched.total} complaints"]
        if decisions:
            parts[-1] += f" ({decisions})"
        if kept:
            parts.append(f"{kept} kept as a person decided")
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
    linker = linker or Linker(config)
    matched = linker.run(session, now=now or datetime.now(UTC))
    return PipelineResult(understood, matched)
