"""The statistics on simulated tickets with a known truth."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from watcher.fairness.simulate import simulate
from watcher.fairness.stats import (
    compensation_risk_ratio,
    counting_process,
    naive_effect,
    stratum_table,
    time_varying_effect,
)


def test_the_interval_covers_the_true_effect_and_the_naive_figure_is_biased() -> None:
    """Over 20 simulated ticket sets, the 95% CI must cover the truth nearly always."""
    covered = naive_biased = 0
    for seed in range(20):
        frame = simulate(600, true_hr=1.0, seed=seed)
        effect = time_varying_effect(frame)
        assert effect.ci95 is not None
        covered += effect.ci95[0] <= 1.0 <= effect.ci95[1]
        naive = naive_effect(frame)
        naive_biased += naive.ci95 is not None and naive.ci95[1] < 1.0  # loud look slower
    assert covered >= 17
    assert naive_biased >= 18


@pytest.mark.parametrize("seed", [4, 5])
def test_a_true_speed_up_is_found(seed: int) -> None:
    effect = time_varying_effect(simulate(2000, true_hr=2.0, seed=seed))
    assert effect.ci95 is not None and effect.ci95[0] > 1.0
    assert effect.ci95[0] <= 2.0 <= effect.ci95[1]


def test_counting_process_splits_at_the_post() -> None:
    frame = pd.DataFrame(
        {"id": [1, 2], "duration": [10.0, 5.0], "event": [1, 0], "loud_at": [4.0, np.nan],
         "stratum": ["a", "a"]}
    )  # fmt: skip
    rows = counting_process(frame).values.tolist()
    assert rows == [[1, 0.0, 4.0, 0, 0, "a"], [1, 4.0, 10.0, 1, 1, "a"], [2, 0.0, 5.0, 0, 0, "a"]]


def test_small_strata_are_suppressed() -> None:
    frame = simulate(200, true_hr=1.0, seed=9)
    table = stratum_table(frame, min_cell=1000)
    assert all("suppressed" in row for row in table)
    assert sum(int(str(row["tickets"])) for row in table) == 200


def test_too_little_data_is_said_not_crashed() -> None:
    frame = simulate(5, true_hr=1.0, seed=1)
    effect = time_varying_effect(frame)
    assert effect.hazard_ratio is None or math.isfinite(effect.hazard_ratio)


def test_mantel_haenszel_risk_ratio_by_hand() -> None:
    # One stratum: loud 10/20 compensated, quiet 5/20: RR = 0.5 / 0.25 = 2.
    rows = [("s", 1.0, True)] * 10 + [("s", 1.0, False)] * 10
    rows += [("s", np.nan, True)] * 5 + [("s", np.nan, False)] * 15
    frame = pd.DataFrame(rows, columns=["stratum", "loud_at", "compensated"])
    result = compensation_risk_ratio(frame)
    assert result["risk_ratio"] == pytest.approx(2.0)
    low, high = result["ci95"]  # type: ignore[misc]
    assert low < 2.0 < high
