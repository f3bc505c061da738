"""Survival statistics with loudness as a time-varying exposure (pure: tables in, numbers out).

A ticket is quiet from its creation until its first public complaint, loud
after. Comparing tickets that were *ever* loud with the rest credits the
quiet waiting before the post to the loud group (immortal time) and mixes up
cause and effect (people post because they waited); that naive figure is
computed only to be shown beside the right one.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, CoxTimeVaryingFitter
from lifelines.exceptions import ConvergenceError
from statsmodels.stats.contingency_tables import StratifiedTable


@dataclass(frozen=True)
class Effect:
    hazard_ratio: float | None
    ci95: tuple[float, float] | None
    p_value: float | None
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "hazard_ratio": _round(self.hazard_ratio),
            "ci95": [_round(v) for v in self.ci95] if self.ci95 else None,
            "p_value": _round(self.p_value),
            "note": self.note,
        }


@dataclass
class OutcomeResult:
    adjusted: Effect
    naive: Effect
    strata: list[dict[str, object]] = field(default_factory=list)


def _round(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, 4)


UNSTABLE = "the model could not be estimated: too few tickets or events in comparable strata"


def _fits(fit: Callable[[], object]) -> bool:
    """Run a lifelines fit; False when the data cannot support it (tiny or degenerate)."""
    try:
        fit()
    except (ConvergenceError, np.linalg.LinAlgError, ValueError, ZeroDivisionError):
        return False
    return True


def counting_process(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per ticket and exposure period: (start, stop, loud, event), times in hours.

    `frame` has: id, duration (hours to the outcome or to censoring), event (0/1),
    loud_at (hours from creation to the first public post, NaN if never), stratum.
    """
    rows = []
    for row in frame.itertuples(index=False):
        loud_at = row.loud_at
        if loud_at is not None and not math.isnan(loud_at) and 0 < loud_at < row.duration:
            rows.append((row.id, 0.0, loud_at, 0, 0, row.stratum))
            rows.append((row.id, loud_at, row.duration, 1, row.event, row.stratum))
        else:
            loud_from_start = loud_at is not None and not math.isnan(loud_at) and loud_at <= 0
            rows.append((row.id, 0.0, row.duration, int(loud_from_start), row.event, row.stratum))
    return pd.DataFrame(rows, columns=["id", "start", "stop", "loud", "event", "stratum"])


def time_varying_effect(frame: pd.DataFrame) -> Effect:
    """Hazard ratio loud vs quiet, loudness time-varying, stratified (> 1: loud faster)."""
    data = counting_process(frame)
    data = data[data["stop"] > data["start"]]
    if data["loud"].sum() == 0 or data["event"].sum() == 0:
        return Effect(None, None, None, "no loud time or no outcomes: nothing to compare")
    fitter = CoxTimeVaryingFitter(penalizer=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = _fits(
            lambda: fitter.fit(
                data, id_col="id", event_col="event", start_col="start", stop_col="stop",
                strata=["stratum"], show_progress=False,
            )
        )  # fmt: skip
    if not fitted:
        return Effect(None, None, None, UNSTABLE)
    summary = fitter.summary.loc["loud"]
    return Effect(
        float(math.exp(summary["coef"])),
        (float(summary["exp(coef) lower 95%"]), float(summary["exp(coef) upper 95%"])),
        float(summary["p"]),
    )


def naive_effect(frame: pd.DataFrame) -> Effect:
    """Ever-loud vs never-loud, as if loud from creation: biased, shown for contrast only."""
    data = pd.DataFrame(
        {
            "duration": frame["duration"].clip(lower=1e-6),
            "event": frame["event"],
            "loud": frame["loud_at"].notna().astype(int),
            "stratum": frame["stratum"],
        }
    )
    if data["loud"].sum() == 0 or data["loud"].sum() == len(data):
        return Effect(None, None, None, "no contrast")
    fitter = CoxPHFitter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not _fits(
            lambda: fitter.fit(data, duration_col="duration", event_col="event", strata=["stratum"])
        ):
            return Effect(None, None, None, UNSTABLE)
    summary = fitter.summary.loc["loud"]
    return Effect(
        float(math.exp(summary["coef"])),
        (float(summary["exp(coef) lower 95%"]), float(summary["exp(coef) upper 95%"])),
        float(summary["p"]),
        "ever-loud vs never-loud: immortal-time and reverse-causation bias",
    )


def stratum_table(frame: pd.DataFrame, min_cell: int) -> list[dict[str, object]]:
    """Per stratum: counts, and median hours for never-loud and ever-loud, or suppressed."""
    table = []
    for stratum, group in frame.groupby("stratum", sort=True):
        loud = group[group["loud_at"].notna()]
        quiet = group[group["loud_at"].isna()]
        entry: dict[str, object] = {"stratum": stratum, "tickets": len(group), "loud": len(loud)}
        if len(loud) < min_cell or len(quiet) < min_cell:
            entry["suppressed"] = f"fewer than {min_cell} loud or quiet tickets"
        else:
            entry["median_hours_quiet"] = _round(
                float(quiet.loc[quiet.event == 1, "duration"].median())
            )
            entry["median_hours_loud"] = _round(
                float(loud.loc[loud.event == 1, "duration"].median())
            )
        table.append(entry)
    return table


def compensation_risk_ratio(frame: pd.DataFrame) -> dict[str, object]:
    """Mantel-Haenszel risk ratio of compensation granted, ever-loud vs quiet, across strata."""
    tables = []
    for _, group in frame.groupby("stratum"):
        loud = group["loud_at"].notna()
        granted = group["compensated"].astype(bool)
        t = np.array(
            [[(loud & granted).sum(), (loud & ~granted).sum()],
             [(~loud & granted).sum(), (~loud & ~granted).sum()]], dtype=float,
        )  # fmt: skip
        if t[0].sum() > 0 and t[1].sum() > 0:
            tables.append(t + 0.5 if (t == 0).any() else t)
    if not tables:
        return {
            "risk_ratio": None,
            "ci95": None,
            "note": "no stratum with both loud and quiet tickets",
        }
    stratified = StratifiedTable(tables)
    rr = float(stratified.riskratio_pooled)
    # Greenland-Robins variance of log RR (MH), for the 95% interval.
    num = den1 = den2 = 0.0
    for t in tables:
        a, b, c, d = t.ravel()
        n1, n0, n = a + b, c + d, a + b + c + d
        num += (n1 * n0 * (a + c) - a * c * n) / n**2
        den1 += a * n0 / n
        den2 += c * n1 / n
    se = math.sqrt(num / (den1 * den2)) if den1 > 0 and den2 > 0 and num > 0 else float("nan")
    ci = (rr * math.exp(-1.96 * se), rr * math.exp(1.96 * se)) if math.isfinite(se) else None
    return {"risk_ratio": _round(rr), "ci95": [_round(v) for v in ci] if ci else None,
            "note": "ever-loud vs quiet, Mantel-Haenszel across strata"}  # fmt: skip


def outcome(frame: pd.DataFrame, min_cell: int) -> OutcomeResult:
    return OutcomeResult(
        time_varying_effect(frame), naive_effect(frame), stratum_table(frame, min_cell)
    )
