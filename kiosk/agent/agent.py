"""The telemetry agent: heartbeat loop, pulled remote commands, acknowledged results.

Every ``interval`` seconds the agent takes a snapshot, turns it into a heartbeat (no personal
data, see :mod:`kiosk.agent.heartbeat`) and puts it in the durable buffer; then it sends the
buffer (oldest first, with usage events and command results) in one signed request. The
answer carries pending commands; each runs once through its handler and its result goes
back at once. While the server is unreachable everything stays buffered and sending backs
off exponentially (with jitter) up to ``max_backoff_s``. A server that refuses the
terminal's credentials (401) is the terminal's own fault, never silent: it is logged as an
error, shown by :meth:`TelemetryAgent.diagnostics` (``link == "refused"``), retried with the
same backoff, and reported through the unauthenticated "I am refused" beacon
(:mod:`kiosk.agent.link`). It all runs on the agent's own
thread, so the UI thread is never blocked; ``record_usage`` is the only call made from
other threads and it only appends to the buffer.
"""

from __future__ import annotations

import base64
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from kiosk.agent.buffer import DurableBuffer
from kiosk.agent.client import FleetClient, FleetRejected, FleetUnavailable
from kiosk.agent.heartbeat import build_heartbeat
from kiosk.agent.link import LinkState, refusal_reason

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], dict[str, Any]]
MAX_BATCHES_PER_FLUSH = 50


class TelemetryAgent:
    """Heartbeats and remote commands for one terminal (see module docstring)."""

    def __init__(
        self,
        client: FleetClient,
        snapshot: Callable[[], dict[str, Any]],
        command_handlers: Mapping[str, Handler],
        buffer_path: str | Path | DurableBuffer,
        interval: float = 30.0,
        *,
        app_version: str = "",
        max_backoff_s: float = 300.0,
        batch_size: int = 100,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self._client = client
        self._snapshot = snapshot
        self._handlers = dict(command_handlers)
        self._buffer = (buffer_path if isinstance(buffer_path, DurableBuffer)
                        else DurableBuffer(buffer_path))
        self.interval = interval
        self._app_version = app_version
        self._batch = batch_size
        self._clock = clock
        self._mono = monotonic
        self._rng = rng or random.Random()
        self._started = monotonic()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.link = LinkState(interval, max_backoff_s, clock=clock, monotonic=monotonic,
                              rng=self._rng, save=lambda d: self._buffer.set_note("link", d))

    # -- called from other threads -------------------------------------------------------
    def record_usage(self, item_code: str, kind: str, item_name: str = "") -> None:
        """Count one use of an item (``kind``: started / completed / abandoned)."""
        self._buffer.put("usage", {"event_id": uuid.uuid4().hex, "item_code": item_code,
                                   "item_name": item_name, "kind": kind, "ts": self._clock()})

    def wake(self) -> None:
        """Send a heartbeat now instead of at the next tick."""
        self._wake.set()

    @property
    def pending(self) -> int:
        """Entries waiting in the buffer."""
        return self._buffer.count()

    @property
    def failures(self) -> int:
        """Failed sends in a row (0 after an accepted one)."""
        return self.link.failures

    @property
    def last_error(self) -> str:
        """Why the last send failed ("" after an accepted one)."""
        return self.link.message

    @property
    def last_ok(self) -> float | None:
        """Unix time of the last accepted send."""
        return self.link.last_ok

    def diagnostics(self) -> dict[str, Any]:
        """The agent's state for the maintenance screen and technicians (any thread).

        ``link`` is ``starting`` | ``ok`` | ``unreachable`` | ``refused``; when refused,
        ``reason`` (``unknown_terminal`` | ``bad_signature`` | ``clock_skew`` | ``other``)
        and ``advice`` say what to do. ``pending`` counts what waits in the buffer.
        """
        info = self.link.as_dict()
        info["terminal_id"] = self._client.terminal_id
        info["pending"] = {kind: self._buffer.count(kind)
                           for kind in ("heartbeat", "usage", "result")}
        return info

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> None:
        """Run the loop on a daemon thread."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="telemetry-agent",
                                            daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the loop (buffered data stays for the next start)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def close(self) -> None:
        """Stop and close the buffer."""
        self.stop()
        self._buffer.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                delay = self.run_once()
            except Exception:  # the agent must never die of one bad cycle
                log.exception("telemetry cycle failed")
                delay = self.interval
            self._wake.wait(delay)
            self._wake.clear()

    # -- one cycle -----------------------------------------------------------------------
    def sample(self) -> None:
        """Take a snapshot and buffer it as the next heartbeat."""
        try:
            snap = self._snapshot()
        except Exception as exc:  # a broken snapshot still yields a heartbeat
            log.warning("snapshot failed: %s", type(exc).__name__)
            snap = {}
        hb = build_heartbeat(snap, seq=self._buffer.next_seq(), ts=self._clock(),
                             app_version=self._app_version,
                             uptime_s=self._mono() - self._started)
        self._buffer.put("heartbeat", hb)

    def run_once(self) -> float:
        """Sample, send when not backing off; return seconds until the next cycle."""
        self.sample()
        if self.link.due():
            self.flush()
        return self.interval

    def flush(self) -> bool:
        """Send everything buffered; True when the buffer is empty afterwards."""
        for _ in range(MAX_BATCHES_PER_FLUSH):
            hbs = self._buffer.peek("heartbeat", self._batch)
            usage = self._buffer.peek("usage", 500)
            results = self._buffer.peek("result", 50)
            if not (hbs or usage or results):
                return True
            payload = {"heartbeats": [b for _, b in hbs], "usage": [b for _, b in usage],
                       "results": [b for _, b in results]}
            try:
                answer = self._client.heartbeat(payload)
            except FleetUnavailable as exc:
                self.link.unreachable(str(exc))
                return False
            except FleetRejected as exc:
                if exc.status == 401:  # our credentials: a fault of this terminal
                    self._refused(refusal_reason(exc.reason, exc.message), str(exc))
                    return False
                # the server will not take these bytes; keep them unless they are malformed
                self.link.unreachable(str(exc))
                if exc.status == 400:
                    self._buffer.delete([i for i, _ in hbs + usage + results])
                return False
            self._buffer.delete([i for i, _ in hbs + usage + results])
            self.link.accepted()
            commands = answer.get("commands") or []
            if isinstance(commands, list) and commands:
                for command in commands:
                    self._execute(command)
                self.sample()  # let the server see the commands' effect right away
        return self._buffer.count() == 0

    def _refused(self, reason: str, message: str) -> None:
        """Credentials refused: keep everything, back off, and say so out loud — in the local
        log, in :meth:`diagnostics`, and to the server through the unauthenticated beacon."""
        self.link.refused(reason, message)
        self._client.report_refused(reason)

    def _execute(self, command: Any) -> None:
        if not isinstance(command, dict) or not isinstance(command.get("id"), int):
            return
        command_id, kind = command["id"], str(command.get("kind", ""))
        if self._buffer.command_seen(command_id):
            return
        args = command.get("args") if isinstance(command.get("args"), dict) else {}
        ok, result = self._run_handler(kind, args or {})
        self._buffer.put("result", {"id": command_id, "ok": ok, "result": result})

    def _run_handler(self, kind: str, args: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
        handler = self._handlers.get(kind)
        if handler is None:
            return False, {"error": f"unsupported command {kind}"}
        if kind == "screenshot":
            try:
                busy = bool(self._snapshot().get("session_active"))
            except Exception:
                busy = True
            if busy:  # a citizen's screen may show personal data
                return False, {"error": "citizen session in progress; screenshot refused"}
        try:
            result = dict(handler(args) or {})
        except Exception as exc:
            return False, {"error": f"{type(exc).__name__}: {exc}"[:300]}
        png = result.pop("png", None)
        if png is None and "png_base64" in result:
            png = base64.b64decode(result.pop("png_base64"))
        if isinstance(png, bytes | bytearray):
            try:
                result["screenshot_id"] = self._client.upload_screenshot(bytes(png))
            except (FleetUnavailable, FleetRejected) as exc:
                return False, {"error": f"screenshot upload failed: {exc}"[:300]}
        ok = bool(result.pop("ok", True))
        return ok, result
