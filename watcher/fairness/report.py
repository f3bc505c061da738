"""Building, storing and writing the fairness report (JSON, self-contained HTML, CSV)."""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from watcher import __version__
from watcher.fairness.cohort import Cohort, build_cohorts, first_public, public_since
from watcher.fairness.figures import TOLERANCE, disparity_svg, forest_svg
from watcher.fairness.landmark import landmark, svg_curves
from watcher.fairness.stats import (
    ADJUST_METHODS,
    ADJUST_NAMES,
    OutcomeResult,
    compensation_amounts,
    compensation_risk_ratio,
    outcome,
)
from watcher.models import Complaint, Report, Ticket, TicketEvent
from watcher.tickets.actions import TWIN_REASON

OUTCOMES = ("time_to_first_response", "time_to_resolution")


@dataclass(frozen=True)
class ReportParams:
    since: datetime
    until: datetime
    strata: tuple[str, ...] = ("category", "severity", "tier")
    min_cell: int = 5
    strict_score: float = 6.0
    flag_window: timedelta = timedelta(hours=48)
    exposure_file: str | None = None
    landmark_hours: float = 24.0
    bootstrap: int = 200
    adjust: str = "holm"  # across strata: holm (family-wise) or bh (Benjamini-Hochberg, FDR)

    def __post_init__(self) -> None:
        if self.adjust not in ADJUST_METHODS:
            raise ValueError(
                f"adjust must be one of {', '.join(ADJUST_METHODS)}, not {self.adjust!r}"
            )


def _effect_summary(name: str, result: OutcomeResult) -> str:
    effect = result.adjusted
    if effect.hazard_ratio is None or effect.ci95 is None:
        return f"{name}: not enough loud tickets or outcomes to compare ({effect.note})."
    low, high = effect.ci95
    verdict = (
        "loud tickets are handled faster than comparable quiet ones"
        if low > 1
        else "loud tickets are handled slower than comparable quiet ones"
        if high < 1
        else "no clear difference between loud and comparable quiet tickets"
    )
    return (
        f"{name}: {verdict} (hazard ratio {effect.hazard_ratio:.2f}, 95% CI {low:.2f}-{high:.2f}; "
        f"the naive ever-loud comparison would say {result.naive.hazard_ratio or float('nan'):.2f})"
        "."
    )


def flags(session: Session, params: ReportParams) -> list[dict[str, Any]]:
    """Cases a compliance reviewer should look at (column queries: no ORM rows per ticket)."""
    found: list[dict[str, Any]] = []
    loud = first_public().subquery("loud")
    raised = (
        select(TicketEvent.at, TicketEvent.actor, TicketEvent.data, Ticket.external_id,
               loud.c.first_public)
        .join(Ticket, TicketEvent.ticket_id == Ticket.id)
        .join(loud, loud.c.ticket_id == TicketEvent.ticket_id)
        .where(TicketEvent.kind == "priority_raised")
        .order_by(TicketEvent.id)
    )  # fmt: skip
    for at, actor, data, external_id, published in session.execute(raised):
        if data.get("policy") is not True and published <= at <= published + params.flag_window:
            found.append({"kind": "raised_after_public_post_without_policy", "ticket": external_id,
                          "at": at.isoformat(), "by": actor})  # fmt: skip
    twins = session.execute(
        select(Ticket.external_id, Ticket.created_at, Ticket.priority_reason)
        .where(Ticket.priority_reason.contains(TWIN_REASON), Ticket.solved_at.is_(None))
        .order_by(Ticket.id)
    ).all()
    loud_ids = [
        (reason or "").split(f"{TWIN_REASON} (", 1)[-1].split(")", 1)[0] for _, _, reason in twins
    ]
    handled: dict[str, timedelta] = {}  # loud twin's external id -> its time to resolution
    wanted = sorted(set(loud_ids))
    for offset in range(0, len(wanted), 1000):
        solved = select(Ticket.external_id, Ticket.created_at, Ticket.solved_at).where(
            Ticket.external_id.in_(wanted[offset : offset + 1000])
        )
        for external_id, created_at, solved_at in session.execute(solved):
            if solved_at is not None:
                handled[external_id] = solved_at - created_at
    for (external_id, created_at, _), loud_id in zip(twins, loud_ids, strict=True):
        if loud_id not in handled:
            continue
        waited = params.until - created_at
        if waited > handled[loud_id]:
            found.append({"kind": "quiet_twin_waiting_longer_than_its_loud_twin",
                          "ticket": external_id, "loud_twin": loud_id,
                          "waited_hours": round(waited.total_seconds() / 3600, 1)})  # fmt: skip
    properly = or_(Complaint.acted_at.is_not(None), Complaint.decision == "duplicate")
    complaints, prioritised = session.execute(
        select(func.count(), func.coalesce(func.sum(case((properly, 1), else_=0)), 0)).where(
            Complaint.is_complaint.is_(True), Complaint.about_brand.is_(True)
        )
    ).one()
    if complaints:
        share = round(int(prioritised) / complaints, 3)
        found.append(
            {"kind": "share_of_public_complaints_properly_ticketed", "value": share,
             "complaints": complaints}
        )  # fmt: skip
    return found


def report_statistics(
    cohort: Cohort, strict: Cohort, params: ReportParams
) -> tuple[dict[str, Any], list[str], dict[str, object]]:
    """The numbers of the report from its cohorts, no database: outcomes, summary, compensation."""
    outcomes: dict[str, Any] = {}
    summary: list[str] = []
    for name, frame, strict_frame in (
        ("time_to_first_response", cohort.first_response, strict.first_response),
        ("time_to_resolution", cohort.resolution, strict.resolution),
    ):
        result = outcome(frame, params.min_cell, params.adjust)
        strict_result = outcome(strict_frame, params.min_cell, params.adjust)
        marked = landmark(
            frame, params.landmark_hours, bootstrap=params.bootstrap, adjust=params.adjust
        )
        outcomes[name] = {
            "rmst_difference_hours": marked.rmst_difference_hours,
            "landmark": marked.as_dict(),
            "km_svg": svg_curves(marked) if marked.curves else None,
            **result.adjusted.as_dict(),
            "naive_hazard_ratio": result.naive.as_dict()["hazard_ratio"],
            "naive": result.naive.as_dict(),
            "strict_links": strict_result.adjusted.as_dict(),
            "strata": result.strata,
            "within_tolerance": _within(result.adjusted.hazard_ratio),
        }
        summary.append(_effect_summary(name.replace("_", " "), result))
    compensation = compensation_risk_ratio(cohort.resolution)
    compensation["amount"] = compensation_amounts(cohort.resolution)
    return outcomes, summary, compensation


def build_report(
    session: Session, params: ReportParams, exposure: dict[int, datetime] | None = None
) -> dict[str, Any]:
    louds = (
        [exposure, exposure]
        if exposure is not None
        else [public_since(session), public_since(session, strict_score=params.strict_score)]
    )
    cohort, strict = build_cohorts(
        session, since=params.since, until=params.until, strata=params.strata, louds=louds
    )
    outcomes, summary, compensation = report_statistics(cohort, strict, params)
    return {
        "watcher_version": __version__,
        "params": {
            "since": params.since.isoformat(),
            "until": params.until.isoformat(),
            "strata": list(params.strata),
            "min_cell": params.min_cell,
            "strict_score": params.strict_score,
            "exposure_file": params.exposure_file,
            "adjust": params.adjust,
            "flag_window_hours": params.flag_window.total_seconds() / 3600,
        },
        "inputs": {
            "tickets": cohort.tickets,
            "loud_tickets": cohort.loud_tickets,
            "data_sha256": cohort.data_sha256,
        },
        "summary": summary,
        "outcomes": outcomes,
        "compensation": compensation,
        "flags": flags(session, params),
        "method": method_notes(params),
    }


def _within(hr: float | None) -> bool | None:
    return None if hr is None else TOLERANCE[0] <= hr <= TOLERANCE[1]


def method_notes(params: ReportParams) -> list[str]:
    correction = ADJUST_NAMES[params.adjust]
    return [
        "A ticket counts as loud from the publication of its first linked public complaint "
        "(machine link or confirmed match), and as quiet before: loudness is a time-varying "
        "exposure.",
        "Hazard ratios come from a Cox model with loudness as a time-varying covariate, "
        "stratified by category x severity x tier (partial likelihood with Efron's ties, the "
        "model of lifelines' CoxTimeVaryingFitter, computed from counts at risk); above 1 means "
        "loud tickets reach the outcome sooner. Open tickets are censored at the report's end.",
        "The naive figure compares tickets that were ever loud with the rest as if loud from the "
        "start; it is biased by immortal time and reverse causation and is shown only for "
        "contrast.",
        "Strict links: the same analysis with only confirmed matches and machine links scoring "
        "at least the strict threshold, to show whether linkage uncertainty changes the answer.",
        f"Per stratum: the same model within each stratum with at least {params.min_cell} loud "
        f"and {params.min_cell} quiet tickets (smaller strata are suppressed), its p-values "
        f"adjusted across strata with {correction}; the forest plot shows each hazard ratio with "
        "its 95% interval, the disparity bars each hazard ratio against the 0.8-1.25 tolerance "
        "band.",
        f"Landmark comparison at {params.landmark_hours:g} hours: among tickets still open then, "
        "those loud by then against those still quiet; Kaplan-Meier curves with the numbers at "
        "risk, a log-rank test stratified like the model, per-stratum log-rank tests adjusted "
        f"with {correction}, and the difference in restricted mean time to the outcome within "
        "24 hours and 7 days (within strata, bootstrap 95% intervals from "
        f"{params.bootstrap} resamples).",
        "Compensation: Mantel-Haenszel risk ratio across strata, ever-loud vs quiet.",
        "Observational data: differences can have causes the strata do not capture.",
    ]


def inputs_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps([body["inputs"], body["params"]], sort_keys=True).encode()
    ).hexdigest()


def store_report(session: Session, body: dict[str, Any]) -> Report:
    """The stored report for these inputs: the same inputs give the same row and numbers."""
    digest = inputs_hash(body)
    existing = session.scalar(
        select(Report).where(Report.kind == "fairness", Report.inputs_hash == digest)
    )
    if existing is not None:
        return existing
    report = Report(kind="fairness", inputs_hash=digest, params=body["params"], body=body)
    session.add(report)
    session.flush()
    return report


def write_report(body: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "fairness.json", out / "fairness.html"]
    written[0].write_text(json.dumps(body, indent=2, ensure_ascii=False), encoding="utf-8")
    env = Environment(
        loader=PackageLoader("watcher.fairness"), autoescape=select_autoescape(["html"])
    )
    figures = {
        "forest": {
            name: forest_svg(o, name.replace("_", " ")) for name, o in body["outcomes"].items()
        },
        "disparity": disparity_svg(body["outcomes"]),
    }
    html = env.get_template("fairness.html").render(report=body, figures=figures)
    written[1].write_text(html, encoding="utf-8")
    for name in OUTCOMES:
        path = out / f"strata_{name}.csv"
        rows = body["outcomes"][name]["strata"]
        keys = sorted({k for row in rows for k in row}) or ["stratum"]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, keys)
            writer.writeheader()
            writer.writerows(rows)
        written.append(path)
    return written


__all__ = [
    "TOLERANCE",
    "Cohort",
    "ReportParams",
    "build_report",
    "report_statistics",
    "store_report",
    "write_report",
]
