"""Work on many tickets at once spread over the machine's cores.

Building the index reads every ticket's details and n-grams: pure Python that one core
does at a few thousand tickets a second. Above PARALLEL_MIN items the work goes to
worker processes in chunks; below it (the incremental refreshes of a running system,
tests) starting workers would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

PARALLEL_MIN = 20_000
CHUNK = 5_000
MAX_WORKERS = 4

Item = TypeVar("Item")
Result = TypeVar("Result")


def workers() -> int:
    """Worker processes to use: one per core (up to MAX_WORKERS), none inside a daemon
    process (which may not start children)."""
    if multiprocessing.current_process().daemon:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def map_chunks(
    function: Callable[[Sequence[Item]], Result],
    items: Sequence[Item],
    *,
    chunk: int | None = None,
    minimum: int | None = None,
) -> list[Result]:
    """`function` of each chunk of `items`, in order; in worker processes when there are at
    least `minimum` items (PARALLEL_MIN) and more than one core."""
    chunk = chunk or CHUNK
    minimum = PARALLEL_MIN if minimum is None else minimum
    chunks = [items[start : start + chunk] for start in range(0, len(items), chunk)]
    count = workers()
    if len(items) < minimum or count < 2 or len(chunks) < 2:
        return [function(part) for part in chunks]
    # A fresh server process forks the workers: the caller's threads and open database
    # connections are not copied into them.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["watcher.matching.candidates"])
    with ProcessPoolExecutor(min(count, len(chunks)), mp_context=context) as pool:
        return list(pool.map(function, chunks))
