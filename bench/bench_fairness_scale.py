"""The fairness report's statistics on one million tickets, 50,000 of them loud.

    .venv/bin/python bench/bench_fairness_scale.py [--tickets 1000000] [--loud 50000]
        [--bootstrap 200] [--budget 60] [--out DIR]
        [--database [--db-file PATH | --postgres [URL]] [--unique-texts] [--phases]]

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

Without `--database` the database is left out: the frames are built in
memory, as `build_cohort` would return them, and only the statistics and the
files are timed.

With `--database` the same tickets are loaded into a fresh database (SQLite
file in a temporary directory, or `--db-file PATH`, reused if it exists; or
`--postgres [URL]` for a new database on that server, by default the local
one, dropped afterwards): tickets with timestamps, category, tier, a subject and
description (templates, or `--unique-texts` for a different text per
ticket), compensation; each loud ticket's first public complaint as a post
and a complaint linked by decision (80%) or an auto / confirmed match (20%),
10% of the links scoring below the strict threshold; priority_raised events
and quiet twins for the flags. Loading is bulk Core inserts in chunks, timed
separately and outside the budget. Then `build_report(session, params)` runs
end to end (cohorts from the database, statistics, flags) and `write_report`
writes the files: that is the time checked against `--budget`. The phases of
the database step (first public complaints, both cohorts, flags) are timed
again afterwards for the breakdown (`--phases`: the statistics too).

Prints the seconds of each phase and the peak RSS of the process
(ru_maxrss), and exits 1 if the report and files took longer than `--budget`
seconds or the peak passed 4 GiB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psycopg
from sqlalchemy import Engine, insert, text
from sqlalchemy.engine import make_url

from watcher import __version__, db
from watcher.fairness.cohort import Cohort, build_cohorts, public_since
from watcher.fairness.report import (
    ReportParams,
    build_report,
    flags,
    method_notes,
    report_statistics,
    write_report,
)
from watcher.fairness.simulate import simulate
from watcher.models import Complaint, Match, Post, Source, Ticket, TicketEvent
from watcher.tickets.actions import TWIN_REASON
from watcher.understanding.severity import text_severity

POST_SCALE = 0.14  # about 5% of simulated tickets go public
MEMORY_LIMIT = 4 * 1024**3
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def peak_rss() -> int:
    """Peak resident set size of this process in bytes (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def simulated(total: int, loud: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """First-response and resolution frames of exactly `total` tickets, `loud` of them loud,
    and the links the strict cohort drops."""
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
    dropped = rng.random(len(resolution)) < 0.1
    return first, resolution, dropped


def tickets(total: int, loud: int, seed: int) -> tuple[Cohort, Cohort]:
    first, resolution, dropped = simulated(total, loud, seed)
    cohort = Cohort(first, resolution, len(resolution), loud, "simulated")
    strict_frames = []
    for frame in (first, resolution):
        strict_frame = frame.copy()
        strict_frame.loc[dropped, "loud_at"] = np.nan
        strict_frames.append(strict_frame)
    strict_loud = int(strict_frames[1]["loud_at"].notna().sum())
    strict = Cohort(*strict_frames, tickets=len(resolution), loud_tickets=strict_loud,
                    data_sha256="simulated")  # fmt: skip
    return cohort, strict


# --- the database mode -------------------------------------------------------------------

HORIZON_HOURS = 24 * 60  # simulate's default: censoring uniform in [0.3, 1] of it
CHUNK = 50_000
SUBJECTS = [
    "Brak internetu", "Internet nie działa", "Wolny internet wieczorami", "Faktura za marzec",
    "Zawyżony rachunek", "Podwójnie pobrali opłatę", "Instalacja światłowodu",
    "Termin instalacji", "Iskrzy gniazdko przy skrzynce", "Firma stoi bez internetu",
    "Mama ma teleopiekę na linii", "Nie działa od 5 dni",
]  # fmt: skip
DESCRIPTIONS = [
    "", "Proszę o kontakt.", "Dzień dobry, proszę o pilną naprawę. Pozdrawiam",
    "Modem miga na czerwono, restart nie pomaga.", "Technik nie przyszedł w umówionym terminie.",
    "Prowadzę sklep i nie mogę przyjmować płatności kartą.",
    "Czekam na zwrot nadpłaty od miesiąca.", "No service for 2 weeks now, please call me.",
]  # fmt: skip
WORDS = ["modem", "router", "kabel", "światłowód", "faktura", "umowa", "technik", "awaria"]


def ticket_rows(
    first: pd.DataFrame, resolution: pd.DataFrame, until: datetime, unique_texts: bool, seed: int
) -> tuple[list[dict[str, Any]], list[datetime]]:
    """Rows of the ticket table, and each ticket's creation time (ids from 1)."""
    rng = np.random.default_rng(seed + 2)
    n = len(resolution)
    duration = resolution["duration"].to_numpy()
    # Created so that the report's end censors each ticket as the simulation did.
    low = np.maximum(0.3 * HORIZON_HOURS, duration)
    before = np.where(resolution["event"] == 1, rng.uniform(low, HORIZON_HOURS), duration)
    tiers = rng.choice(["standard", "business", "premium"], n, p=[0.7, 0.2, 0.1])
    subjects = rng.integers(0, len(SUBJECTS), n)
    descriptions = rng.integers(0, len(DESCRIPTIONS), n)
    words = rng.integers(0, len(WORDS), (n, 3))
    first_event, first_hours = first["event"].to_numpy(), first["duration"].to_numpy()
    event, compensated = resolution["event"].to_numpy(), resolution["compensated"].to_numpy()
    categories = [s.split("|")[0] for s in resolution["stratum"]]
    rows: list[dict[str, Any]] = []
    created_at: list[datetime] = []
    severity_of = lru_cache(maxsize=4096)(text_severity)
    for i in range(n):
        created = until - timedelta(hours=float(before[i]))
        description = DESCRIPTIONS[descriptions[i]]
        if unique_texts:
            description += f" Zgłoszenie {i}: {' '.join(WORDS[w] for w in words[i])}."
        created_at.append(created)
        rows.append({
            "id": i + 1, "external_id": f"T-{i + 1}", "subject": SUBJECTS[subjects[i]],
            "description": description, "status": "solved" if event[i] else "open",
            # As `watcher tickets import` stores it: found once, when the text arrives.
            "text_severity": severity_of(SUBJECTS[subjects[i]], description),
            "priority": "normal", "category": categories[i], "customer_tier": tiers[i],
            "created_at": created,
            "first_response_at": (
                created + timedelta(hours=float(first_hours[i])) if first_event[i] else None
            ),
            "solved_at": created + timedelta(hours=float(duration[i])) if event[i] else None,
            "channel": "email", "compensation": Decimal("50.00") if compensated[i] else None,
            "tags": [], "extra": {}, "origin": "imported", "content_hash": "x",
            "imported_at": until, "updated_at": until, "priority_reason": None,
        })  # fmt: skip
    # Quiet open tickets said to share the issue of a loud one, for the twin flag.
    loud_ids = np.flatnonzero(resolution["loud_at"].notna().to_numpy())
    open_quiet = np.flatnonzero(resolution["loud_at"].isna().to_numpy() & (event == 0))
    for twin, loud in zip(open_quiet[:1000], loud_ids[:1000], strict=False):
        rows[twin]["priority_reason"] = f"{TWIN_REASON} (T-{loud + 1})"
    return rows, created_at


def link_rows(
    resolution: pd.DataFrame, dropped: np.ndarray, created_at: list[datetime], seed: int
) -> dict[Any, list[dict[str, Any]]]:
    """Posts, complaints, matches and priority events for the loud tickets."""
    rng = np.random.default_rng(seed + 3)
    loud_at = resolution["loud_at"].to_numpy()
    tables: dict[Any, list[dict[str, Any]]] = {Post: [], Complaint: [], Match: [], TicketEvent: []}
    for number, i in enumerate(np.flatnonzero(~np.isnan(loud_at)), start=1):
        ticket_id = int(i) + 1
        published = created_at[i] + timedelta(hours=float(loud_at[i]))
        tables[Post].append({
            "id": number, "source_id": 1, "external_id": f"p{number}", "text": "Netia!",
            "published_at": published, "content_hash": "x", "needs_processing": False,
            "fetched_at": published,
        })  # fmt: skip
        by_decision = rng.random() < 0.8
        weak = bool(dropped[i])
        tables[Complaint].append({
            "id": number, "post_id": number, "is_complaint": True, "about_brand": True,
            "confidence": 0.9, "identifiers": {}, "reasons": [], "needs_matching": False,
            "decision": "linked" if by_decision else "review",
            "decision_ticket_id": ticket_id if by_decision else None,
            "decision_score": 3.0 if weak else 9.0, "decision_evidence": [],
            "acted_at": published if number % 2 else None,
            "created_at": published, "updated_at": published,
        })  # fmt: skip
        if not by_decision:
            status = "auto" if weak or rng.random() < 0.5 else "confirmed"
            tables[Match].append({
                "complaint_id": number, "ticket_id": ticket_id, "score": 3.0 if weak else 8.0,
                "evidence": [], "status": status, "decided_by": "watcher", "decided_at": published,
            })  # fmt: skip
        if number % 5 == 0:
            tables[TicketEvent].append({
                "ticket_id": ticket_id, "at": published + timedelta(hours=1), "actor": "agent",
                "kind": "priority_raised", "data": {"policy": number % 10 == 0},
            })  # fmt: skip
    return tables


def load(engine: Engine, args: argparse.Namespace, until: datetime) -> int:
    """The tickets and their links into an empty migrated database; rows written."""
    first, resolution, dropped = simulated(args.tickets, args.loud, args.seed)
    rows, created_at = ticket_rows(first, resolution, until, args.unique_texts, args.seed)
    tables = link_rows(resolution, dropped, created_at, args.seed)
    written = 0
    with engine.begin() as connection:
        source = {"id": 1, "name": "blog", "type": "blog", "settings": {}, "checkpoint": {},
                  "empty_runs": 0, "created_at": until}  # fmt: skip
        connection.execute(insert(Source.__table__), [source])
        for model, table_rows in [(Ticket, rows), *tables.items()]:
            for start in range(0, len(table_rows), CHUNK):
                connection.execute(insert(model.__table__), table_rows[start : start + CHUNK])
            written += len(table_rows)
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE"))
    return written


@contextmanager
def database(args: argparse.Namespace) -> Iterator[tuple[Engine, bool]]:
    """The engine of the benchmark's database, and whether it still needs the data."""
    if args.postgres:
        server = make_url(args.postgres)
        name = f"watcher_bench_{uuid.uuid4().hex[:12]}"
        dsn = server.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
            try:
                engine = db.make_engine(server.set(database=name).render_as_string(False))
                db.upgrade(engine)
                yield engine, True
                engine.dispose()
            finally:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    with tempfile.TemporaryDirectory() as scratch:
        path = args.db_file or Path(scratch) / "watcher.db"
        fresh = not path.exists()
        engine = db.make_engine(f"sqlite:///{path}")
        if fresh:
            db.upgrade(engine)
        yield engine, fresh
        engine.dispose()


def run_database(args: argparse.Namespace) -> int:
    until = datetime(2026, 11, 30, tzinfo=UTC)
    params = ReportParams(since=until - timedelta(days=61), until=until,
                          bootstrap=args.bootstrap, adjust=args.adjust)  # fmt: skip
    with database(args) as (engine, fresh):
        started = time.perf_counter()
        if fresh:
            rows = load(engine, args, until)
            print(f"load {time.perf_counter() - started:.1f} s ({rows:,} rows, "
                  f"{engine.dialect.name}; peak RSS {peak_rss() / 2**20:.0f} MiB)")  # fmt: skip
        else:
            print(f"reusing {args.db_file}")
        began = time.perf_counter()
        with db.session_scope(engine) as session:
            body = build_report(session, params)
        built = time.perf_counter()
        with tempfile.TemporaryDirectory() as scratch:
            out = args.out or Path(scratch)
            written = write_report(body, out)
            html_bytes = (out / "fairness.html").stat().st_size
        finished = time.perf_counter()
        report_seconds, peak = finished - began, peak_rss()
        # The report again, phase by phase, for the breakdown (outside the budget).
        with db.session_scope(engine) as session:
            marks = [time.perf_counter()]
            louds = [public_since(session), public_since(session, strict_score=params.strict_score)]
            marks.append(time.perf_counter())
            cohort, strict = build_cohorts(session, since=params.since, until=until,
                                           strata=params.strata, louds=louds)  # fmt: skip
            marks.append(time.perf_counter())
            found = flags(session, params)
            marks.append(time.perf_counter())
        if args.phases:
            report_statistics(cohort, strict, params)
            marks.append(time.perf_counter())
    inputs = body["inputs"]
    resolution = body["outcomes"]["time_to_resolution"]
    print(f"tickets {inputs['tickets']:,}, loud {inputs['loud_tickets']:,} "
          f"(strict {len(louds[1]):,} linked), {len(found)} flags; bootstrap {args.bootstrap}; "
          f"data_sha256 {inputs['data_sha256'][:12]}")  # fmt: skip
    print(f"build_report {built - began:.1f} s, files {finished - built:.1f} s "
          f"({len(written)} files, HTML {html_bytes / 1024:.0f} KiB)")  # fmt: skip
    statistics = f", statistics {marks[4] - marks[3]:.1f} s" if args.phases else ""
    print(f"  phases (run again after the report): first public complaints (both) "
          f"{marks[1] - marks[0]:.1f} s, both cohorts {marks[2] - marks[1]:.1f} s "
          f"({cohort.tickets:,} tickets, {cohort.resolution['stratum'].nunique()} strata), "
          f"flags {marks[3] - marks[2]:.1f} s{statistics}")  # fmt: skip
    print(f"resolution: hazard ratio {resolution['hazard_ratio']} (true 1.5), "
          f"naive {resolution['naive_hazard_ratio']}")  # fmt: skip
    ok = report_seconds <= args.budget and peak <= MEMORY_LIMIT
    verdict = "ok" if ok else "FAILED"
    print(f"RESULT report from the database {report_seconds:.1f} s (budget {args.budget:g} s), "
          f"peak RSS {peak / 2**20:.0f} MiB (limit 4096 MiB): {verdict}")  # fmt: skip
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--loud", type=int, default=50_000)
    parser.add_argument("--bootstrap", type=int, default=200)
    parser.add_argument("--adjust", choices=("holm", "bh"), default="holm")
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--out", type=Path, help="keep the report files here")
    parser.add_argument("--database", action="store_true", help="load the tickets, report from SQL")
    parser.add_argument("--db-file", type=Path, help="SQLite file for --database (reused if there)")
    parser.add_argument("--postgres", nargs="?", const=POSTGRES, help="a new database there")
    parser.add_argument("--unique-texts", action="store_true", help="a different text per ticket")
    parser.add_argument("--phases", action="store_true", help="also time the statistics again")
    args = parser.parse_args()
    if args.database or args.postgres:
        return run_database(args)

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
