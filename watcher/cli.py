"""The `watcher` command: one click group, thin commands over the modules.

Exit codes: 0 ok, 1 failure (a message says what to do next), 2 usage error.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from watcher import __version__, db
from watcher.config import Config, load_config
from watcher.errors import InputError, WatcherError
from watcher.formats.posts import read_posts, write_posts
from watcher.formats.tickets import RowIssue, export_columns, read_tickets, write_tickets
from watcher.posts import export_posts, store_posts
from watcher.tickets.store import export_rows, extra_keys, import_tickets

F = TypeVar("F", bound=Callable[..., Any])
MAX_ISSUES_SHOWN = 20
# Files past this many lines get a progress bar on a terminal.
PROGRESS_THRESHOLD = 5000

stderr = Console(stderr=True, highlight=False)


@dataclass
class State:
    """What the global and per-command flags set; config and engine are built lazily."""

    config_path: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    _config: Config | None = None

    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path, overrides=self.overrides)
        return self._config

    def engine(self, *, migrate: bool = True) -> Engine:
        config = self.config()
        engine = db.make_engine(config["DATABASE_URL"])
        if migrate:
            db.ensure_schema(engine, auto_upgrade=config["DATABASE_AUTO_UPGRADE"])
        return engine


def _set_config(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(State).config_path = value


def _set_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(State).overrides["DATABASE_URL"] = value


def common_options(command: F) -> F:
    """--config and --db, accepted on the group and on every command."""
    command = click.option(
        "--db",
        metavar="URL",
        expose_value=False,
        callback=_set_db,
        help="Database URL (overrides WATCHER_DATABASE_URL and watcher.toml).",
    )(command)
    return click.option(
        "--config",
        metavar="PATH",
        expose_value=False,
        callback=_set_config,
        help="Configuration file (default: $WATCHER_CONFIG or ./watcher.toml).",
    )(command)


class WatcherGroup(click.Group):
    """Turns errors a user can fix into a message and exit code 1, not a traceback.

    Commands in `watcher.commands` are added on first use, not at import, since
    they import this module for its shared flags.
    """

    _commands_loaded = False

    def _load_commands(self) -> None:
        if not self._commands_loaded:
            self._commands_loaded = True
            from watcher.commands import register

            register(self)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_commands()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load_commands()
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WatcherError as exc:
            raise click.ClickException(str(exc)) from exc
        except OperationalError as exc:
            raise click.ClickException(
                f"database error: {exc.orig}; check WATCHER_DATABASE_URL and that the "
                "database is reachable"
            ) from exc


@click.group(cls=WatcherGroup, context_settings={"help_option_names": ["-h", "--help"]})
@common_options
@click.version_option(__version__, prog_name="watcher")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """watcher: links public complaints to support tickets, and checks that loud
    customers are not served before quiet ones with the same problem."""
    ctx.ensure_object(State)


pass_state = click.make_pass_decorator(State, ensure=True)


@contextlib.contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr for long work on a terminal; silent otherwise."""
    enabled = total >= PROGRESS_THRESHOLD and stderr.is_terminal
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=stderr, disable=not enabled, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def _report_issues(title: str, issues: list[RowIssue]) -> None:
    if not issues:
        return
    click.echo(f"{title}:", err=True)
    for issue in issues[:MAX_ISSUES_SHOWN]:
        click.echo(f"  {issue}", err=True)
    if len(issues) > MAX_ISSUES_SHOWN:
        click.echo(f"  ... and {len(issues) - MAX_ISSUES_SHOWN} more", err=True)


def _refuse_invalid(path: Path, invalid: list[RowIssue], skip_invalid: bool) -> None:
    _report_issues(f"{path}: {len(invalid)} invalid row(s)", invalid)
    if invalid and not skip_invalid:
        raise InputError(
            f"nothing was imported from {path}: fix the rows above, "
            "or pass --skip-invalid to import the valid rows"
        )


@contextlib.contextmanager
def _output(out: str | None) -> Iterator[TextIO]:
    if out is None or out == "-":
        yield sys.stdout
        return
    try:
        handle = open(out, "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as exc:
        raise WatcherError(f"cannot write {out}: {exc.strerror}") from exc
    with handle:
        yield handle


# --- init and config -----------------------------------------------------------


@cli.command()
@click.argument("path", default="watcher.toml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@common_options
def init(path: str, force: bool) -> None:
    """Write a commented starter watcher.toml to PATH."""
    target = Path(path)
    if target.exists() and not force:
        raise WatcherError(f"{target} already exists; edit it, or pass --force to overwrite it")
    target.write_text((files("watcher") / "starter.toml").read_text(encoding="utf-8"))
    click.echo(f"wrote {target}: edit the brands, sources and Slack channels, then run")
    click.echo(f"  watcher --config {target} config show")


@cli.group()
def config() -> None:
    """Inspect the configuration."""


@config.command("show")
@common_options
@pass_state
def config_show(state: State) -> None:
    """Print every setting's value in force and where it came from."""
    cfg = state.config()
    table = Table(box=None, pad_edge=False)
    for column in ("setting", "value", "from"):
        table.add_column(column)
    for name, value, origin in cfg.shown():
        where = {"file": str(cfg.path), "env": f"WATCHER_{name}"}.get(origin, origin)
        table.add_row(name, value, where)
    console = Console(highlight=False, width=200, soft_wrap=True)
    console.print(f"config file: {cfg.path or '(none; defaults in use)'}")
    console.print(table)
    brands = ", ".join(b.name for b in cfg.brands) or "(none: add [[brands]] to watcher.toml)"
    console.print(f"brands: {brands}")
    console.print(f"sources: {', '.join(s.name for s in cfg.sources) or '(none)'}")


# --- database ---------------------------------------------------------------------


@cli.group("db")
def db_group() -> None:
    """Manage the database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
@common_options
@pass_state
def db_upgrade(state: State, revision: str) -> None:
    """Migrate the database schema (safe to run again)."""
    engine = state.engine(migrate=False)
    before = db.current_revision(engine)
    db.upgrade(engine, revision)
    after = db.current_revision(engine)
    url = engine.url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"{url}: already at revision {after}")
    else:
        click.echo(f"{url}: migrated from {before or 'an empty database'} to {after}")


@db_group.command("downgrade")
@click.argument("revision")
@common_options
@pass_state
def db_downgrade(state: State, revision: str) -> None:
    """Migrate the schema down to REVISION ('base' drops every table)."""
    engine = state.engine(migrate=False)
    db.downgrade(engine, revision)
    click.echo(f"now at revision {db.current_revision(engine) or 'base'}")


# --- tickets --------------------------------------------------------------------------


@cli.group()
def tickets() -> None:
    """Import and export helpdesk tickets."""


@tickets.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), help="Default: by extension.")
@click.option("--encoding", help="Text encoding of the file (default: detected).")
@click.option("--timezone", help="Zone of timestamps without one (overrides IMPORT_TIMEZONE).")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows, report the rest.")
@common_options
@pass_state
def tickets_import(
    state: State,
    path: Path,
    fmt: str | None,
    encoding: str | None,
    timezone: str | None,
    skip_invalid: bool,
) -> None:
    """Import tickets from a CSV or JSONL export (idempotent: upsert by id)."""
    if timezone:
        state.overrides["IMPORT_TIMEZONE"] = timezone
    cfg = state.config()
    result = read_tickets(path, default_tz=cfg.timezone, fmt=fmt, encoding=encoding)
    _refuse_invalid(path, result.invalid, skip_invalid)
    _report_issues(f"{path}: {len(result.duplicates)} duplicate id(s)", result.duplicates)
    engine = state.engine()
    with (
        _progress(len(result.records), "importing tickets") as advance,
        db.session_scope(engine) as session,
    ):
        summary = import_tickets(
            session, result.records, actor=f"import:{path.name}", progress=advance
        )
    summary.skipped = len(result.invalid)
    click.echo(
        f"{path}: {result.rows} rows; created {summary.created}, updated {summary.updated}, "
        f"unchanged {summary.unchanged}, skipped {summary.skipped}"
        + (f"; {summary.customers_created} new customers" if summary.customers_created else "")
    )


@tickets.command("export")
@click.option("--out", metavar="PATH", help="Output file (default: standard output).")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), help="Default: by --out.")
@common_options
@pass_state
def tickets_export(state: State, out: str | None, fmt: str | None) -> None:
    """Export tickets in the interchange format plus watcher's own columns."""
    kind = fmt or ("jsonl" if out and out.endswith((".jsonl", ".ndjson")) else "csv")
    engine = state.engine()
    with db.session_scope(engine) as session, _output(out) as handle:
        columns = export_columns(extra_keys(session))
        count = write_tickets(export_rows(session), handle, kind, columns)
    if out and out != "-":
        click.echo(f"wrote {count} tickets to {out}", err=True)


# --- posts ------------------------------------------------------------------------------


@cli.group()
def posts() -> None:
    """Import and export public posts."""


@posts.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--encoding", help="Text encoding of the file (default: detected).")
@click.option("--skip-invalid", is_flag=True, help="Import the valid lines, report the rest.")
@common_options
@pass_state
def posts_import(state: State, path: Path, encoding: str | None, skip_invalid: bool) -> None:
    """Import posts from a JSONL file in the Posts format (idempotent)."""
    result = read_posts(path, encoding=encoding)
    _refuse_invalid(path, result.invalid, skip_invalid)
    _report_issues(f"{path}: {len(result.duplicates)} repeated post(s)", result.duplicates)
    with db.session_scope(state.engine()) as session:
        summary = store_posts(session, result.records, actor=f"import:{path.name}")
    click.echo(
        f"{path}: {result.rows} lines; created {summary.created}, edited {summary.edited}, "
        f"refreshed {summary.refreshed}, unchanged {summary.unchanged}, "
        f"skipped {len(result.invalid)}"
    )


@posts.command("export")
@click.option("--source", help="Only posts of this source.")
@click.option("--out", metavar="PATH", help="Output file (default: standard output).")
@common_options
@pass_state
def posts_export(state: State, source: str | None, out: str | None) -> None:
    """Export stored posts in the Posts format (JSONL)."""
    with db.session_scope(state.engine()) as session, _output(out) as handle:
        count = write_posts(export_posts(session, source), handle)
    if out and out != "-":
        click.echo(f"wrote {count} posts to {out}", err=True)


def main() -> None:
    cli(prog_name="watcher")
