"""`watcher report fairness`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from sqlalchemy import select

from watcher import db
from watcher.alerts.build import queue_fairness_summary
from watcher.cli import State, common_options, pass_state
from watcher.config import parse_duration
from watcher.errors import InputError
from watcher.fairness.cohort import read_exposure
from watcher.fairness.report import ReportParams, build_report, store_report, write_report
from watcher.models import Ticket


def _date(value: str | None, default: datetime) -> datetime:
    if not value:
        return default
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{value!r} is not a date; write it as 2026-11-01") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _duration(value: str) -> timedelta:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise InputError(f"--flag-window {value!r}: {exc}; write it as 48h or 3d") from exc


@click.group("report")
def report() -> None:
    """Reports for compliance."""


@report.command("fairness")
@click.option("--since", help="First day of tickets (default: 90 days before --until).")
@click.option("--until", help="End of the report; open tickets are censored here (default: now).")
@click.option(
    "--exposure",
    type=click.Path(path_type=Path),
    help="CSV ticket_id,loud_since that replaces the links as the exposure.",
)
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Folder to write to.")
@click.option("--min-cell", default=5, show_default=True, help="Smaller strata are suppressed.")
@click.option(
    "--adjust",
    type=click.Choice(["holm", "bh"]),
    default="holm",
    show_default=True,
    help="Correction of per-stratum p-values: holm (family-wise) or bh (Benjamini-Hochberg).",
)
@click.option(
    "--flag-window",
    default="48h",
    show_default=True,
    help="A priority raised or compensation granted this soon after a public post, and not "
    "explained by the policy, is flagged.",
)
@click.option(
    "--alert",
    is_flag=True,
    help="Also queue its summary for the compliance channel (sent by `watcher alerts send`).",
)
@common_options
@pass_state
def fairness(state: State, since: str | None, until: str | None, exposure: Path | None,
             out: Path, min_cell: int, adjust: str, flag_window: str,
             alert: bool) -> None:  # fmt: skip
    """Are loud customers handled faster than quiet ones with the same problem?"""
    end = _date(until, datetime.now(UTC))
    params = ReportParams(
        since=_date(since, end - timedelta(days=90)), until=end, min_cell=min_cell,
        strict_score=state.config()["MATCH_LINK_THRESHOLD"] + 3,
        exposure_file=exposure.name if exposure else None, adjust=adjust,
        flag_window=_duration(flag_window),
    )  # fmt: skip
    with db.session_scope(state.engine()) as session:
        loud = None
        if exposure is not None:
            by_external = dict(session.execute(select(Ticket.external_id, Ticket.id)).all())
            loud = read_exposure(exposure, by_external)
        body = build_report(session, params, loud)
        stored = store_report(session, body)
        body = stored.body
        queued = queue_fairness_summary(session, state.config(), stored) if alert else []
    for path in write_report(body, out):
        click.echo(f"wrote {path}")
    for line in body["summary"]:
        click.echo(line)
    if alert:
        click.echo(
            f"summary queued for {', '.join(a.channel for a in queued) or 'nobody: already queued'}"
        )


COMMANDS = [report]
