"""Landmark comparisons: among tickets still open at a landmark, loud by then vs quiet.

Fixing the groups at a landmark (for example 24 hours after creation) keeps
the comparison honest without a model: nobody's later loudness is credited to
time before it, and tickets resolved before the landmark are in neither group.
From the landmark on: Kaplan-Meier curves per group (pooled, for the picture),
a log-rank test stratified by category x severity x tier, and the difference
in restricted mean time to the outcome within business horizons, computed
within strata and weighted by the loud tickets in each, with bootstrap
intervals; per-stratum log-rank p-values are adjusted for multiplicity (Holm,
or Benjamini-Hochberg).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from html import escape

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import survdiff

from watcher.fairness.stats import adjust_p

HORIZONS_HOURS = (24.0, 168.0)
AT_RISK_HOURS = (0.0, 24.0, 48.0, 72.0, 96.0, 120.0, 144.0, 168.0)


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
    adjust: str = "holm"
    # Tickets still waiting (and observed) at AT_RISK_HOURS after the landmark, per group.
    at_risk: dict[str, list[int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "at_hours": self.at_hours,
            "loud": self.loud,
            "quiet": self.quiet,
            "logrank_p": self.logrank_p,
            "rmst_difference_hours": self.rmst_difference_hours,
            "adjust": self.adjust,
            "strata": self.strata_p,
            "at_risk": {"hours": list(AT_RISK_HOURS), **self.at_risk} if self.at_risk else None,
        }


def kaplan_meier(time: np.ndarray, event: np.ndarray) -> Curve:
    """Share still waiting after each event time, with the number at risk."""
    time = np.asarray(time, dtype=float)
    event_times, deaths = np.unique(time[np.asarray(event) == 1], return_counts=True)
    risk = len(time) - np.searchsorted(np.sort(time), event_times, "left")
    survival = np.cumprod(1 - deaths / risk)
    return Curve(
        [0.0, *event_times.tolist()], [1.0, *survival.tolist()], [len(time), *risk.tolist()]
    )


def _area(times: np.ndarray, survival: np.ndarray, horizon: float) -> float:
    """Area under a step curve (1 until the first of `times`) from 0 to `horizon`."""
    k = int(np.searchsorted(times, horizon, "left"))
    knots = np.concatenate(([0.0], times[:k]))
    levels = np.concatenate(([1.0], survival[:k]))
    return float(np.dot(np.diff(knots), levels[:-1]) + (horizon - knots[-1]) * levels[-1])


def rmst(curve: Curve, horizon: float) -> float:
    """Restricted mean time to the outcome within `horizon`: the area under the curve."""
    return _area(np.asarray(curve.times[1:]), np.asarray(curve.survival[1:]), horizon)


class _Resampler:
    """The landmark tickets sorted once by stratum, group and time.

    A bootstrap sample is then a vector of how often each ticket was drawn, and a
    Kaplan-Meier curve of a sample is two weighted counts per distinct time: no
    sorting and no copying per draw. The curves are those of the drawn tickets.
    """

    def __init__(self, time: np.ndarray, event: np.ndarray, loud: np.ndarray, strata: np.ndarray):
        self.order = np.lexsort((time, loud, strata))
        self.loud = loud[self.order]
        keys = strata[self.order].astype(np.int64) * 2 + self.loud
        cuts = [0, *(np.flatnonzero(np.diff(keys)) + 1).tolist(), len(keys)]
        self.segments: list[tuple[int, bool, slice, np.ndarray, np.ndarray, np.ndarray]] = []
        for begin, end in itertools.pairwise(cuts):
            if end <= begin:
                continue
            rows = self.order[begin:end]
            times, inverse = np.unique(time[rows], return_inverse=True)
            self.segments.append(
                (int(strata[rows[0]]), bool(loud[rows[0]]), slice(begin, end), times, inverse,
                 event[rows] == 1)
            )  # fmt: skip

    def rmst_difference(self, drawn: np.ndarray, horizon: float) -> float:
        """Loud minus quiet restricted mean time, within strata, weighted by the loud in each.

        `drawn`: how often each ticket (in sorted order) is in the sample.
        """
        areas: dict[int, dict[bool, tuple[float, int]]] = {}
        for stratum, is_loud, rows, times, inverse, died in self.segments:
            weight = drawn[rows].astype(float)
            count = int(weight.sum())
            if count < 1:
                continue
            total = np.bincount(inverse, weights=weight, minlength=len(times))
            deaths = np.bincount(inverse[died], weights=weight[died], minlength=len(times))
            risk = np.cumsum(total[::-1])[::-1]
            keep = deaths > 0
            survival = np.cumprod(1 - deaths[keep] / risk[keep])
            areas.setdefault(stratum, {})[is_loud] = (_area(times[keep], survival, horizon), count)
        total_diff, weights = 0.0, 0
        for stratum in sorted(areas):
            groups = areas[stratum]
            if True not in groups or False not in groups:
                continue
            (loud_area, n_loud), (quiet_area, _) = groups[True], groups[False]
            total_diff += (loud_area - quiet_area) * n_loud
            weights += n_loud
        return total_diff / weights if weights else math.nan


def landmark(
    frame: pd.DataFrame,
    at_hours: float = 24.0,
    *,
    bootstrap: int = 200,
    seed: int = 0,
    adjust: str = "holm",
) -> LandmarkResult:
    """Compare, from `at_hours` on, tickets loud by then with those still quiet."""
    open_then = frame[frame["duration"] > at_hours]
    time = (open_then["duration"] - at_hours).to_numpy(dtype=float)
    event = open_then["event"].to_numpy(dtype=int)
    loud = (open_then["loud_at"].fillna(math.inf) <= at_hours).to_numpy()
    strata = open_then["stratum"].astype("category").cat.codes.to_numpy()
    result = LandmarkResult(at_hours, int(loud.sum()), int((~loud).sum()), None, adjust=adjust)
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
    result.at_risk = {
        name: [int((time[group] >= h).sum()) for h in AT_RISK_HOURS]
        for name, group in (("loud", loud), ("quiet", ~loud))
    }
    resampler = _Resampler(time, event, loud, strata)
    everyone = np.ones(len(time), dtype=np.int64)
    rng = np.random.default_rng(seed)
    for horizon in HORIZONS_HOURS:
        point = resampler.rmst_difference(everyone, horizon)
        draws = []
        for _ in range(bootstrap):
            pick = rng.integers(0, len(time), len(time))
            drawn = np.bincount(pick, minlength=len(time))[resampler.order]
            in_sample = drawn > 0
            if (in_sample & resampler.loud).any() and (in_sample & ~resampler.loud).any():
                draws.append(resampler.rmst_difference(drawn, horizon))
        low, high = np.percentile(draws, [2.5, 97.5]) if draws else (math.nan, math.nan)
        result.rmst_difference_hours[f"{horizon:g}h"] = {
            "difference": round(point, 2),
            "ci95_low": round(float(low), 2) if draws else None,
            "ci95_high": round(float(high), 2) if draws else None,
        }
    tested: list[tuple[object, float]] = []
    for name, group in open_then.groupby("stratum"):
        g_loud = (group["loud_at"].fillna(math.inf) <= at_hours).to_numpy()
        if g_loud.sum() >= 2 and (~g_loud).sum() >= 2:
            try:
                _, p = survdiff((group["duration"] - at_hours).to_numpy(float),
                                group["event"].to_numpy(int), g_loud.astype(int))  # fmt: skip
                tested.append((name, float(p)))
            except (ValueError, ZeroDivisionError, np.linalg.LinAlgError):
                continue
    adjusted = adjust_p([p for _, p in tested], adjust)
    per_stratum: list[dict[str, object]] = [
        {"stratum": name, "p": round(p, 6), "p_adjusted": round(value, 6)}
        for (name, p), value in zip(tested, adjusted, strict=True)
    ]
    result.strata_p = per_stratum
    return result


def _thin(points: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop repeated points and the inner points of horizontal or vertical runs."""
    kept: list[tuple[str, str]] = []
    for point in points:
        if kept and kept[-1] == point:
            continue
        if len(kept) >= 2 and (
            kept[-2][0] == kept[-1][0] == point[0] or kept[-2][1] == kept[-1][1] == point[1]
        ):
            kept[-1] = point
        else:
            kept.append(point)
    return kept


def svg_curves(
    result: LandmarkResult, horizon: float = 168.0, width: int = 480, height: int = 200
) -> str:
    """Kaplan-Meier curves as a small inline SVG (no external assets), numbers at risk below."""
    colours = {"loud": "#c0392b", "quiet": "#2c7bb6"}
    left = 64  # room for the row labels of the at-risk table and a centred count
    plot = width - left - 24
    label = "share still waiting after the landmark, loud vs quiet, with the numbers at risk"
    rows = [name for name in ("loud", "quiet") if name in result.at_risk]
    total_height = height + 24 + (16 * len(rows) + 8 if rows else 20)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total_height}" '
        f'role="img" aria-label="{label}" font-family="sans-serif">'
    ]
    parts.append(
        f'<rect x="{left}" y="0" width="{plot}" height="{height}" fill="none" stroke="#999"/>'
        f'<text x="{left - 4}" y="10" font-size="10" text-anchor="end">100%</text>'
        f'<text x="{left - 4}" y="{height}" font-size="10" text-anchor="end">0%</text>'
    )
    for name, curve in result.curves.items():
        points: list[tuple[str, str]] = []
        last_y = float(height)
        for t, s in zip(curve.times, curve.survival, strict=True):
            x = left + min(t, horizon) / horizon * plot
            y = height - s * height
            if points:
                points.append((f"{x:.1f}", f"{last_y:.1f}"))
            points.append((f"{x:.1f}", f"{y:.1f}"))
            last_y = y
            if t >= horizon:
                break
        points.append((f"{left + plot:.1f}", f"{last_y:.1f}"))
        line = " ".join(f"{x},{y}" for x, y in _thin(points))
        parts.append(
            f'<polyline fill="none" stroke="{colours.get(name, "#555")}" stroke-width="2" '
            f'points="{line}"/>'
        )
    if not rows:  # no at-risk table to name the curves: a legend instead
        for x, name in ((120, "loud"), (170, "quiet")):
            colour = colours[name]
            parts.append(
                f'<text x="{x}" y="{height + 38}" font-size="12" fill="{colour}">{name}</text>'
            )
    ticks = [h for h in AT_RISK_HOURS if h <= horizon] if rows else [0.0, horizon]
    for h in ticks:
        x = left + h / horizon * plot
        parts.append(
            f'<text x="{x:.1f}" y="{height + 14}" font-size="11" '
            f'text-anchor="middle">{h:g} h</text>'
        )
    y = height + 24
    if rows:
        parts.append(f'<text x="0" y="{y + 4}" font-size="10" fill="#555">at risk</text>')
    for name in rows:
        y += 16
        parts.append(
            f'<text x="0" y="{y}" font-size="11" fill="{colours[name]}">{escape(name)}</text>'
        )
        for h, count in zip(AT_RISK_HOURS, result.at_risk[name], strict=True):
            if h <= horizon:
                x = left + h / horizon * plot
                parts.append(
                    f'<text x="{x:.1f}" y="{y}" font-size="11" text-anchor="middle" '
                    f'fill="{colours[name]}">{count}</text>'
                )
    parts.append("</svg>")
    return "".join(parts)
