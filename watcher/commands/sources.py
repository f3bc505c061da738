"""`watcher crawl` and `watcher sources`."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watcher import db
from watcher.cli import State, common_options, pass_state, stderr
from watcher.config import Config, SourceConfig
from watcher.errors import InputError
from watcher.models import Post, Source
from watcher.sources.base import SourceError
from watcher.sources.collect import collect_source, due_sources


@click.command("crawl")
@click.argument("name", required=False)
@click.option("--all", "everything", is_flag=True, help="Crawl every source that is due.")
@click.option("--force", is_flag=True, help="With --all: every source, due or not.")
@common_options
@pass_state
def crawl(state: State, name: str | None, everything: bool, force: bool) -> None:
    """Read one configured source (or --all that are due) and store its posts."""
    config = state.config()
    known = {s.name: s for s in config.sources}
    with db.session_scope(state.engine()) as session:
        if everything:
            now = datetime.now(UTC)
            chosen = list(config.sources) if force else due_sources(session, config, now)
            if not chosen:
                click.echo("no source is due; --force reads them all now")
                return
        elif name in known:
            chosen = [known[name]]
        else:
            listed = ", ".join(known) or "none; add [[sources]] to watcher.toml"
            raise InputError(f"no source named {name!r}; configured: {listed}")
        totals = {"created": 0, "edited": 0, "failed": 0}
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=stderr, transient=True,
                      disable=len(chosen) < 2 or not stderr.is_terminal) as bar:  # fmt: skip
            task = bar.add_task("crawling", total=len(chosen))
            for source in chosen:
                bar.update(task, description=f"crawling {source.name}")
                line, warnings = _crawl_one(session, config, source, totals)
                click.echo(line, err=line.endswith(FAILED))
                for warning in warnings:
                    click.echo(f"  warning: {warning}", err=True)
                bar.advance(task)
    if len(chosen) > 1:
        click.echo(
            f"{len(chosen)} sources: {totals['created']} new posts, {totals['edited']} edited, "
            f"{totals['failed']} failed"
        )
    if totals["failed"]:
        raise click.ClickException(
            f"{totals['failed']} source(s) failed; see above, and `watcher sources` for each one"
        )


FAILED = " (failed)"


def _crawl_one(
    session: Session, config: Config, source: SourceConfig, totals: dict[str, int]
) -> tuple[str, list[str]]:
    """Collect one source and commit; a failure is recorded on the source and reported."""
    try:
        result = collect_source(session, config, source)
    except SourceError as exc:
        session.commit()
        totals["failed"] += 1
        return f"{source.name}: {exc}{FAILED}", []
    session.commit()
    totals["created"] += result.created
    totals["edited"] += result.edited
    if result.not_modified:
        line = f"{source.name}: not modified"
    else:
        line = (
            f"{source.name}: created {result.created}, edited {result.edited}, "
            f"unchanged {result.unchanged}"
        )
    return line, list(result.warnings)


def _health(row: Source | None) -> str:
    """Rich markup; the reason quotes pages and errors from outside, so it is escaped."""
    if row is None:
        return "not run yet"
    if row.unhealthy_reason:
        return f"[red]unhealthy: {escape(row.unhealthy_reason[:200])}[/red]"
    if row.last_error:
        return f"[yellow]ok, warning: {escape(row.last_error[:120])}[/yellow]"
    return "[green]ok[/green]"


@click.command("sources")
@common_options
@pass_state
def sources(state: State) -> None:
    """List configured sources: last run and success, posts found and new, health."""
    config = state.config()
    with db.session_scope(state.engine()) as session:
        rows = {r.name: r for r in session.scalars(select(Source))}
        counts = dict(
            session.execute(select(Post.source_id, func.count()).group_by(Post.source_id)).all()
        )
        table = Table()
        for column in (
            "name",
            "type",
            "interval",
            "posts",
            "last run",
            "last success",
            "found / new",
            "health",
        ):
            table.add_column(column)
        for source in config.sources:
            row = rows.get(source.name)
            table.add_row(
                source.name,
                source.type,
                source.interval,
                str(counts.get(row.id, 0) if row else 0),
                f"{row.last_run_at:%Y-%m-%d %H:%M}" if row and row.last_run_at else "never",
                f"{row.last_success_at:%Y-%m-%d %H:%M}" if row and row.last_success_at else "-",
                f"{row.last_found} / {row.last_new}" if row and row.last_found is not None else "-",
                _health(row),
            )
        Console(highlight=False).print(table)  # made here: it reads FORCE_COLOR, NO_COLOR


COMMANDS = [crawl, sources]
