"""Survival statistics with loudness as a time-varying exposure (pure: tables in, numbers out).

A ticket is quiet from its creation until its first public complaint, loud
after. Comparing tickets that were *ever* loud with the rest credits the
quiet waiting before the post to the loud group (immortal time) and mixes up
cause and effect (people post because they waited); that naive figure is
computed only to be shown beside the right one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import chi2, mannwhitneyu
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.multitest import multipletests


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


# Corrections for testing many strata: option name -> statsmodels method, and how to say it.
ADJUST_METHODS = {"holm": "holm", "bh": "fdr_bh"}
ADJUST_NAMES = {"holm": "Holm's step-down correction (family-wise error)",
                "bh": "the Benjamini-Hochberg correction (false discovery rate)"}  # fmt: skip


def adjust_p(p_values: list[float], method: str = "holm") -> list[float]:
    """P-values adjusted for testing several strata: `holm` or `bh` (Benjamini-Hochberg)."""
    if method not in ADJUST_METHODS:
        raise ValueError(f"unknown adjustment {method!r}: use one of {', '.join(ADJUST_METHODS)}")
    if not p_values:
        return []
    return [float(v) for v in multipletests(p_values, method=ADJUST_METHODS[method])[1]]


UNSTABLE = "the model could not be estimated: too few tickets or events in comparable strata"


def counting_process(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per ticket and exposure period: (start, stop, loud, event), times in hours.

    `frame` has: id, duration (hours to the outcome or to censoring), event (0/1),
    loud_at (hours from creation to the first public post, NaN if never), stratum.
    A ticket that turns loud while open gets a quiet row up to the post and a loud
    row after it, in that order.
    """
    loud_at = frame["loud_at"].to_numpy(dtype=float)
    duration = frame["duration"].to_numpy(dtype=float)
    split = (loud_at > 0) & (loud_at < duration)  # NaN compares False
    copies = 1 + split.astype(np.int64)
    rows = np.repeat(np.arange(len(frame)), copies)
    second = np.zeros(len(rows), dtype=bool)
    second[np.cumsum(copies)[split] - 1] = True  # the loud part of a split ticket
    first = np.repeat(split, copies) & ~second  # the quiet part before the post
    event = frame["event"].to_numpy()[rows]
    loud = np.where(np.repeat(split, copies), second, loud_at[rows] <= 0).astype(np.int64)
    return pd.DataFrame(
        {
            "id": frame["id"].to_numpy()[rows],
            "start": np.where(second, loud_at[rows], 0.0),
            "stop": np.where(first, loud_at[rows], duration[rows]),
            "loud": loud,
            "event": np.where(first, 0, event).astype(np.int64),
            "stratum": frame["stratum"].to_numpy()[rows],
        }
    )


Z95 = 1.959963984540054  # the 97.5% normal quantile, as lifelines uses


def cox_binary(
    start: np.ndarray, stop: np.ndarray, event: np.ndarray, x: np.ndarray, strata: np.ndarray
) -> tuple[float, float] | None:
    """Stratified Cox model with one 0/1 covariate on (start, stop] rows: (coef, se) or None.

    The partial likelihood with Efron's tie method, as lifelines' CoxTimeVaryingFitter
    and CoxPHFitter fit it (the same estimate to their convergence precision), but
    computed from counts: with a single binary covariate, everything a Newton step
    needs at an event time is the number at risk and the number of events, quiet
    and loud, so a million tickets take a fraction of a second instead of hours.
    None when the model cannot be estimated (no information, or an infinite
    estimate from complete separation).
    """
    start, stop = np.asarray(start, dtype=float), np.asarray(stop, dtype=float)
    event, x = np.asarray(event).astype(bool), np.asarray(x).astype(bool)
    codes = pd.factorize(np.asarray(strata))[0]
    at_risk: list[np.ndarray] = []
    deaths: list[np.ndarray] = []
    for code in np.unique(codes):
        inside = codes == code
        s_start, s_stop, s_event, s_x = start[inside], stop[inside], event[inside], x[inside]
        times, where = np.unique(s_stop[s_event], return_inverse=True)
        if not len(times):
            continue
        counts = []
        for group in (~s_x, s_x):
            # At risk at t: start < t <= stop, that is #(stop >= t) - #(start >= t).
            stops, starts = np.sort(s_stop[group]), np.sort(s_start[group])
            counts.append(
                np.searchsorted(starts, times, "left") - np.searchsorted(stops, times, "left")
            )
        at_risk.append(np.stack(counts, axis=1))
        died_x = s_x[s_event]
        quiet_deaths = np.bincount(where[~died_x], minlength=len(times))
        deaths.append(np.stack([quiet_deaths, np.bincount(where[died_x], minlength=len(times))], 1))
    if not at_risk:
        return None
    n = np.concatenate(at_risk).astype(float)
    d = np.concatenate(deaths)
    ties = d.sum(axis=1)
    # Efron: the l-th of the d tied events (l = 0..d-1) sees the risk set less l/d of the tied.
    rep = np.repeat(np.arange(len(ties)), ties)
    fraction = (np.arange(len(rep)) - np.repeat(np.cumsum(ties) - ties, ties)) / ties[rep]
    n0, n1 = n[rep, 0], n[rep, 1]
    d0, d1 = d[rep, 0].astype(float), d[rep, 1].astype(float)
    loud_events = float(d[:, 1].sum())

    def derivatives(beta: float) -> tuple[float, float, float]:
        risk = math.exp(beta)
        loud_part = (n1 - fraction * d1) * risk
        denominator = n0 - fraction * d0 + loud_part
        share = loud_part / denominator
        log_lik = beta * loud_events - float(np.log(denominator).sum())
        return log_lik, loud_events - float(share.sum()), float((share * (1 - share)).sum())

    beta = 0.0
    log_lik, score, information = derivatives(beta)
    for _ in range(100):
        if not (information > 0 and math.isfinite(information)):
            return None
        step = score / information
        while True:  # halve a step that lowers the likelihood
            new = derivatives(beta + step)
            if new[0] >= log_lik - 1e-12 * abs(log_lik) or abs(step) < 1e-12:
                break
            step /= 2
        beta += step
        log_lik, score, information = new
        if abs(beta) > 30:  # complete separation: no finite estimate
            return None
        if abs(step) < 1e-10:
            break
    else:
        return None
    if not (information > 0 and math.isfinite(information)):
        return None
    return beta, 1 / math.sqrt(information)


def _effect(coef_se: tuple[float, float] | None, note: str = "") -> Effect:
    if coef_se is None:
        return Effect(None, None, None, UNSTABLE)
    coef, se = coef_se
    return Effect(
        math.exp(coef),
        (math.exp(coef - Z95 * se), math.exp(coef + Z95 * se)),
        float(chi2.sf((coef / se) ** 2, 1)),
        note,
    )


def time_varying_effect(frame: pd.DataFrame) -> Effect:
    """Hazard ratio loud vs quiet, loudness time-varying, stratified (> 1: loud faster)."""
    data = counting_process(frame)
    data = data[data["stop"] > data["start"]]
    if data["loud"].sum() == 0 or data["event"].sum() == 0:
        return Effect(None, None, None, "no loud time or no outcomes: nothing to compare")
    return _effect(
        cox_binary(data["start"], data["stop"], data["event"], data["loud"], data["stratum"])
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
    return _effect(
        cox_binary(np.zeros(len(data)), data["duration"], data["event"], data["loud"],
                   data["stratum"]),
        "ever-loud vs never-loud: immortal-time and reverse-causation bias",
    )  # fmt: skip


def stratum_table(
    frame: pd.DataFrame, min_cell: int, adjust: str = "holm"
) -> list[dict[str, object]]:
    """Per stratum: counts, median hours for never-loud and ever-loud, and the hazard ratio.

    The hazard ratio is the time-varying one of the whole report, within the stratum
    alone, with its p-value adjusted across the strata that have one (`adjust`:
    holm or bh). Strata with fewer than `min_cell` loud or quiet tickets are
    suppressed: counts only.
    """
    table = []
    tested: list[tuple[dict[str, object], float]] = []
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
            effect = time_varying_effect(group)
            entry["hazard_ratio"] = _round(effect.hazard_ratio)
            entry["ci95_low"] = _round(effect.ci95[0]) if effect.ci95 else None
            entry["ci95_high"] = _round(effect.ci95[1]) if effect.ci95 else None
            entry["p_value"] = _round(effect.p_value)
            if effect.note:
                entry["effect_note"] = effect.note
            if effect.p_value is not None:
                tested.append((entry, effect.p_value))
        table.append(entry)
    adjusted = adjust_p([p for _, p in tested], adjust)
    for (entry, _), value in zip(tested, adjusted, strict=True):
        entry["p_adjusted"] = _round(value)
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


def compensation_amounts(frame: pd.DataFrame) -> dict[str, object]:
    """Amounts granted, ever-loud vs quiet, among compensated tickets: the means, their
    difference averaged over strata holding both (weighted by compensated tickets), and a
    Mann-Whitney test of the pooled amounts."""
    paid = frame[frame["compensated"] & frame["amount"].notna()]
    loud = paid["loud_at"].notna()
    result: dict[str, object] = {
        "n_loud": int(loud.sum()),
        "n_quiet": int((~loud).sum()),
        "mean_loud": _round(float(paid.loc[loud, "amount"].mean())) if loud.any() else None,
        "mean_quiet": _round(float(paid.loc[~loud, "amount"].mean())) if (~loud).any() else None,
        "difference_stratified": None,
        "p_value": None,
        "note": "compensated tickets only; ever-loud vs quiet",
    }
    if not loud.any() or loud.all():
        result["note"] = "compensation was granted to loud or to quiet tickets only"
        return result
    differences, weights = [], []
    for _, group in paid.groupby("stratum"):
        in_group = group["loud_at"].notna()
        if in_group.any() and (~in_group).any():
            amounts = group["amount"]
            differences.append(amounts[in_group].mean() - amounts[~in_group].mean())
            weights.append(len(group))
    if differences:
        result["difference_stratified"] = _round(float(np.average(differences, weights=weights)))
    test = mannwhitneyu(paid.loc[loud, "amount"], paid.loc[~loud, "amount"])
    result["p_value"] = _round(float(test.pvalue))
    return result


def outcome(frame: pd.DataFrame, min_cell: int, adjust: str = "holm") -> OutcomeResult:
    return OutcomeResult(
        time_varying_effect(frame), naive_effect(frame), stratum_table(frame, min_cell, adjust)
    )
