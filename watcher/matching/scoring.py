"""Explainable match weights: a score is the sum of per-feature log2 weights.

Each level's weight is log2(m / u), where m is how often the level occurs among
true links and u among wrong candidates (Fellegi-Sunter, as in Splink). The
prior, log2 of the odds that a candidate is the right ticket, starts the sum,
so a score above 0 means "more likely right than wrong" and every point doubles
the odds. Weights are fitted by `watcher.matching.fit` and shipped in
weights.json.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib.resources import files
from typing import Any

from watcher.matching.features import LEVELS, Comparison

WEIGHTS_FILE = "weights.json"
# Smoothing pseudo-count (per level, true pairs): a level never seen among true links
# still gets a finite weight.
SMOOTHING = 0.1
# Confidence of the interval around m (two-sided 95%, the usual z). True pairs are few
# (tens): a level seen 0 times in 69 true pairs may still occur in 1 of 20 true links,
# so its weight is the least extreme one the interval allows, not log2(0.1/69 / u).
CONFIDENCE_Z = 1.96


@dataclass(frozen=True)
class Evidence:
    feature: str
    level: str
    weight: float

    def as_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "level": self.level, "weight": round(self.weight, 3)}


@dataclass(frozen=True)
class Score:
    total: float
    evidence: tuple[Evidence, ...]

    @property
    def probability(self) -> float:
        """Posterior probability that this candidate is the complaint's ticket."""
        return float(1.0 / (1.0 + 2.0 ** (-self.total)))


@dataclass(frozen=True)
class Weights:
    prior: float
    levels: dict[str, dict[str, float]]
    meta: dict[str, Any]

    @cached_property
    def evidence(self) -> dict[tuple[str, str], Evidence]:
        """Each level's evidence, and the prior's, made once: scoring looks them up."""
        table = {
            (feature, level): Evidence(feature, level, weight)
            for feature, weights in self.levels.items()
            for level, weight in weights.items()
        }
        table["prior", "candidate"] = Evidence("prior", "candidate", self.prior)
        return table

    def as_json(self) -> str:
        body = {"prior": self.prior, "levels": self.levels, "meta": self.meta}
        return json.dumps(body, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Weights:
        body = json.loads(text)
        levels = {f: {lv: float(w) for lv, w in ws.items()} for f, ws in body["levels"].items()}
        for feature, names in LEVELS.items():
            missing = set(names) - set(levels.get(feature, {}))
            if missing:
                raise ValueError(f"weights: feature {feature!r} lacks levels {sorted(missing)}")
        return cls(prior=float(body["prior"]), levels=levels, meta=body.get("meta", {}))


@lru_cache(maxsize=1)
def shipped_weights() -> Weights:
    """The weights fitted on the project's labelled set, packaged with watcher."""
    text = files("watcher.matching").joinpath(WEIGHTS_FILE).read_text(encoding="utf-8")
    return Weights.from_json(text)


def score(comparisons: Sequence[Comparison], weights: Weights) -> Score:
    """Sum of the prior and each compared level's weight, with the evidence."""
    table = weights.evidence
    evidence = (table["prior", "candidate"], *(table[c.feature, c.level] for c in comparisons))
    return Score(total=sum(e.weight for e in evidence), evidence=evidence)


# Levels that are more agreement the further right: their weights may not fall along
# the chain. A small labelled set can say otherwise by chance (text "high" below
# "medium"); such neighbours are pooled (pool adjacent violators, by support).
ORDERED: dict[str, tuple[str, ...]] = {
    "text": ("none", "low", "medium", "high"),
    "details": ("none", "one", "two_plus"),
    "words": ("none", "one", "two_plus"),
    "reference": ("none", "typo", "near", "exact"),
    # Part of a name (a signed first name) is never worth more than the whole name.
    "identity": ("other", "none", "partial", "name", "exact"),
    # Within the window, the sooner after the ticket was opened the likelier a post is
    # about it. ("older": a ticket still open after months, which may be just what a
    # customer finally goes public about, is left to its own estimate.)
    "time": ("days_21_90", "days_3_21", "days_0_3"),
}


def _monotone(values: Sequence[float], support: Sequence[int]) -> list[float]:
    """The closest non-decreasing sequence, each value weighted by its support."""
    blocks: list[list[float]] = []  # [mean, weight, length]
    for value, weight in zip(values, support, strict=True):
        blocks.append([value, max(weight, 1), 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            right, left = blocks.pop(), blocks.pop()
            total = left[1] + right[1]
            mean = (left[0] * left[1] + right[0] * right[1]) / total
            blocks.append([mean, total, left[2] + right[2]])
    return [mean for mean, _, length in blocks for _ in range(int(length))]


def wilson_interval(count: int, total: int, z: float = CONFIDENCE_Z) -> tuple[float, float]:
    """Wilson score interval of a proportion: sound at 0 and at `total` (unlike p +- z*se)."""
    if total <= 0:
        return 0.0, 1.0
    p = count / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def cautious_m(m: float, u: float, count: int, total: int) -> float:
    """m moved towards u as far as its confidence interval allows (never past u).

    With few true pairs a level's m is uncertain; the weight log2(m/u) taken at the end of
    the interval nearest u is the least extreme weight the data support. Rare levels
    weigh little, well-supported ones keep nearly their point estimate.
    """
    low, high = wilson_interval(count, total)
    if m > u:
        return max(u, min(m, low))
    return min(u, max(m, high))


def fit(pairs: Iterable[tuple[Sequence[Comparison], bool]], **meta: Any) -> Weights:
    """Estimate m and u per level from labelled candidate pairs; weight = log2(m/u).

    u comes from hundreds of wrong pairs and is taken as estimated; m, from the few true
    ones, is taken at the cautious end of its confidence interval (`cautious_m`).
    """
    matched: Counter[tuple[str, str]] = Counter()
    unmatched: Counter[tuple[str, str]] = Counter()
    n_match = n_non = 0
    for comparisons, is_match in pairs:
        counter = matched if is_match else unmatched
        if is_match:
            n_match += 1
        else:
            n_non += 1
        counter.update((c.feature, c.level) for c in comparisons)
    if not n_match or not n_non:
        raise ValueError("fitting needs both true and wrong candidate pairs")
    levels: dict[str, dict[str, float]] = {}
    # Pseudo-counts in proportion to the class sizes: a level never seen in either class
    # gets weight 0 (no evidence), not an artefact of the classes' different sizes.
    a, b = SMOOTHING, SMOOTHING * n_non / n_match
    for feature, names in LEVELS.items():
        k = len(names)
        levels[feature] = {}
        for level in names:
            m = (matched[(feature, level)] + a) / (n_match + k * a)
            u = (unmatched[(feature, level)] + b) / (n_non + k * b)
            m = cautious_m(m, u, matched[(feature, level)], n_match)
            levels[feature][level] = round(math.log2(m / u), 4)
    for feature, chain in ORDERED.items():
        support = [matched[(feature, level)] + unmatched[(feature, level)] for level in chain]
        pooled = _monotone([levels[feature][level] for level in chain], support)
        levels[feature].update({level: round(w, 4) for level, w in zip(chain, pooled, strict=True)})
    prior = round(math.log2(n_match / n_non), 4)
    return Weights(
        prior=prior, levels=levels, meta={"true_pairs": n_match, "wrong_pairs": n_non, **meta}
    )
