"""`watcher crawl` and `watcher sources`."""

from __future__ import annotations

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import func, select

from watcher import db
from watcher.cli import State, common_options, pass_state
from watcher.errors import InputError
from watcher.models import Post, Source
from watcher.sources.base import SourceError
from watcher.sources.collect import collect_source


@click.command("crawl")
@click.argument("name", required=False)
@click.option("--all", "everything", is_flag=True, help="Crawl every configured source.")
@common_options
@pass_state
def crawl(state: State, name: str | None, everything: bool) -> None:
    """Read one configured source (or --all) and store its posts."""
    config = state.config()
    known = {s.name: s for s in config.sources}
    if everything:
        chosen = list(config.sources)
    elif name in known:
        chosen = [known[name]]
    else:
        listed = ", ".join(known) or "none; add [[sources]] to watcher.toml"
        raise InputError(f"no source named {name!r}; configured: {listed}")
    failed = 0
    with db.session_scope(state.engine()) as session:
        for source in chosen:
            try:
                result = collect_source(session, config, source)
            except SourceError as exc:
                failed += 1
                click.echo(f"{source.name}: failed: {exc}", err=True)
                session.commit()
                continue
            session.commit()
            state_ = (
                "not modified"
                if result.not_modified
                else (
                    f"created {result.created}, edited {result.edited}, "
                    f"unchanged {result.unchanged}"
                )
            )
            click.echo(f"{source.name}: {state_}")
            for warning in result.warnings:
                click.echo(f"  warning: {warning}", err=True)
    if failed:
        raise click.ClickException(f"{failed} source(s) failed; see above")


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
