"""The priority policy: facts decide, reach cannot, people's priorities stand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from watcher.tickets.policy import PRIORITIES, PriorityFacts, SlaTargets, prioritise

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
SLA = SlaTargets(first_response=timedelta(hours=24), resolution=timedelta(days=5))


def facts(**changes: object) -> PriorityFacts:
    values: dict[str, object] = {
        "severity": None,
        "tier": "standard",
        "created_at": NOW - timedelta(hours=2),
        "first_response_at": None,
        "solved": False,
        "current": "normal",
    } | changes
    return PriorityFacts(**values)  # type: ignore[arg-type]


def test_nothing_special_stays_normal() -> None:
    decision = prioritise(facts(), SLA, NOW)
    assert decision.priority == "normal"
    assert decision.reasons == ("no fact calls for more than normal",)


def test_breached_first_response_raises_with_a_reason() -> None:
    decision = prioritise(facts(created_at=NOW - timedelta(days=9)), SLA, NOW)
    assert decision.priority in ("high", "urgent")
    assert any(
        "waited 9 days without a first response, SLA 24 h: breached" in r for r in decision.reasons
    )


def test_business_down_for_longer_than_resolution_is_urgent() -> None:
    decision = prioritise(
        facts(severity="business_down", created_at=NOW - timedelta(days=6),
              first_response_at=NOW - timedelta(days=5)),
        SLA, NOW,
    )  # fmt: skip
    assert decision.priority == "urgent"
    assert "the customer reports their business cannot operate" in decision.reasons


def test_safety_is_urgent_at_once() -> None:
    assert prioritise(facts(severity="safety"), SLA, NOW).priority == "urgent"


def test_a_persons_higher_priority_is_never_lowered() -> None:
    decision = prioritise(facts(current="urgent"), SLA, NOW)
    assert decision.priority == "urgent"
    assert any("as set on the ticket" in r for r in decision.reasons)


def test_facts_have_no_place_for_reach() -> None:
    fields = set(PriorityFacts.__dataclass_fields__)
    assert not fields & {"followers", "score", "loudness", "reach", "public", "comments"}


@given(
    severity=st.sampled_from(
        [None, "safety", "vulnerable", "business_down", "money_lost", "down_for_days"]
    ),
    tier=st.sampled_from(["standard", "business", "premium"]),
    hours=st.integers(min_value=0, max_value=24 * 60),
    current=st.sampled_from([None, *PRIORITIES]),
    followers=st.integers(min_value=0, max_value=10**8),
    loudness=st.floats(min_value=0, max_value=100),
)
def test_same_facts_any_reach_same_priority(
    severity: str | None,
    tier: str,
    hours: int,
    current: str | None,
    followers: int,
    loudness: float,
) -> None:
    """A complaint with any reach and the same facts gets the same priority as a quiet one."""
    base = facts(
        severity=severity, tier=tier, created_at=NOW - timedelta(hours=hours), current=current
    )
    from watcher.models import Ticket
    from watcher.tickets.actions import facts_for

    ticket = Ticket(
        external_id="T", subject="s", status="open", created_at=base.created_at,
        customer_tier=tier, current_priority=current, priority=current, content_hash="x",
    )  # fmt: skip
    loud = prioritise(facts_for(ticket, severity), SLA, NOW)
    quiet = prioritise(base, SLA, NOW)
    assert (loud.priority, loud.reasons) == (quiet.priority, quiet.reasons)
    assert loud.priority in PRIORITIES
    del followers, loudness  # drawn to show they have nowhere to go
