"""A local web server for the demo: the rendered site, on 127.0.0.1 only.

Pretty URLs of the real engines (viewtopic.php?t=412) map onto the static
files that `render_site` wrote; everything else is a 404.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/rss+xml; charset=utf-8"}


def _route(root: Path, target: str) -> Path | None:
    parts = urlsplit(target)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    path = parts.path
    if path == "/forum/viewforum.php" and query.get("f", "").isdigit():
        candidate = root / "forum" / f"viewforum-{query['f']}.html"
    elif path == "/forum/viewtopic.php" and query.get("t", "").isdigit():
        candidate = root / "forum" / f"viewtopic-{query['t']}.html"
    elif path.startswith("/blog/") and path.count("/") == 2 and ".." not in path:
        candidate = root / "blog" / f"{path.rsplit('/', 1)[1]}.html"
    elif path == "/feed.xml":
        candidate = root / "feed.xml"
    elif path == "/robots.txt":
        candidate = root / "robots.txt"
    else:
        return None
    return candidate if candidate.is_file() else None


class SiteHandler(BaseHTTPRequestHandler):
    """Serves the demo site; read fresh on every request so edits show at once."""

    root: Path

    def do_GET(self) -> None:
        page = _route(self.root, self.path)
        if page is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        body = page.read_bytes()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", TYPES.get(page.suffix, "text/plain; charset=utf-8"))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the demo prints its own summary."""


@contextmanager
def serve(root: Path, port: int = 0) -> Iterator[str]:
    """Serve root on 127.0.0.1 in a background thread; yields the base URL."""
    handler = type("DemoSiteHandler", (SiteHandler,), {"root": root})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, name="demo-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
