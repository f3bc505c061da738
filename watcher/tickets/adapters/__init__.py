"""Helpdesk adapters: where the outbox delivers the changes watcher decides."""

from __future__ import annotations

from watcher.config import Config
from watcher.errors import ConfigError
from watcher.tickets.adapters.base import HelpdeskAdapter
from watcher.tickets.adapters.builtin import BuiltinHelpdesk
from watcher.tickets.adapters.freshdesk import FreshdeskClient
from watcher.tickets.adapters.jira import JiraClient
from watcher.tickets.adapters.zendesk import ZendeskClient


def adapter_for(config: Config) -> HelpdeskAdapter:
    kind = config["HELPDESK_KIND"]
    if kind == "builtin":
        return BuiltinHelpdesk()
    if kind == "zendesk":
        return ZendeskClient.from_config(config)
    if kind == "freshdesk":
        return FreshdeskClient.from_config(config)
    if kind == "jira":
        return JiraClient.from_config(config)
    raise ConfigError(
        f"HELPDESK_KIND {kind!r} is not supported; use builtin, zendesk, freshdesk or jira"
    )


__all__ = [
    "BuiltinHelpdesk",
    "FreshdeskClient",
    "HelpdeskAdapter",
    "JiraClient",
    "ZendeskClient",
    "adapter_for",
]
