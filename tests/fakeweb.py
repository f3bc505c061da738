"""A programmable HTTP server on 127.0.0.1 standing in for the outside world in tests."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Route = Callable[[Seen], Reply]


@dataclass
class FakeWeb:
    base: str
    routes: dict[str, Route]
    seen: list[Seen]

    def reply(self, path: str, reply: Reply) -> None:
        self.routes[path] = lambda _request: reply


class _QuietServer(ThreadingHTTPServer):
    """A client that gave up (a timeout under test) is not an error worth a traceback."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@contextmanager
def fake_web() -> Iterator[FakeWeb]:
    routes: dict[str, Route] = {}
    seen: list[Seen] = []

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            request = Seen(self.command, self.path, dict(self.headers), self.rfile.read(length))
            seen.append(request)
            route = routes.get(self.path.split("?")[0].rstrip("/") or "/")
            reply = route(request) if route else Reply(404, b"not found")
            self.send_response(reply.status)
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, *args: object) -> None:
            pass

    server = _QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield FakeWeb(f"http://127.0.0.1:{server.server_address[1]}", routes, seen)
    finally:
        server.shutdown()
        server.server_close()
