"""Compensation: how often it is granted and how much, loud against quiet."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from watcher.fairness.stats import compensation_amounts


def _frame(rows: list[tuple[str, bool, float | None]]) -> pd.DataFrame:
    """(stratum, loud, amount granted or None) per ticket."""
    return pd.DataFrame(
        {
            "stratum": [s for s, _, _ in rows],
            "loud_at": [1.0 if loud else np.nan for _, loud, _ in rows],
            "compensated": [amount is not None for _, _, amount in rows],
            "amount": [np.nan if amount is None else amount for _, _, amount in rows],
        }
    )


def test_loud_customers_granted_more_within_strata() -> None:
    rows = [
        ("outage", True, 200.0), ("outage", True, 220.0), ("outage", False, 100.0),
        ("outage", False, 120.0), ("outage", False, None), ("billing", True, 60.0),
        ("billing", False, 40.0), ("billing", False, 20.0), ("speed", False, 500.0),
    ]  # fmt: skip
    found = compensation_amounts(_frame(rows))
    assert (found["n_loud"], found["n_quiet"]) == (3, 5)
    assert found["mean_loud"] == pytest.approx(160.0)
    assert found["mean_quiet"] == pytest.approx(156.0)  # the pooled means hide the gap
    # Within strata: outage +100 (4 tickets), billing +30 (3); speed has no loud ticket.
    assert found["difference_stratified"] == pytest.approx((100 * 4 + 30 * 3) / 7, abs=1e-3)
    assert 0 <= float(found["p_value"]) <= 1  # type: ignore[arg-type]


def test_only_one_side_compensated_is_said_plainly() -> None:
    found = compensation_amounts(_frame([("outage", True, 50.0), ("outage", False, None)]))
    assert found["difference_stratified"] is None and "only" in str(found["note"])
