"""Run the fairness statistics on real complaint-handling data no one here wrote.

    .venv/bin/python bench/fairness_real_data.py

Reads ../shared/data/tickets/cfpb_complaints_sample.csv when present (never
copied into the project): US consumer complaints with the date received, the
date sent to the company, the company's response and tags. The "exposure"
here is a real grouping, not loudness: complaints tagged "Older American" or
"Servicemember" against the rest, stratified by product, from day 0. Outcome:
days until the complaint was sent to the company (censored at the sample's
end if never sent); compensation: closed with monetary relief.
"""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from watcher.fairness.landmark import landmark
from watcher.fairness.stats import compensation_risk_ratio, naive_effect, stratum_table

DATA = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "tickets"
    / "cfpb_complaints_sample.csv"
)


def main() -> int:
    if not DATA.exists():
        print(f"{DATA} not found: nothing to run", file=sys.stderr)
        return 0
    rows = []
    with DATA.open(encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle)):
            received = date.fromisoformat(row["Date received"])
            sent = row["Date sent to company"]
            days = (date.fromisoformat(sent) - received).days if sent else 30
            rows.append({
                "id": number, "stratum": row["Product"] or "unknown",
                "duration": max(days, 0) + 0.5, "event": int(bool(sent)),
                "loud_at": 0.0 if row["Tags"] else float("nan"),
                "compensated": row["Company response to consumer"] == "Closed with monetary relief",
                "timely": row["Timely response?"] == "Yes",
            })  # fmt: skip
    frame = pd.DataFrame(rows)
    tagged = frame["loud_at"].notna()
    print(f"{len(frame)} complaints, {int(tagged.sum())} tagged (Older American / Servicemember)")
    effect = naive_effect(frame)  # exposure from day 0: the naive model is the right one here
    print(
        "time to reach the company, tagged vs not, stratified by product: "
        f"HR {effect.hazard_ratio} CI {effect.ci95} p {effect.p_value}"
    )
    print("monetary relief, tagged vs not (Mantel-Haenszel):", compensation_risk_ratio(frame))
    timely = frame.groupby(tagged)["timely"].mean()
    print(f"timely response: tagged {timely.get(True, 0):.3f}, others {timely.get(False, 0):.3f}")
    table = stratum_table(frame, min_cell=20)
    shown = [row for row in table if "suppressed" not in row]
    suppressed = len(table) - len(shown)
    print(
        f"{len(table)} product strata, {suppressed} suppressed (fewer than 20 tagged or untagged)"
    )
    print(
        "landmark at 0.25 days (durations here are days: read the 24h and 168h keys as days):",
        landmark(frame, 0.25, bootstrap=100).as_dict()["rmst_difference_hours"],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
