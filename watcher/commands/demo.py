"""`watcher demo`: the offline demo, with a summary of what happened."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from watcher.demo.run import run_demo

console = Console(highlight=False)


@click.command("demo")
@click.option(
    "--out", default="demo-out", show_default=True, type=click.Path(path_type=Path),
    help="Folder for the demo's database, config, sites and Slack payloads (replaced).",
)  # fmt: skip
def demo(out: Path) -> None:
    """Run every stage offline on local example sites and tickets, then summarise."""
    console.print(f"watcher demo: local sites on 127.0.0.1, SQLite in {out}/, Slack dry-run")
    result = run_demo(out)
    pipeline = result.pipeline
    assert pipeline is not None
    table = Table(title="What happened", title_justify="left")
    table.add_column("")
    table.add_column("count", justify="right")
    for name, n in sorted(result.posts_by_source.items()):
        table.add_row(f"posts read from {name}", str(n))
    decisions = pipeline.matched.decisions
    complaints = sum(
        n for kind, n in decisions.items() if kind not in ("not_complaint", "off_brand")
    )
    table.add_row("complaints about the brand", str(complaints))
    for kind in ("linked", "new_ticket", "review", "duplicate", "not_complaint", "off_brand"):
        table.add_row(f"  decided {kind}", str(decisions.get(kind, 0)))
    table.add_row("tickets created", str(sum(a.created for a in pipeline.acted)))
    table.add_row("quiet customers lifted", str(sum(len(a.twins_lifted) for a in pipeline.acted)))
    table.add_row("alerts (dry run)", str(result.alerts_sent))
    console.print(table)
    if result.story:
        story = Table(
            title="The outage on Kalwaryjska: the loud blogger and the quiet customers",
            title_justify="left",
        )
        for column in ("ticket", "customer", "public?", "priority", "why"):
            story.add_column(column)
        for row in result.story:
            story.add_row(*row)
        console.print(story)
    console.print(f"Slack payloads it would have sent: {result.dry_run_path}")
    console.print(f"Fairness report: {result.report_path}")
    console.print(
        f"Explore: watcher --config {result.config_path} matches export | explain ID | "
        f"tickets export  (took {result.seconds:.0f} s)"
    )


COMMANDS = [demo]
