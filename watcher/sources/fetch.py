"""Fetching a URL safely: http(s) only, no private addresses, a size cap, checked redirects.

Scraped pages link anywhere; a source URL in a config may point at an
intranet. Every hop of a redirect is checked again, the body is streamed and
cut off at the cap, and loopback, private and link-local addresses are refused
unless the source says `internal = true`.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from watcher.sources.base import SourceError

MAX_REDIRECTS = 5


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int = 5 * 1024 * 1024
    timeout: float = 20.0
    user_agent: str = "watcher/0.1 (+https://github.com/watcher)"


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    body: bytes
    headers: dict[str, str]


def check_url(url: str, *, internal: bool) -> None:
    """Refuse what a reader must never fetch; raises SourceError saying why."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError as exc:
        raise SourceError(f"{url!r}: {exc}; check the URL") from exc
    if parts.scheme not in ("http", "https"):
        raise SourceError(f"{url!r}: only http and https URLs are read")
    if not parts.hostname:
        raise SourceError(f"{url!r}: no host in the URL")
    if internal:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise SourceError(
            f"{parts.hostname}: cannot resolve ({exc.strerror}); check the URL"
        ) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if (
            address.is_private
            or address.is_loopback
            or address.is_link_local
            or address.is_reserved
        ):
            raise SourceError(
                f"{parts.hostname} resolves to {address}, a private address; set internal = true "
                "on the source if it is an intranet site you mean to read"
            )


def fetch(
    url: str,
    *,
    internal: bool = False,
    limits: FetchLimits = FetchLimits(),
    etag: str | None = None,
    last_modified: str | None = None,
) -> Fetched:
    """GET a URL within the limits; 304 comes back with an empty body."""
    headers = {"User-Agent": limits.user_agent}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    with httpx.Client(timeout=limits.timeout, follow_redirects=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url, internal=internal)
            try:
                with client.stream("GET", url, headers=headers) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    if response.status_code == 304:
                        return Fetched(url, 304, b"", dict(response.headers))
                    if response.status_code >= 400:
                        raise SourceError(
                            f"{url}: HTTP {response.status_code}; the site refused or failed, "
                            "it is tried again at the next interval"
                        )
                    declared = int(response.headers.get("content-length") or 0)
                    if declared > limits.max_bytes:
                        raise SourceError(_too_big(url, limits))
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body.extend(chunk)
                        if len(body) > limits.max_bytes:
                            raise SourceError(_too_big(url, limits))
                    return Fetched(url, response.status_code, bytes(body), dict(response.headers))
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise SourceError(
                    f"{url}: {type(exc).__name__}: {exc}; check the URL and network"
                ) from exc
    raise SourceError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _too_big(url: str, limits: FetchLimits) -> str:
    return (
        f"{url}: larger than {limits.max_bytes} bytes; nothing was stored. Raise "
        "FETCH_MAX_BYTES if this source is really that big"
    )
