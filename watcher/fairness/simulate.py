"""Simulated tickets with a known true effect of going public, to validate the method.

Each ticket is resolved at a baseline hazard that depends on its stratum
(slow categories exist, and loud customers are over-represented in them);
a customer still waiting may post publicly after some time; after posting,
the resolution hazard is multiplied by `true_hr`. Tickets are censored at the
report's end. With true_hr = 1 a naive "ever loud" comparison still shows the
loud as slower: they are loud *because* they waited.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

STRATA = {"outage|fast": 1 / 24, "billing|medium": 1 / 72, "installation|slow": 1 / 240}
# Share of customers who post after waiting, by stratum: more in the slow ones.
POST_RATE = {"outage|fast": 1 / 400, "billing|medium": 1 / 300, "installation|slow": 1 / 150}


def simulate(
    n: int, true_hr: float, seed: int, horizon_hours: float = 24 * 60, post_scale: float = 1.0
) -> pd.DataFrame:
    """Columns: id, stratum, duration (hours), event, loud_at (hours or NaN), compensated.

    `post_scale` multiplies every stratum's posting rate (fewer loud customers below 1).
    """
    rng = np.random.default_rng(seed)
    names = list(STRATA)
    codes = rng.choice(len(names), size=n, p=[0.5, 0.3, 0.2])
    strata = np.array(names, dtype=object)[codes]
    base = np.array([STRATA[s] for s in names])[codes]
    post_rate = np.array([POST_RATE[s] for s in names])[codes] * post_scale
    post_at = rng.exponential(1 / post_rate)
    first = rng.exponential(1 / base)
    # Resolved before posting: never loud. Otherwise the rest of the wait runs at the new hazard.
    loud = first > post_at
    after = rng.exponential(1 / (base * true_hr))
    resolve = np.where(loud, post_at + after, first)
    censor = rng.uniform(horizon_hours * 0.3, horizon_hours, size=n)
    duration = np.minimum(resolve, censor)
    event = (resolve <= censor).astype(int)
    loud_at = np.where(loud & (post_at < censor), post_at, np.nan)
    compensated = rng.random(n) < np.where(np.isnan(loud_at), 0.05, 0.05 * true_hr)
    return pd.DataFrame(
        {
            "id": np.arange(n),
            "stratum": strata,
            "duration": duration,
            "event": event,
            "loud_at": loud_at,
            "compensated": compensated,
        }
    )
