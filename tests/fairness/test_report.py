"""The fairness report from a database: command, files, escaping, stored once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from click.testing import CliRunner
from sqlalchemy import Engine, func, select

from watcher import db
from watcher.alerts.build import queue_fairness_summary
from watcher.cli import cli
from watcher.config import load_config
from watcher.fairness.simulate import simulate
from watcher.models import Alert, Complaint, Post, Report, Source, Ticket

T0 = datetime(2026, 6, 1, tzinfo=UTC)


def _seed(engine: Engine, n: int = 300) -> None:
    frame = simulate(n, true_hr=2.0, seed=3, horizon_hours=24 * 30)
    with db.session_scope(engine) as session:
        source = Source(name="blog", type="blog")
        session.add(source)
        session.flush()
        for row in frame.itertuples(index=False):
            created = T0 + timedelta(hours=int(row.id))
            category = (
                "<script>alert(1)</script>"
                if row.stratum.startswith("outage")
                else row.stratum.split("|")[0]
            )
            ticket = Ticket(
                external_id=f"T-{row.id}", subject="s", status="solved" if row.event else "open",
                category=category, customer_tier="standard", created_at=created,
                first_response_at=created + timedelta(hours=1),
                solved_at=created + timedelta(hours=float(row.duration)) if row.event else None,
                content_hash="x",
            )  # fmt: skip
            session.add(ticket)
            session.flush()
            if not np.isnan(row.loud_at):
                published = created + timedelta(hours=float(row.loud_at))
                post = Post(
                    source_id=source.id, external_id=f"p{row.id}", text="Netia!",
                    content_hash="x", published_at=published,
                )  # fmt: skip
                session.add(post)
                session.flush()
                complaint = Complaint(
                    post_id=post.id, is_complaint=True, about_brand=True, confidence=1,
                    decision="linked", decision_ticket_id=ticket.id, decision_score=9.0,
                )  # fmt: skip
                session.add(complaint)


def test_report_command_writes_json_html_csv_and_stores_once(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    _seed(engine)
    out = tmp_path / "report"
    args = ["report", "fairness", "--since", "2026-05-01", "--until", "2026-08-01",
            "--out", str(out), "--db", database_url]  # fmt: skip
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    body = json.loads((out / "fairness.json").read_text(encoding="utf-8"))
    assert body["inputs"]["tickets"] == 300 and body["inputs"]["loud_tickets"] > 10
    resolution = body["outcomes"]["time_to_resolution"]
    assert resolution["hazard_ratio"] > 1 and len(resolution["ci95"]) == 2
    assert "naive_hazard_ratio" in resolution and "strata" in resolution
    assert "risk_ratio" in body["compensation"] and isinstance(body["flags"], list)
    html = (out / "fairness.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert (out / "strata_time_to_resolution.csv").exists()
    second = CliRunner().invoke(cli, [*args, "--alert"])
    assert second.exit_code == 0 and "summary queued for #compliance" in second.output
    assert json.loads((out / "fairness.json").read_text(encoding="utf-8")) == body
    with db.session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 1
        [alert] = session.scalars(select(Alert)).all()
        assert (alert.kind, alert.channel) == ("fairness_summary", "#compliance")
        text = json.dumps(alert.payload)
        assert "300, of which" in text and "time to resolution" in text
        assert "<script>" not in text
        report = session.scalar(select(Report))
        assert (
            report is not None and queue_fairness_summary(session, load_config(None), report) == []
        )


def test_exposure_file_replaces_the_links(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    _seed(engine, 50)
    exposure = tmp_path / "escalated.csv"
    exposure.write_text(
        "ticket_id,loud_since\nT-1,2026-06-01T05:00:00Z\nT-999,2026-06-01T00:00:00Z\n"
    )
    result = CliRunner().invoke(cli, ["report", "fairness", "--since", "2026-05-01", "--until",
                                      "2026-08-01", "--exposure", str(exposure), "--out",
                                      str(tmp_path / "r"), "--db", database_url])  # fmt: skip
    assert result.exit_code == 0, result.output
    body = json.loads((tmp_path / "r" / "fairness.json").read_text(encoding="utf-8"))
    assert body["inputs"]["loud_tickets"] == 1


def test_a_bad_exposure_file_is_a_clear_error(database_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,when\n1,2\n")
    result = CliRunner().invoke(cli, ["report", "fairness", "--exposure", str(bad), "--out",
                                      str(tmp_path / "r"), "--db", database_url])  # fmt: skip
    assert result.exit_code == 1 and "ticket_id and loud_since" in result.output
