"""The terminal's listener for the platform's signed payment notifications.

A small threaded HTTP server (stdlib) on the terminal's address; the platform POSTs JSON to
``url`` (given with every order as ``notify_url``). A notification is accepted only with a
valid signature (HMAC-SHA256 under the terminal's secret, sender ``PLATFORM``, timestamp
within 300 s; :mod:`kiosk.platform.signing`). A badly signed one is answered 401, changes
nothing and is reported to the operators (``payment.bad_notification``). The very same
notification twice (a replayed nonce) is acknowledged and ignored; a new notification for
an order already settled changes nothing (the service is idempotent).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from kiosk.payments.service import Publisher
from kiosk.platform import signing

log = logging.getLogger(__name__)
PATH = "/ebt/payment-notify"
SENDER = "PLATFORM"
MAX_BODY = 16384


class NotificationListener:
    """Receives, verifies and hands on payment notifications."""

    def __init__(self, secret: str, handler: Callable[[dict[str, Any]], None],
                 bus: Publisher, host: str = "127.0.0.1", port: int = 0,
                 advertised_host: str | None = None) -> None:
        self.secret = secret
        self.handler = handler
        self.bus = bus
        self.nonces = signing.NonceWindow()
        self.accepted = 0
        self.duplicates = 0
        self.rejected = 0
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                status = listener.receive(self.path, dict(self.headers.items()),
                                          self.rfile.read(min(length, MAX_BODY)))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                return

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        bound = self._server.server_address[1]
        self.url = f"http://{advertised_host or host}:{bound}{PATH}"
        self._thread: threading.Thread | None = None

    def receive(self, path: str, headers: dict[str, str], body: bytes) -> int:
        """Verify and dispatch one notification; the HTTP status to answer."""
        if path.split("?")[0] != PATH:
            return 404
        lowered = {k.lower(): v for k, v in headers.items()}
        wanted = {h: lowered.get(h.lower(), "") for h in (
            signing.HEADER_TERMINAL, signing.HEADER_TIMESTAMP, signing.HEADER_NONCE,
            signing.HEADER_SIGNATURE)}
        try:
            signing.verify(wanted, "POST", path, body, {SENDER: self.secret}, self.nonces)
        except signing.SignatureRejected as exc:
            if exc.reason == "replayed_nonce":
                self.duplicates += 1
                return 200
            self.rejected += 1
            self.bus.publish("payment.bad_notification", {"reason": exc.reason})
            return 401
        try:
            document = json.loads(body)
        except ValueError:
            self.rejected += 1
            return 400
        if not isinstance(document, dict):
            return 400
        self.accepted += 1
        self.handler(document)
        return 200

    def start(self) -> str:
        """Serve on a background thread; return the URL to give the platform."""
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="payment-notify")
        self._thread.start()
        return self.url

    def stop(self) -> None:
        """Stop serving (a listener never started is only closed: ``shutdown`` would wait
        forever for a ``serve_forever`` that never ran — the audit's app, built with
        ``start_threads=False``, hung at exit)."""
        if self._thread is not None:
            self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
