"""What every reader returns, and how it fails."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from watcher.errors import WatcherError
from watcher.formats.posts import PostRecord


class SourceError(WatcherError):
    """A source could not be read; the message says why and what to do."""


@dataclass
class Collected:
    posts: list[PostRecord]
    checkpoint: dict[str, Any] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    warnings: list[str] = field(default_factory=list)
