"""How loud a post is: reach, engagement, velocity and spread, as a 0-100 score and a tier.

    score = 100 * (w_reach * R + w_engagement * E + w_velocity * V + w_spread * S) / sum(w)

with each part scaled to 0..1 on a log scale that saturates at a "very loud"
figure: R = log10(1 + reach) / log10(1 + 1,000,000) (followers, karma, or the
configured authority of a blog's domain as 0-100 mapped to the same range),
E = log10(1 + score + 2 * comments) / log10(1 + 10,000), V = log10(1 + growth
per hour) / log10(1 + 1,000), S = (sources - 1) / 4 capped at 1. Tiers: quiet
< 25 <= notable < 50 <= loud < 75 <= viral.

Loudness decides who hears about a post (PR alerts) and is what the fairness
report compares; it is never an input of a ticket's priority.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

TIERS = (("viral", 75.0), ("loud", 50.0), ("notable", 25.0), ("quiet", 0.0))


@dataclass(frozen=True)
class LoudnessWeights:
    reach: float = 0.45
    engagement: float = 0.3
    velocity: float = 0.15
    spread: float = 0.1
    saturation: dict[str, float] = field(
        default_factory=lambda: {"reach": 1e6, "engagement": 1e4, "velocity": 1e3}
    )


DEFAULT_WEIGHTS = LoudnessWeights()


@dataclass(frozen=True)
class Loudness:
    score: float
    tier: str
    parts: dict[str, float]

    def as_dict(self) -> dict[str, object]:
        return {"score": self.score, "tier": self.tier, "parts": self.parts}


def _scaled(value: float, saturation: float) -> float:
    if value <= 0:
        return 0.0
    return min(math.log10(1 + value) / math.log10(1 + saturation), 1.0)


def tier_of(score: float) -> str:
    return next(name for name, floor in TIERS if score >= floor)


def measure_loudness(
    reach: int | None,
    score: int | None,
    comments: int | None,
    *,
    domain_authority: float | None = None,
    velocity: float | None = None,
    sources: int = 1,
    weights: LoudnessWeights = DEFAULT_WEIGHTS,
) -> Loudness:
    """Loudness of a post from its public figures; missing figures count as zero."""
    sat = weights.saturation
    reach_part = _scaled(max(reach or 0, 0), sat["reach"])
    if domain_authority is not None:
        reach_part = max(reach_part, min(max(domain_authority, 0.0), 100.0) / 100)
    engagement = max(score or 0, 0) + 2 * max(comments or 0, 0)
    parts = {
        "reach": round(reach_part, 3),
        "engagement": round(_scaled(engagement, sat["engagement"]), 3),
        "velocity": round(_scaled(max(velocity or 0.0, 0.0), sat["velocity"]), 3),
        "spread": round(min(max(sources - 1, 0) / 4, 1.0), 3),
    }
    total_weight = weights.reach + weights.engagement + weights.velocity + weights.spread
    value = (
        100
        * (
            weights.reach * parts["reach"]
            + weights.engagement * parts["engagement"]
            + weights.velocity * parts["velocity"]
            + weights.spread * parts["spread"]
        )
        / (total_weight or 1)
    )
    value = round(value, 1)
    return Loudness(value, tier_of(value), parts)
