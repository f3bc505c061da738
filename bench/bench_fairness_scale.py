"""The fairness report's statistics on one million tickets, 50,000 of them loud.

    .venv/bin/python bench/bench_fairness_scale.py [--tickets 1000000] [--loud 50000]
        [--bootstrap 200] [--budget 60] [--out DIR]

Requirement: the report for 1,000,000 tickets with 50,000 loud in at most 60 s
and 4 GB on the 2-core reference machine, with the bootstrap sized to fit.

Tickets come from watcher/fairness/simulate.py (confounded strata, posting
after a wait, censoring, a true hazard ratio of 1.5), with the posting rate
scaled down so that about 5% go public; a slightly larger pool is simulated
and its first `--loud` loud and first `--tickets - --loud` quiet tickets are
kept, so the count is exact. The first-response outcome is the earlier of the
resolution and an exponential first answer (mean 6 hours); the strict-links
cohort drops a random 10% of the links. The statistics are those of
`build_report`, through the same function (`report_statistics`: both outcomes,
main and strict cohorts, Cox models overall and per stratum, landmark with
Kaplan-Meier curves, log-rank tests and the bootstrap, compensation), then
`write_report` writes the JSON, HTML and CSV files.

The database is left out on purpose: `build_cohort` reads ORM rows and the
import of one million tickets alone takes minutes (bench_ticket_import.py:
17.6 s per 100,000), so the frames are built in memory, as `build_cohort`
would return them. Prints the seconds of each phase and the peak RSS of the
process (ru_maxrss), and exits 1 if the statistics and files took longer than
`--budget` seconds or the peak passed 4 GiB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from watcher import __version__
from watcher.fairness.cohort import Cohort
from watcher.fairness.report import ReportParams, method_notes, report_statistics, write_report
from watcher.fairness.simulate import simulate

POST_SCALE = 0.14  # about 5% of simulated tickets go public
MEMORY_LIMIT = 4 * 1024**3


def peak_rss() -> int:
    """Peak resident set size of this process in bytes (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def tickets(total: int, loud: int, seed: int) -> tuple[Cohort, Cohort]:
    pool = simulate(int(total * 1.1) + 1000, true_hr=1.5, seed=seed, post_scale=POST_SCALE)
    is_loud = pool["loud_at"].notna()
    if is_loud.sum() < loud or (~is_loud).sum() < total - loud:
        raise SystemExit("the simulated pool is too small for these counts")
    keep = pool[is_loud].index[:loud].union(pool[~is_loud].index[: total - loud])
    resolution = pool.loc[keep].reset_index(drop=True)
    resolution["id"] = np.arange(len(resolution))
    rng = np.random.default_rng(seed + 1)
    answered = rng.exponential(6.0, len(resolution))
    first = resolution.copy()
    first["event"] = np.where(answered < resolution["duration"], 1, resolution["event"])
    first["duration"] = np.minimum(answered, resolution["duration"])
    cohort = Cohort(first, resolution, len(resolution), loud, "simulated")
    dropped = rng.random(len(resolution)) < 0.1
    strict_frames = []
    for frame in (first, resolution):
        strict_frame = frame.copy()
        strict_frame.loc[dropped, "loud_at"] = np.nan
        strict_frames.append(strict_frame)
    strict_loud = int(strict_frames[1]["loud_at"].notna().sum())
    strict = Cohort(*strict_frames, tickets=len(resolution), loud_tickets=strict_loud,
                    data_sha256="simulated")  # fmt: skip
    return cohort, strict


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--loud", type=int, default=50_000)
    parser.add_argument("--bootstrap", type=int, default=200)
    parser.add_argument("--adjust", choices=("holm", "bh"), default="holm")
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--out", type=Path, help="keep the report files here")
    args = parser.parse_args()

    started = time.perf_counter()
    cohort, strict = tickets(args.tickets, args.loud, args.seed)
    generated = time.perf_counter()
    rss_data = peak_rss()
    until = datetime(2026, 11, 30, tzinfo=UTC)
    params = ReportParams(since=datetime(2026, 9, 1, tzinfo=UTC), until=until,
                          bootstrap=args.bootstrap, adjust=args.adjust)  # fmt: skip
    outcomes, summary, compensation = report_statistics(cohort, strict, params)
    computed = time.perf_counter()
    body = {
        "watcher_version": __version__,
        "params": {"since": params.since.isoformat(), "until": until.isoformat(),
                   "strata": list(params.strata), "min_cell": params.min_cell,
                   "strict_score": params.strict_score, "exposure_file": None,
                   "adjust": params.adjust},
        "inputs": {"tickets": cohort.tickets, "loud_tickets": cohort.loud_tickets,
                   "data_sha256": cohort.data_sha256},
        "summary": summary, "outcomes": outcomes, "compensation": compensation,
        "flags": [], "method": method_notes(params),
    }  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or Path(scratch)
        written = write_report(body, out)
        html_bytes = (out / "fairness.html").stat().st_size
    finished = time.perf_counter()
    report_seconds = finished - generated
    peak = peak_rss()

    resolution = outcomes["time_to_resolution"]
    print(f"tickets {cohort.tickets:,}, loud {cohort.loud_tickets:,}, "
          f"landmark {resolution['landmark']['loud']:,} loud / "
          f"{resolution['landmark']['quiet']:,} quiet; bootstrap {args.bootstrap}")  # fmt: skip
    print(f"generate {generated - started:.1f} s (peak RSS {rss_data / 2**20:.0f} MiB)")
    print(f"statistics {computed - generated:.1f} s, files {finished - computed:.1f} s "
          f"({len(written)} files, HTML {html_bytes / 1024:.0f} KiB)")  # fmt: skip
    print(f"resolution: hazard ratio {resolution['hazard_ratio']} (true 1.5), "
          f"naive {resolution['naive_hazard_ratio']}, "
          f"168h RMST difference {resolution['rmst_difference_hours']['168h']}")  # fmt: skip
    ok = report_seconds <= args.budget and peak <= MEMORY_LIMIT
    verdict = "ok" if ok else "FAILED"
    print(f"RESULT report {report_seconds:.1f} s (budget {args.budget:g} s), "
          f"peak RSS {peak / 2**20:.0f} MiB (limit 4096 MiB): {verdict}")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
