"""The priority policy: facts in, a priority and its reasons out. Loudness is not a fact here.

`PriorityFacts` has no field for followers, score, loudness or whether a post
is public, so the policy cannot see them: the quiet customer with the same
facts gets the same priority as the loud one. A priority is only ever raised,
never set below what a person gave the ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

PRIORITIES = ("low", "normal", "high", "urgent")
# A target this close to running out counts as at risk.
AT_RISK_SHARE = 0.75
REPEATED_CONTACTS = 3


@dataclass(frozen=True)
class SlaTargets:
    first_response: timedelta
    resolution: timedelta


@dataclass(frozen=True)
class PriorityFacts:
    """What the policy may know about a ticket and the problem reported."""

    severity: str | None  # safety | vulnerable | business_down | money_lost | down_for_days
    tier: str  # standard | business | premium
    created_at: datetime
    first_response_at: datetime | None
    solved: bool
    current: str | None  # the ticket's priority now, as a person or the helpdesk set it
    contacts: int = 1


@dataclass(frozen=True)
class PriorityDecision:
    priority: str
    reasons: tuple[str, ...]

    def raises(self, current: str | None) -> bool:
        return rank(self.priority) > rank(current)


def rank(priority: str | None) -> int:
    return PRIORITIES.index(priority) if priority in PRIORITIES else 1


def _raise(priority: str, steps: int = 1) -> str:
    return PRIORITIES[min(rank(priority) + steps, len(PRIORITIES) - 1)]


def _human(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    if hours < 48:
        return f"{hours:.0f} h"
    return f"{hours / 24:.0f} days"


SEVERITY_FLOOR = {
    "safety": ("urgent", "reports a safety hazard"),
    "vulnerable": ("high", "a vulnerable person depends on the service"),
    "business_down": ("high", "the customer reports their business cannot operate"),
    "money_lost": ("high", "the customer reports money lost or overcharged"),
    "down_for_days": ("high", "service reported down for days"),
}


def prioritise(facts: PriorityFacts, sla: SlaTargets, now: datetime) -> PriorityDecision:
    """The priority the facts deserve, never below the current one, with a reason per step."""
    priority = "normal"
    reasons: list[str] = []
    if facts.severity in SEVERITY_FLOOR:
        floor, why = SEVERITY_FLOOR[facts.severity]
        if rank(floor) > rank(priority):
            priority = floor
        reasons.append(why)
    waited = now - facts.created_at
    if facts.first_response_at is None and not facts.solved:
        target = sla.first_response
        if waited > target:
            priority = _raise(priority)
            reasons.append(
                f"waited {_human(waited)} without a first response, SLA {_human(target)}: breached"
            )
        elif target and waited >= target * AT_RISK_SHARE:
            reasons.append(f"first response due within {_human(target - waited)}: at risk")
    if not facts.solved and waited > sla.resolution:
        priority = _raise(priority)
        reasons.append(f"open {_human(waited)}, resolution SLA {_human(sla.resolution)}: breached")
    if facts.contacts >= REPEATED_CONTACTS:
        priority = _raise(priority)
        reasons.append(f"customer got in touch {facts.contacts} times about it")
    if facts.severity == "safety" or (
        facts.severity in ("vulnerable", "business_down") and waited > sla.resolution
    ):
        priority = "urgent"
    if rank(facts.current) > rank(priority):
        reasons.append(f"kept at {facts.current}, as set on the ticket")
        priority = facts.current or priority
    return PriorityDecision(priority, tuple(reasons) or ("no fact calls for more than normal",))
