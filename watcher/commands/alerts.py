"""`watcher alerts send` and `watcher alerts test CHANNEL`."""

from __future__ import annotations

import click

from watcher import db
from watcher.alerts.actions import slack_app
from watcher.alerts.escape import escape
from watcher.alerts.send import DryRunNotifier, notifier_for, send_alerts
from watcher.cli import State, common_options, pass_state


@click.group("alerts")
def alerts() -> None:
    """Deliver Slack alerts (or write them to the dry-run file without a token)."""


@alerts.command("send")
@common_options
@pass_state
def alerts_send(state: State) -> None:
    """Deliver every pending alert once; failures are kept and retried next time."""
    config = state.config()
    notifier = notifier_for(config)
    with db.session_scope(state.engine()) as session:
        result = send_alerts(session, notifier, config=config)
    where = "to Slack"
    if isinstance(notifier, DryRunNotifier):
        where = f"to the dry-run file {notifier.path}"
    click.echo(f"sent {result.sent} alerts {where}; {result.failed} failed")
    for error in result.errors[:20]:
        click.echo(f"  {error}", err=True)
    if result.failed:
        raise click.ClickException("some alerts failed; they are retried on the next send")


@alerts.command("test")
@click.argument("channel")
@common_options
@pass_state
def alerts_test(state: State, channel: str) -> None:
    """Send a test message to CHANNEL."""
    notifier = notifier_for(state.config())
    payload = {
        "text": escape("watcher test message: alerts reach this channel."),
        "unfurl_links": False,
        "unfurl_media": False,
    }
    notifier.post(channel, "test", f"test/{channel}", payload)
    click.echo(f"test message sent to {channel}")


@alerts.command("serve")
@click.option("--port", default=3000, show_default=True, help="Port for Slack's requests.")
@common_options
@pass_state
def alerts_serve(state: State, port: int) -> None:
    """Serve the alert buttons (confirm, reject) to Slack; point the app's Request URL here."""
    config = state.config()
    if not config["SLACK_SIGNING_SECRET"] or not config["SLACK_BOT_TOKEN"]:
        raise click.ClickException(
            "set WATCHER_SLACK_SIGNING_SECRET and WATCHER_SLACK_BOT_TOKEN from the Slack app's "
            "settings"
        )
    app = slack_app(state.engine(), config["SLACK_SIGNING_SECRET"], config["SLACK_BOT_TOKEN"])
    app.start(port=port, path="/slack/events")


COMMANDS = [alerts]
