"""Deliver a code once when the scanner reads the same code again and again.

A phone held under a continuous-mode scanner is read many times a second. A code is a
duplicate while it keeps being seen within ``window_s`` of its previous sighting (the
window slides with every repeat), so it is delivered again only after a pause.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Deduplicator:
    """Remembers recently seen codes (a bounded number) and their last sighting."""

    def __init__(
        self, window_s: float = 1.5, clock: Callable[[], float] = time.monotonic, capacity: int = 64
    ) -> None:
        self.window_s = window_s
        self._clock = clock
        self._capacity = capacity
        self._seen: dict[bytes, float] = {}
        self.suppressed = 0

    def accept(self, code: bytes) -> bool:
        """True when ``code`` should be delivered; False for a repeat inside the window."""
        now = self._clock()
        last = self._seen.get(code)
        self._seen[code] = now
        if last is not None and now - last <= self.window_s:
            self.suppressed += 1
            return False
        self._prune(now)
        return True

    def _prune(self, now: float) -> None:
        stale = [code for code, seen in self._seen.items() if now - seen > self.window_s]
        for code in stale:
            del self._seen[code]
        while len(self._seen) > self._capacity:
            del self._seen[next(iter(self._seen))]

    def clear(self) -> None:
        """Forget everything (a new session must be able to scan the same code again)."""
        self._seen.clear()
