"""Landmark comparison: Kaplan-Meier and restricted mean time by hand, tests on simulated data."""

from __future__ import annotations

import numpy as np
import pytest

from watcher.fairness.landmark import kaplan_meier, landmark, rmst, svg_curves
from watcher.fairness.simulate import simulate


def test_kaplan_meier_and_restricted_mean_by_hand() -> None:
    curve = kaplan_meier(np.array([2.0, 4.0, 4.0, 6.0]), np.array([1, 1, 0, 1]))
    assert curve.times == [0.0, 2.0, 4.0, 6.0]
    assert curve.survival == pytest.approx([1.0, 0.75, 0.5, 0.0])
    assert curve.at_risk == [4, 4, 3, 1]
    # Area: 2 h at 1.0, 2 h at 0.75, 1 h at 0.5 up to the 5 h horizon.
    assert rmst(curve, 5.0) == pytest.approx(2 + 1.5 + 0.5)


def test_a_true_speed_up_shows_as_shorter_waits_after_the_landmark() -> None:
    result = landmark(simulate(3000, true_hr=3.0, seed=2), 24.0, bootstrap=50)
    week = result.rmst_difference_hours["168h"]
    assert week["difference"] is not None and week["ci95_high"] is not None
    assert week["difference"] < 0 and week["ci95_high"] < 0
    assert result.logrank_p is not None and result.logrank_p < 0.05
    assert result.adjust == "holm"
    assert all(s["p_adjusted"] >= s["p"] for s in result.strata_p)
    assert result.at_risk["loud"][0] == result.loud and result.at_risk["quiet"][0] == result.quiet
    assert result.at_risk["quiet"] == sorted(result.at_risk["quiet"], reverse=True)
    svg = svg_curves(result)
    assert svg.startswith("<svg") and "polyline" in svg and ">at risk<" in svg
    assert f">{result.at_risk['loud'][1]}</text>" in svg


def test_the_restricted_mean_difference_is_the_weighted_per_stratum_one() -> None:
    """The fast resampling path gives what Kaplan-Meier per stratum and group gives."""
    frame = simulate(2000, true_hr=2.0, seed=6)
    frame["duration"] = frame["duration"].round(0) + 0.5  # ties
    result = landmark(frame, 24.0, bootstrap=0)
    open_then = frame[frame["duration"] > 24]
    total = weights = 0.0
    for _, group in open_then.groupby("stratum"):
        time = (group["duration"] - 24).to_numpy()
        event = group["event"].to_numpy()
        loud = (group["loud_at"].fillna(np.inf) <= 24).to_numpy()
        diff = rmst(kaplan_meier(time[loud], event[loud]), 168.0) - rmst(
            kaplan_meier(time[~loud], event[~loud]), 168.0
        )
        total += diff * loud.sum()
        weights += loud.sum()
    assert result.rmst_difference_hours["168h"]["difference"] == round(total / weights, 2)


def test_too_few_loud_tickets_are_reported_not_tested() -> None:
    frame = simulate(200, true_hr=1.0, seed=3)
    frame["loud_at"] = np.nan
    result = landmark(frame, 24.0)
    assert result.loud == 0 and result.logrank_p is None and not result.curves
