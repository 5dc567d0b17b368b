"""The simulators' control surface over HTTP: a small web page and a JSON API.

``GET /`` is a page with buttons (tap a card, show a QR, pull the paper …);
``GET /api/state`` returns the suite's state; ``POST /api/<action>`` with a JSON object of
parameters runs one control action (see :meth:`SimulatorSuite.actions`). Binds to loopback
by default. Uses the standard library's threading HTTP server: it is a developer tool with
a handful of requests, not a service.
"""

from __future__ import annotations

import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any, Protocol


class Controllable(Protocol):
    """What the control surface needs from a simulator suite."""

    def control(self, action: str, params: dict[str, Any] | None = None) -> Any:
        """Run an action."""

    def state(self) -> dict[str, Any]:
        """Current state for the page."""


class ControlServer:
    """Serves the control page and API for ``suite`` in a background thread."""

    def __init__(self, suite: Controllable, host: str = "127.0.0.1", port: int = 0) -> None:
        self.suite = suite
        handler = _make_handler(suite)
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True,
                                        name="sim-control")

    @property
    def url(self) -> str:
        """Base URL of the control page."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> str:
        """Start serving; return the URL."""
        self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop serving."""
        self._httpd.shutdown()
        self._httpd.server_close()


def _make_handler(suite: Controllable) -> type[BaseHTTPRequestHandler]:
    page = resources.files("simulator").joinpath("control.html").read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return  # keep the console quiet; nothing personal passes here anyway

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, obj: Any) -> None:
            self._send(status, json.dumps(obj, ensure_ascii=False).encode(), "application/json")

        def do_GET(self) -> None:
            if self.path in ("/", "/index.html"):
                self._send(HTTPStatus.OK, page, "text/html; charset=utf-8")
            elif self.path == "/api/state":
                self._json(HTTPStatus.OK, suite.state())
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})

        def do_POST(self) -> None:
            if not self.path.startswith("/api/"):
                self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
                return
            action = self.path[len("/api/"):]
            length = int(self.headers.get("Content-Length") or 0)
            try:
                params = json.loads(self.rfile.read(length) or b"{}")
                if not isinstance(params, dict):
                    raise ValueError("parameters must be a JSON object")
                result = suite.control(action, params)
            except ValueError as exc:  # ControlError and JSON errors are ValueErrors
                self._json(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
                return
            self._json(HTTPStatus.OK, {"ok": True, "result": _jsonable(result)})

    return Handler


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
    except TypeError:
        return str(value)
    return value
