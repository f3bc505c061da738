"""`watcher outbox` (what is pending, failed, delivered) and `watcher outbox deliver`."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy import func, select

from watcher import db
from watcher.cli import State, common_options, pass_state, tickets
from watcher.models import OutboxItem
from watcher.tickets.adapters import adapter_for
from watcher.tickets.outbox import deliver_outbox
from watcher.tickets.sync import sync_tickets

console = Console(highlight=False)


@click.group("outbox", invoke_without_command=True)
@common_options
@pass_state
@click.pass_context
def outbox(ctx: click.Context, state: State) -> None:
    """Helpdesk changes: counts by status, and the ones waiting or failed with their last error."""
    if ctx.invoked_subcommand is not None:
        return
    with db.session_scope(state.engine()) as session:
        counts = dict(
            session.execute(
                select(OutboxItem.status, func.count()).group_by(OutboxItem.status)
            ).all()
        )
        console.print(
            ", ".join(
                f"{status} {counts.get(status, 0)}" for status in ("pending", "failed", "delivered")
            )
        )
        table = Table()
        for column in ("kind", "ticket", "status", "attempts", "next attempt", "last error"):
            table.add_column(column)
        for item in session.scalars(
            select(OutboxItem)
            .where(OutboxItem.status != "delivered")
            .order_by(OutboxItem.id)
            .limit(50)
        ):
            ticket = item.payload.get("ticket") or item.payload.get("external_id") or "-"
            table.add_row(
                item.kind, str(ticket),
                item.status, str(item.attempts),
                f"{item.next_attempt_at:%Y-%m-%d %H:%M}" if item.next_attempt_at else "-",
                Text((item.last_error or "")[:80]),
            )  # fmt: skip
        if table.row_count:
            console.print(table)


@outbox.command("deliver")
@common_options
@pass_state
def outbox_deliver(state: State) -> None:
    """Deliver the pending changes that are due to the configured helpdesk."""
    config = state.config()
    with db.session_scope(state.engine()) as session:
        result = deliver_outbox(session, adapter_for(config))
    click.echo(f"delivered {result.delivered}, to retry {result.retrying}, failed {result.failed}")
    for error in result.errors[:20]:
        click.echo(f"  {error}", err=True)


@click.command("sync")
@common_options
@pass_state
def tickets_sync(state: State) -> None:
    """Pull ticket changes (status, priority) from the helpdesk since the last sync."""
    config = state.config()
    with db.session_scope(state.engine()) as session:
        result = sync_tickets(session, adapter_for(config))
    click.echo(f"{result.seen} changes from the helpdesk; {result.updated} tickets updated, "
               f"{result.unknown} not known here")  # fmt: skip


tickets.add_command(tickets_sync)
COMMANDS = [outbox]
