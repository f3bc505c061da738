"""The Posts interchange format (DESIGN.md): JSONL, what every reader produces."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from watcher.formats import values
from watcher.formats.files import decode, iter_jsonl, read_bytes
from watcher.formats.tickets import RowIssue

KEYS = (
    "source", "external_id", "url", "author", "author_followers", "published_at",
    "title", "text", "score", "comments", "lang",
)  # fmt: skip
REQUIRED = ("source", "external_id", "text")


@dataclass(frozen=True)
class PostRecord:
    source: str
    external_id: str
    text: str
    url: str | None = None
    author: str | None = None
    author_followers: int | None = None
    published_at: datetime | None = None
    title: str | None = None
    score: int | None = None
    comments: int | None = None
    lang: str | None = None

    def content_hash(self) -> str:
        """Fingerprint of what a reader would understand differently when edited."""
        return hashlib.sha256(f"{self.title or ''}\x00{self.text}".encode()).hexdigest()


@dataclass
class PostReadResult:
    records: list[PostRecord]
    invalid: list[RowIssue]
    duplicates: list[RowIssue]
    rows: int


def safe_url(value: Any) -> str | None:
    """An http(s) URL or None; anything else (javascript:, file:) is refused."""
    raw = values.text(value)
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"url {raw[:80]!r} is not an http(s) address")
    return raw


def parse_post(row: dict[str, Any]) -> PostRecord:
    """A validated post from one JSON object; ValueError says which key is wrong."""
    for key in REQUIRED:
        if key not in row:
            raise ValueError(f"missing required key {key}")
    source, external_id = values.text(row["source"]), values.text(row["external_id"])
    if not source or not external_id:
        raise ValueError("source and external_id must not be empty")
    text = row["text"]
    if not isinstance(text, str):
        raise ValueError("text must be a string")
    title = values.optional(row.get("title"))
    if not text.strip() and not title:
        raise ValueError("the post has neither text nor title")
    return PostRecord(
        source=source,
        external_id=external_id,
        text=text,
        url=safe_url(row.get("url")),
        author=values.optional(row.get("author")),
        author_followers=values.integer(row.get("author_followers"), "author_followers"),
        published_at=values.timestamp(row.get("published_at"), "published_at", UTC),
        title=title,
        score=values.integer(row.get("score"), "score"),
        comments=values.integer(row.get("comments"), "comments"),
        lang=values.optional(row.get("lang")),
    )


def read_posts(path: Path, *, encoding: str | None = None) -> PostReadResult:
    """Read and validate a whole posts file; the last line wins for a repeated post."""
    text = decode(read_bytes(path), encoding, where=str(path))
    by_key: dict[tuple[str, str], tuple[int, PostRecord]] = {}
    invalid: list[RowIssue] = []
    duplicates: list[RowIssue] = []
    count = 0
    for line, row in iter_jsonl(text, where=str(path)):
        count += 1
        if isinstance(row, str):
            invalid.append(RowIssue(line, row))
            continue
        try:
            record = parse_post(row)
        except ValueError as exc:
            invalid.append(RowIssue(line, str(exc)))
            continue
        key = (record.source, record.external_id)
        if key in by_key:
            duplicates.append(
                RowIssue(line, f"post {key[0]}/{key[1]} also on line {by_key[key][0]}; later wins")
            )
            del by_key[key]
        by_key[key] = (line, record)
    return PostReadResult([r for _, r in by_key.values()], invalid, duplicates, count)


def write_posts(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count
