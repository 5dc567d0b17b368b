"""Signed asynchronous payment notifications from the platform to the terminal.

When an order is paid (or fails) the platform POSTs a JSON document to the ``notify_url``
the terminal gave with the order, signed like the terminal's own requests (see
:mod:`kiosk.platform.signing`) with the terminal's secret and ``X-EBT-Terminal: PLATFORM``.
Delivery runs on a background thread and is retried three times (0.5, 1, 2 s) on a failed
or non-2xx answer. For tests and demos the next notification of an order can be armed to be
``lost``, ``duplicate``\\d (the same signed request twice) or sent with a ``bad_signature``.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from kiosk.platform import signing

log = logging.getLogger(__name__)
MODES = ("normal", "lost", "duplicate", "bad_signature")
SENDER = "PLATFORM"


@dataclass(frozen=True)
class Delivery:
    """What happened to one notification attempt (kept for tests and the control page)."""

    pay_code: str
    event: str
    mode: str
    status: int          # HTTP status, 0 = not sent / unreachable
    at: float


class Notifier:
    """Queues notifications and delivers them on one worker thread."""

    def __init__(self, secrets: Mapping[str, str],
                 post: Callable[..., Any] | None = None,
                 backoff_s: tuple[float, ...] = (0.5, 1.0, 2.0)) -> None:
        self.secrets = secrets
        self._post = post or requests.post
        self._backoff = backoff_s
        self._armed: dict[str, str] = {}
        self._queue: queue.Queue[tuple[str, str, str, bytes, str] | None] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.deliveries: list[Delivery] = []

    def arm(self, pay_code: str, mode: str) -> None:
        """Make the next notification of this order ``lost``/``duplicate``/``bad_signature``."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        with self._lock:
            self._armed[pay_code] = mode

    def notify(self, terminal_id: str, url: str, document: dict[str, Any]) -> None:
        """Queue one notification (``document`` has ``pay_code`` and ``event``)."""
        if not url:
            return
        with self._lock:
            mode = self._armed.pop(str(document["pay_code"]), "normal")
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="pay-notify",
                                                daemon=True)
                self._thread.start()
        body = json.dumps(dict(document, sent_at=time.time()), ensure_ascii=False).encode()
        self._queue.put((terminal_id, url, mode, body, str(document["event"])))

    def close(self) -> None:
        """Stop the worker after what is queued."""
        self._queue.put(None)

    def _run(self) -> None:
        while (job := self._queue.get()) is not None:
            terminal_id, url, mode, body, event = job
            code = json.loads(body)["pay_code"]
            if mode == "lost":
                self._record(code, event, mode, 0)
                continue
            secret = self.secrets.get(terminal_id, "")
            if mode == "bad_signature":
                secret += "-forged"
            parts = urlsplit(url)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            headers = signing.sign_headers(SENDER, secret, "POST", path, body)
            headers["Content-Type"] = "application/json"
            for _ in range(2 if mode == "duplicate" else 1):
                self._deliver(code, event, mode, url, body, headers)

    def _deliver(self, code: str, event: str, mode: str, url: str, body: bytes,
                 headers: dict[str, str]) -> None:
        for delay in (0.0, *self._backoff):
            time.sleep(delay)
            try:
                status = int(self._post(url, data=body, headers=headers, timeout=(1, 3))
                             .status_code)
            except requests.RequestException:
                status = 0
            self._record(code, event, mode, status)
            if 200 <= status < 300 or mode == "bad_signature":
                return
        log.info("notification for an order not delivered")

    def _record(self, code: str, event: str, mode: str, status: int) -> None:
        with self._lock:
            self.deliveries.append(Delivery(code, event, mode, status, time.time()))
            del self.deliveries[:-500]
