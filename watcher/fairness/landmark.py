"""Landmark comparisons: among tickets still open at a landmark, loud by then vs quiet.

Fixing the groups at a landmark (for example 24 hours after creation) keeps
the comparison honest without a model: nobody's later loudness is credited to
time before it, and tickets resolved before the landmark are in neither group.
From the landmark on: Kaplan-Meier curves per group (pooled, for the picture),
a log-rank test stratified by category x severity x tier, and the difference
in restricted mean time to the outcome within business horizons, computed
within strata and weighted by the loud tickets in each, with bootstrap
intervals; per-stratum log-rank p-values are Holm-adjusted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import survdiff
from statsmodels.stats.multitest import multipletests

HORIZONS_HOURS = (24.0, 168.0)


@dataclass
class Curve:
    times: list[float]
    survival: list[float]
    at_risk: list[int]


@dataclass
class LandmarkResult:
    at_hours: float
    loud: int
    quiet: int
    logrank_p: float | None
    rmst_difference_hours: dict[str, dict[str, float | None]] = field(default_factory=dict)
    curves: dict[str, Curve] = field(default_factory=dict)
    strata_p: list[dict[str, object]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "at_hours": self.at_hours,
            "loud": self.loud,
            "quiet": self.quiet,
            "logrank_p": self.logrank_p,
            "rmst_difference_hours": self.rmst_difference_hours,
            "strata": self.strata_p,
        }


def kaplan_meier(time: np.ndarray, event: np.ndarray) -> Curve:
    """Share still waiting after each event time, with the number at risk."""
    order = np.argsort(time)
    time, event = time[order], event[order]
    times, survival, at_risk = [0.0], [1.0], [len(time)]
    current = 1.0
    for t in np.unique(time[event == 1]):
        risk = int((time >= t).sum())
        deaths = int(((time == t) & (event == 1)).sum())
        current *= 1 - deaths / risk
        times.append(float(t))
        survival.append(current)
        at_risk.append(risk)
    return Curve(times, survival, at_risk)


def rmst(curve: Curve, horizon: float) -> float:
    """Restricted mean time to the outcome within `horizon`: the area under the curve."""
    area, last_t, last_s = 0.0, 0.0, 1.0
    for t, s in zip(curve.times[1:], curve.survival[1:], strict=True):
        if t >= horizon:
            break
        area += (t - last_t) * last_s
        last_t, last_s = t, s
    return area + (horizon - last_t) * last_s


def _rmst_difference(
    time: np.ndarray, event: np.ndarray, loud: np.ndarray, strata: np.ndarray, horizon: float
) -> float:
    """Loud minus quiet restricted mean time, within strata, weighted by the loud in each."""
    total, weights = 0.0, 0
    for stratum in np.unique(strata):
        inside = strata == stratum
        n_loud = int((loud & inside).sum())
        if n_loud < 1 or int((~loud & inside).sum()) < 1:
            continue
        diff = rmst(kaplan_meier(time[loud & inside], event[loud & inside]), horizon) - rmst(
            kaplan_meier(time[~loud & inside], event[~loud & inside]), horizon
        )
        total += diff * n_loud
        weights += n_loud
    return total / weights if weights else math.nan


def landmark(
    frame: pd.DataFrame, at_hours: float = 24.0, *, bootstrap: int = 200, seed: int = 0
) -> LandmarkResult:
    """Compare, from `at_hours` on, tickets loud by then with those still quiet."""
    open_then = frame[frame["duration"] > at_hours]
    time = (open_then["duration"] - at_hours).to_numpy(dtype=float)
    event = open_then["event"].to_numpy(dtype=int)
    loud = (open_then["loud_at"].fillna(math.inf) <= at_hours).to_numpy()
    strata = open_then["stratum"].astype("category").cat.codes.to_numpy()
    result = LandmarkResult(at_hours, int(loud.sum()), int((~loud).sum()), None)
    if result.loud < 2 or result.quiet < 2:
        return result
    try:
        _, p = survdiff(time, event, loud.astype(int), strata=strata)
        result.logrank_p = round(float(p), 6)
    except (ValueError, ZeroDivisionError, np.linalg.LinAlgError):
        result.logrank_p = None
    result.curves = {
        "loud": kaplan_meier(time[loud], event[loud]),
        "quiet": kaplan_meier(time[~loud], event[~loud]),
    }
    rng = np.random.default_rng(seed)
    for horizon in HORIZONS_HOURS:
        point = _rmst_difference(time, event, loud, strata, horizon)
        draws = []
        for _ in range(bootstrap):
            pick = rng.integers(0, len(time), len(time))
            if loud[pick].any() and (~loud[pick]).any():
                draws.append(
                    _rmst_difference(time[pick], event[pick], loud[pick], strata[pick], horizon)
                )
        low, high = np.percentile(draws, [2.5, 97.5]) if draws else (math.nan, math.nan)
        result.rmst_difference_hours[f"{horizon:g}h"] = {
            "difference": round(point, 2),
            "ci95_low": round(float(low), 2) if draws else None,
            "ci95_high": round(float(high), 2) if draws else None,
        }
    per_stratum = []
    for name, group in open_then.groupby("stratum"):
        g_loud = (group["loud_at"].fillna(math.inf) <= at_hours).to_numpy()
        if g_loud.sum() >= 2 and (~g_loud).sum() >= 2:
            try:
                _, p = survdiff((group["duration"] - at_hours).to_numpy(float),
                                group["event"].to_numpy(int), g_loud.astype(int))  # fmt: skip
                per_stratum.append({"stratum": name, "p": float(p)})
            except (ValueError, ZeroDivisionError, np.linalg.LinAlgError):
                continue
    if per_stratum:
        adjusted = multipletests([s["p"] for s in per_stratum], method="holm")[1]
        for entry, holm in zip(per_stratum, adjusted, strict=True):
            entry["p"] = round(float(entry["p"]), 6)
            entry["p_holm"] = round(float(holm), 6)
    result.strata_p = per_stratum
    return result


def svg_curves(
    result: LandmarkResult, horizon: float = 168.0, width: int = 480, height: int = 200
) -> str:
    """Kaplan-Meier curves as a small inline SVG (no external assets)."""
    colours = {"loud": "#c0392b", "quiet": "#2c7bb6"}
    label = "share still waiting after the landmark, loud vs quiet"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 30}" '
        f'role="img" aria-label="{label}">'
    ]
    parts.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="none" stroke="#999"/>')
    for name, curve in result.curves.items():
        points: list[str] = []
        last_y = float(height)
        for t, s in zip(curve.times, curve.survival, strict=True):
            x = min(t, horizon) / horizon * width
            y = height - s * height
            if points:
                points.append(f"{x:.1f},{last_y:.1f}")
            points.append(f"{x:.1f},{y:.1f}")
            last_y = y
            if t >= horizon:
                break
        points.append(f"{width:.1f},{last_y:.1f}")
        line = " ".join(points)
        parts.append(
            f'<polyline fill="none" stroke="{colours[name]}" stroke-width="2" points="{line}"/>'
        )
    parts.append(f'<text x="4" y="{height + 20}" font-size="12">0 h</text>')
    parts.append(f'<text x="{width - 40}" y="{height + 20}" font-size="12">{horizon:g} h</text>')
    parts.append(
        f'<text x="120" y="{height + 20}" font-size="12" fill="{colours["loud"]}">loud</text>'
    )
    parts.append(
        f'<text x="170" y="{height + 20}" font-size="12" fill="{colours["quiet"]}">quiet</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
