"""Running the fleet app under uvicorn: in the foreground (CLI) or in a thread (tests, bench).

:class:`ServerThread` binds first (port 0 = an ephemeral port), so ``url`` is known before
the first request, and ``stop()`` shuts uvicorn down and joins the thread.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn

HTTP_IMPL = "httptools"


def _http_impl() -> str:
    try:
        import httptools  # noqa: F401
    except ImportError:
        return "h11"
    return HTTP_IMPL


def serve_forever(app: Any, host: str, port: int, log_level: str = "info") -> None:
    """Serve ``app`` until interrupted."""
    uvicorn.run(app, host=host, port=port, log_level=log_level, http=_http_impl(),
                access_log=False, lifespan="on", timeout_graceful_shutdown=3)


class ServerThread:
    """uvicorn serving ``app`` on ``host:port`` in a background thread."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self.host, self.port = self._sock.getsockname()[:2]
        config = uvicorn.Config(app, log_level="warning", http=_http_impl(),
                                access_log=False, lifespan="on", backlog=2048,
                                timeout_graceful_shutdown=3)  # open dashboard streams
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True,
            name=f"fleet-server-{self.port}")

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:40123``."""
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 15.0) -> ServerThread:
        """Start serving; return once uvicorn reports it is up."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("fleet server did not start")
            time.sleep(0.02)
        return self

    def stop(self, timeout: float = 15.0) -> None:
        """Stop serving and wait for the thread."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._sock.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
