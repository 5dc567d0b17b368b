"""好差评 figures for the operators: each rating made at this terminal is sent to the fleet
server (fleet/evaluation_stats.py) — the item, the level, the reason of a bad review; never
the case number or the person. The platform stays the record of the rating itself (it went
through the outbox); this copy is what the operators' dashboard counts.

:class:`EvaluationReporter` listens for ``journey.evaluated`` on the bus and posts from a
worker thread; what cannot be sent is kept (in memory, up to ``keep``) and sent with the
next rating or :meth:`flush`. A rating lost to a restart while the fleet is away is lost to
the statistics only, never to the platform.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Any

from kiosk.help_desk import Poster

log = logging.getLogger(__name__)
EVALUATION_PATH = "/api/v1/evaluation"


class EvaluationReporter:
    """Sends this terminal's ratings to the fleet server (see the module docstring)."""

    def __init__(self, bus: Any, poster: Poster, keep: int = 500) -> None:
        self._post = poster
        self._queue: deque[dict[str, Any]] = deque(maxlen=keep)
        self._lock = threading.Lock()
        self._unsubscribe = bus.subscribe("journey.evaluated", self._on_rating)

    def _on_rating(self, _topic: str, payload: Any) -> None:
        if isinstance(payload, dict):
            with self._lock:
                self._queue.append(dict(payload))
            threading.Thread(target=self.flush, name="evaluation-report", daemon=True).start()

    def flush(self) -> int:
        """Send what is queued, oldest first; stop at the first failure. Returns sent."""
        sent = 0
        while True:
            with self._lock:
                if not self._queue:
                    return sent
                rating = self._queue[0]
            try:
                self._post(EVALUATION_PATH, rating)
            except Exception as exc:  # the fleet is away: keep it for the next time
                log.info("rating not sent to the fleet: %s", type(exc).__name__)
                return sent
            with self._lock:
                if self._queue and self._queue[0] is rating:
                    self._queue.popleft()
            sent += 1

    def pending(self) -> int:
        """Ratings not sent yet."""
        with self._lock:
            return len(self._queue)

    def close(self) -> None:
        """Stop listening."""
        self._unsubscribe()
