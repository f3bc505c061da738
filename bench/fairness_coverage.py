"""Coverage of the fairness report's hazard ratio on simulated tickets with a known truth.

    .venv/bin/python bench/fairness_coverage.py [--runs 100] [--tickets 2000]

For each true hazard ratio, simulates `runs` ticket sets (confounded strata,
posting after a wait, censoring; see watcher/fairness/simulate.py) and counts
how often the 95% interval of the time-varying Cox model covers the truth,
beside the mean of the naive ever-loud estimate.
"""

from __future__ import annotations

import argparse
import statistics
import time

from watcher.fairness.simulate import simulate
from watcher.fairness.stats import naive_effect, time_varying_effect


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--tickets", type=int, default=2000)
    args = parser.parse_args()
    print("| true HR | runs | CI covers truth | mean estimate | mean naive estimate |")
    print("|---:|---:|---:|---:|---:|")
    started = time.perf_counter()
    for truth in (1.0, 1.5, 2.0):
        covered, estimates, naive = 0, [], []
        for seed in range(args.runs):
            frame = simulate(args.tickets, true_hr=truth, seed=1000 + seed)
            effect = time_varying_effect(frame)
            if effect.ci95 and effect.hazard_ratio:
                covered += effect.ci95[0] <= truth <= effect.ci95[1]
                estimates.append(effect.hazard_ratio)
            biased = naive_effect(frame).hazard_ratio
            if biased:
                naive.append(biased)
        print(f"| {truth:.1f} | {args.runs} | {covered / args.runs:.0%} | "
              f"{statistics.mean(estimates):.2f} | {statistics.mean(naive):.2f} |")  # fmt: skip
    print(f"\n{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
