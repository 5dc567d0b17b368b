"""Run the platform simulator as a real HTTP server (uvicorn) in a background thread.

``PlatformServer(state_dir, seed, terminal_secrets).start(host, port=0)`` returns the base
URL; ``.faults`` switches faults on and off; ``.stop()`` shuts it down. The UI's demo and
the tests start it in-process; ``python -m simulator platform`` runs it standalone.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn

from simulator.platform.app import create_app
from simulator.platform.faults import Faults
from simulator.platform.state import PlatformState


class PlatformServer:
    """A platform simulator served over HTTP on a loopback (or given) address."""

    def __init__(self, state_dir: Path | None = None, seed: int = 0,
                 terminal_secrets: dict[str, str] | None = None,
                 progress_step_s: float = 120.0, public_url: str = "") -> None:
        self.state = PlatformState.build(state_dir, seed, terminal_secrets, progress_step_s)
        self.state.public_url = public_url
        self.app = create_app(self.state)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    @property
    def faults(self) -> Faults:
        """The fault switches (set latency, hangs, 5xx, malformed, maintenance, face)."""
        return self.state.faults

    def start(self, host: str = "127.0.0.1", port: int = 0, timeout_s: float = 15.0) -> str:
        """Start serving; return the base URL (``http://host:port``)."""
        # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose
        # proto is TCP; without it every keep-alive answer waits ~40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                             socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        config = uvicorn.Config(self.app, log_level="warning", access_log=False,
                                timeout_graceful_shutdown=1, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name="platform-sim", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("platform simulator failed to start")
            time.sleep(0.02)
        bound = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{bound}"
        if not self.state.public_url:
            self.state.public_url = self.url
        return self.url

    def stop(self) -> None:
        """Stop serving and release the state."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.state.notifier.close()
        self._server = None
        self._thread = None
        self.state.store.close()

    def __enter__(self) -> PlatformServer:
        if not self.url:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
