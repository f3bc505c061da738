"""Routing rules, quiet hours and digests from watcher.toml."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from watcher.alerts.build import channels_for
from watcher.alerts.send import DryRunNotifier, in_quiet_hours, send_alerts
from watcher.config import Config, load_config
from watcher.errors import ConfigError
from watcher.models import Alert, Complaint

ROUTES = """
[alerts]
quiet_hours = "22:00-07:00"
timezone = "Europe/Warsaw"
digest_kinds = ["review"]
digest_interval = "1h"

[[alerts.routes]]
kind = "loud_complaint"
min_tier = "loud"
channel = "#pr-alerts"

[[alerts.routes]]
kind = "*"
channel = "#cx-escalations"

[[alerts.routes]]
kind = "*"
min_severity = "vulnerable"
channel = "#care"
"""


def _config(tmp_path: Path, text: str = ROUTES) -> Config:
    path = tmp_path / "watcher.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(str(path))


def _complaint(tier: str, severity: str | None = None) -> Complaint:
    return Complaint(brand="Netia", loudness_tier=tier, severity=severity, is_complaint=True,
                     about_brand=True, confidence=1.0)  # fmt: skip


def test_routes_by_kind_tier_and_severity(tmp_path: Path) -> None:
    config = _config(tmp_path)
    assert channels_for("loud_complaint", _complaint("viral"), config) == [
        "#pr-alerts",
        "#cx-escalations",
    ]
    assert channels_for("loud_complaint", _complaint("quiet"), config) == ["#cx-escalations"]
    assert channels_for("review", _complaint("quiet", "safety"), config) == [
        "#cx-escalations",
        "#care",
    ]
    assert channels_for("review", _complaint("quiet", "money_lost"), config) == ["#cx-escalations"]


def test_bad_routes_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="needs channel"):
        _config(tmp_path, '[[alerts.routes]]\nkind = "review"\n')
    with pytest.raises(ConfigError, match="min_tier must be one of"):
        _config(tmp_path, '[[alerts.routes]]\nchannel = "#x"\nmin_tier = "deafening"\n')


@pytest.mark.parametrize(
    ("hour_utc", "quiet"),
    [(21, True), (5, True), (6, False), (12, False)],  # Warsaw is UTC+1 in Nov
)
def test_quiet_hours_wrap_past_midnight(hour_utc: int, quiet: bool) -> None:
    now = datetime(2026, 11, 24, hour_utc, 30, tzinfo=UTC)
    assert in_quiet_hours("22:00-07:00", "Europe/Warsaw", now) is quiet


def test_quiet_hours_hold_alerts_and_digests_gather_reviews(
    session: Session, tmp_path: Path
) -> None:
    config = _config(tmp_path)
    start = datetime(2026, 11, 24, 22, 0, tzinfo=UTC)  # 23:00 in Warsaw
    for n, kind in enumerate(["new_ticket", "loud_complaint", "review", "review"]):
        payload = {"text": f"t{n}"}
        session.add(
            Alert(
                subject=f"complaint:{n}",
                kind=kind,
                channel="#cx",
                payload=payload,
                created_at=start,
            )
        )
    session.flush()
    sink = DryRunNotifier(tmp_path / "out.jsonl")
    night = send_alerts(session, sink, now=start, config=config)
    assert night.sent == 1  # only the exempt loud complaint
    morning = send_alerts(session, sink, now=start + timedelta(hours=10), config=config)
    assert morning.sent == 3  # the held alert and the two reviews in one digest
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3 and sum('"kind": "review_digest"' in line for line in lines) == 1
