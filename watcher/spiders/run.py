"""Running a Scrapy crawl for a forum or blog source in a child process, with a timeout."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from watcher.config import SourceConfig
from watcher.formats.posts import parse_post
from watcher.sources.base import Collected, SourceError
from watcher.sources.fetch import FetchLimits

THREADS_KEPT = 5000  # board rows remembered, so unchanged threads are not fetched again


def collect(
    source: SourceConfig, checkpoint: dict[str, Any], *, limits: FetchLimits, timeout: float
) -> Collected:
    """Crawl the source in a child process and return its posts; SourceError on failure."""
    request = {
        "name": source.name,
        "type": source.type,
        "url": source.url,
        "internal": source.internal,
        **dict(source.options),
        "DOWNLOAD_MAXSIZE": limits.max_bytes,
        "DOWNLOAD_TIMEOUT": limits.timeout,
        "USER_AGENT": limits.user_agent,
        "seen_threads": checkpoint.get("threads") or {},
    }
    try:
        done = subprocess.run(
            [sys.executable, "-m", "watcher.spiders.crawl"],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise SourceError(
            f"{source.name}: crawl took longer than {timeout:.0f} s and was stopped"
        ) from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1][:300]
        raise SourceError(f"{source.name}: crawl failed: {last}")
    posts, warnings = [], []
    threads = dict(checkpoint.get("threads") or {})
    for number, line in enumerate(done.stdout.splitlines(), start=1):
        try:
            item = json.loads(line)
            if isinstance(item, dict) and "thread" in item:  # a board row's fingerprint
                threads.pop(str(item["thread"]), None)
                threads[str(item["thread"])] = str(item["fingerprint"])
                continue
            posts.append(parse_post(item))
        except (ValueError, json.JSONDecodeError) as exc:
            warnings.append(f"{source.name}: item {number} dropped: {exc}")
    if threads:  # the most recently listed threads are kept
        checkpoint = {**checkpoint, "threads": dict(list(threads.items())[-THREADS_KEPT:])}
    refused = [line for line in done.stderr.splitlines() if "refused" in line]
    warnings.extend(
        f"{source.name}: {line.split('refused', 1)[1].strip()[:200]}" for line in refused[:5]
    )
    return Collected(posts, checkpoint, warnings=warnings)
