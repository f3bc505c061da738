"""`watcher run`: the embedded driver with a live status."""

from __future__ import annotations

import click
from rich.console import Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from watcher.cli import State, common_options, pass_state
from watcher.runner import Runner, Status


def render(status: Status) -> Group:
    sources = Table(title="sources", title_justify="left")
    sources.add_column("source")
    sources.add_column("last result")
    sources.add_column("last error")
    for name in sorted(set(status.collected) | set(status.errors)):
        sources.add_row(
            name, status.collected.get(name, "-"), Text(status.errors.get(name, "")[:100])
        )
    queues = Table(title="queues", title_justify="left")
    queues.add_column("queue")
    queues.add_column("depth", justify="right")
    for name, depth in status.queues.items():
        queues.add_row(name, str(depth))
    when = f"{status.last_tick:%H:%M:%S}" if status.last_tick else "-"
    footer = Text(
        f"tick {status.ticks} at {when}: {status.last_summary}; alerts sent {status.alerts_sent}. "
        "Ctrl-C stops."
    )
    return Group(sources, queues, footer)


@click.command("run")
@click.option(
    "--tick",
    "tick_seconds",
    default=10.0,
    show_default=True,
    help="Seconds between passes; each source is still read only at its interval.",
)
@click.option("--once", is_flag=True, help="One pass, then exit (for cron or a quick check).")
@common_options
@pass_state
def run(state: State, tick_seconds: float, once: bool) -> None:  # fmt: skip
    """Poll sources at their intervals and run every stage, on one machine, without a broker."""
    config = state.config()
    engine = state.engine()
    runner = Runner(config, engine)
    if once:
        status = runner.tick()
        click.echo(status.last_summary)
        for name, error in sorted(status.errors.items()):
            click.echo(f"{name}: {error}", err=True)
        return
    try:
        with Live(render(runner.status), refresh_per_second=2, transient=False) as live:
            runner.run(tick_seconds=tick_seconds, on_tick=lambda s: live.update(render(s)))
    except KeyboardInterrupt:
        click.echo("stopped; everything fetched is stored, unfinished work resumes on next start")
    finally:
        engine.dispose()


COMMANDS = [run]
