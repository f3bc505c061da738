"""The collect stage: read one configured source and store its posts like `posts import` does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watcher.config import Config, SourceConfig, parse_duration
from watcher.models import AuditEvent, Post, Source
from watcher.posts import StoreSummary, store_posts
from watcher.sources.base import Collected, SourceError
from watcher.sources.fetch import FetchLimits


@dataclass
class CollectResult:
    source: str
    created: int = 0
    edited: int = 0
    unchanged: int = 0
    not_modified: bool = False
    warnings: list[str] = field(default_factory=list)
    post_ids: list[int] = field(default_factory=list)


def limits_from(config: Config) -> FetchLimits:
    return FetchLimits(
        max_bytes=config["FETCH_MAX_BYTES"],
        timeout=config["FETCH_TIMEOUT"],
        user_agent=config["FETCH_USER_AGENT"],
    )


def read_source(source: SourceConfig, row: Source, config: Config) -> Collected:
    """Dispatch to the reader of the source's type."""
    limits = limits_from(config)
    if source.type == "feed":
        from watcher.sources.feed import collect_feed

        return collect_feed(
            source, dict(row.checkpoint or {}), limits=limits, etag=row.etag,
            last_modified=row.last_modified,
        )  # fmt: skip
    if source.type == "mastodon":
        from watcher.sources.mastodon import collect_mastodon

        return collect_mastodon(source, dict(row.checkpoint or {}), limits=limits)
    if source.type == "reddit":
        from watcher.sources.reddit import collect_reddit

        return collect_reddit(source, dict(row.checkpoint or {}), config, config.brands)
    if source.type == "forum":
        preset = dict(source.options).get("preset")
        if preset == "discourse":
            from watcher.sources.discourse import collect_discourse

            return collect_discourse(source, dict(row.checkpoint or {}), limits=limits)
        _check_forum_preset(source.name, preset)
    if source.type in ("forum", "blog"):
        from watcher.spiders.run import collect

        return collect(
            source, dict(row.checkpoint or {}), limits=limits, timeout=config["CRAWL_TIMEOUT"]
        )
    raise SourceError(
        f"{source.name}: sources of type {source.type!r} cannot be read by this version yet; "
        "export its posts to the Posts format and use `watcher posts import`"
    )


API_PRESETS = ("discourse",)  # forum engines read through their JSON API, not scraped


def _check_forum_preset(name: str, preset: Any) -> None:
    """An unknown preset fails here, before a crawl, naming every preset there is."""
    from watcher.spiders.presets import FORUM_PRESETS

    if preset is not None and preset not in FORUM_PRESETS:
        known = ", ".join(sorted([*FORUM_PRESETS, *API_PRESETS]))
        raise SourceError(
            f"{name}: unknown forum preset {preset!r}; known: {known}, or give selectors = {{...}}"
        )


def source_row(session: Session, source: SourceConfig) -> Source:
    row = session.scalar(select(Source).where(Source.name == source.name))
    settings: dict[str, Any] = {"interval": source.interval, **dict(source.options)}
    if row is None:
        row = Source(name=source.name, type=source.type, url=source.url, settings=settings)
        session.add(row)
        session.flush()
    else:
        row.type, row.url, row.settings = source.type, source.url, settings
    return row


EMPTY_RUNS_UNHEALTHY = 3


def _mark_unhealthy(row: Source, reason: str, now: datetime) -> None:
    if row.unhealthy_since is None:
        row.unhealthy_since = now
    row.unhealthy_reason = reason[:2000]


def collect_source(
    session: Session, config: Config, source: SourceConfig, *, now: datetime | None = None
) -> CollectResult:
    """Read a source and store its posts; a failure is recorded on the source and re-raised."""
    now = now or datetime.now(UTC)
    row = source_row(session, source)
    row.last_run_at = now
    result = CollectResult(source.name)
    try:
        collected = read_source(source, row, config)
    except SourceError as exc:
        row.last_error = str(exc)
        _mark_unhealthy(row, f"failed: {exc}", now)
        session.add(_audit(now, source.name, "collect_failed", {"error": str(exc)}))
        raise
    result.not_modified = collected.not_modified
    result.warnings = list(collected.warnings)
    summary = StoreSummary()
    if collected.posts:
        summary = store_posts(session, collected.posts, actor=f"source:{source.name}")
    result.created, result.edited, result.unchanged = (
        summary.created,
        summary.edited,
        summary.unchanged,
    )
    stored = session.scalar(select(func.count()).select_from(Post).where(Post.source_id == row.id))
    if not collected.posts and not collected.not_modified and not stored:
        result.warnings.append(f"{source.name}: yielded nothing; check the URL and the preset")
    row.checkpoint = collected.checkpoint
    row.etag = collected.etag
    row.last_modified = collected.last_modified
    row.last_success_at = now
    row.last_error = "; ".join(result.warnings)[:2000] or None
    row.last_found, row.last_new = len(collected.posts), summary.created
    if collected.posts:
        row.empty_runs = 0
    elif not collected.not_modified:  # a 304 says nothing changed, not that nothing is there
        row.empty_runs = (row.empty_runs or 0) + 1
    if row.empty_runs >= EMPTY_RUNS_UNHEALTHY:
        reason = f"yielded nothing in {row.empty_runs} runs in a row; check the URL and the preset"
        _mark_unhealthy(row, reason, now)
    else:
        row.unhealthy_since, row.unhealthy_reason = None, None
    result.post_ids = list(
        session.scalars(
            select(Post.id).where(Post.source_id == row.id, Post.needs_processing.is_(True))
        )
    )
    details = {"created": result.created, "edited": result.edited}
    session.add(
        _audit(now, source.name, "collected", details | {"not_modified": result.not_modified})
    )
    return result


def due_sources(session: Session, config: Config, now: datetime) -> list[SourceConfig]:
    """Configured sources whose interval has passed since their last run."""
    last = dict(session.execute(select(Source.name, Source.last_run_at)).all())
    due = []
    for source in config.sources:
        ran = last.get(source.name)
        if ran is None or now - ran >= parse_duration(source.interval) - timedelta(seconds=1):
            due.append(source)
    return due


def _audit(now: datetime, name: str, action: str, details: dict[str, Any]) -> AuditEvent:
    return AuditEvent(
        at=now,
        actor="watcher",
        action=action,
        subject_type="source",
        subject_id=name,
        details=details,
    )
