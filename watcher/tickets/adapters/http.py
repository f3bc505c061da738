"""What the HTTP helpdesk adapters share: required settings, status codes mapped to
HelpdeskError (429/5xx retried, as told by Retry-After; 401/403 kept in the outbox; other
4xx permanent), and the label that makes a ticket creation findable again."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from watcher.config import Config
from watcher.errors import ConfigError
from watcher.tickets.adapters.base import HelpdeskError

SETTINGS = ("HELPDESK_URL", "HELPDESK_EMAIL", "HELPDESK_TOKEN")


def require(config: Config, helpdesk: str, names: tuple[str, ...] = SETTINGS) -> None:
    missing = [n for n in names if not config[n]]
    if missing:
        raise ConfigError(
            f"the {helpdesk} adapter needs {', '.join('WATCHER_' + m for m in missing)}"
        )


def marker(idempotency_key: str) -> str:
    """The tag/label a created ticket carries so a redelivery finds it: `watcher-` + 16 hex."""
    return "watcher-" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:16]


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from a Retry-After header (a number or an HTTP date), None without one."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def send(
    http: httpx.Client,
    helpdesk: str,
    credentials: str,
    method: str,
    path: str,
    *,
    json: Any = None,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """One request; any answer but 2xx becomes a HelpdeskError saying what to do."""
    try:
        response = http.request(method, path, json=json, params=params, headers=headers)
    except httpx.HTTPError as exc:
        raise HelpdeskError(f"{helpdesk} unreachable: {type(exc).__name__}; retried later") from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise HelpdeskError(
            f"{helpdesk} answered {response.status_code}; retried later",
            retry_after=retry_after(response),
        )
    if response.status_code in (401, 403):
        raise HelpdeskError(
            f"{helpdesk} refused the credentials ({response.status_code}); check {credentials}. "
            "Nothing is lost: the change stays in the outbox",
        )
    if response.status_code >= 400:
        raise HelpdeskError(
            f"{helpdesk} rejected the change ({response.status_code}): {response.text[:200]}",
            permanent=True,
        )
    return response


def answer(response: httpx.Response) -> Any:
    """The JSON answer, {} for an empty one (204)."""
    return response.json() if response.content else {}
