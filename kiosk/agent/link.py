"""The agent's view of its link to the fleet server: ok, unreachable, or refused.

A terminal whose credentials the server no longer accepts (server restored from a backup,
terminal re-enrolled by someone else, clock far off) must not go silent. :class:`LinkState`
turns every send outcome into one of four states, logs each change once in the local log
(an ``ERROR`` for a refusal, with what to do), computes the retry backoff, and keeps the
state in the agent's buffer so ``python -m kiosk agent status`` shows it even when the app
is not running. ``TelemetryAgent.diagnostics()`` returns :meth:`LinkState.as_dict` for the
maintenance screen.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from typing import Any

from fleet.protocol import REFUSAL_REASONS

log = logging.getLogger("kiosk.agent")

STARTING = "starting"      # nothing sent yet
OK = "ok"                  # the last request was accepted
UNREACHABLE = "unreachable"  # network down or server failing (5xx): data kept, retried
REFUSED = "refused"        # the server refuses this terminal's credentials (401)
LINK_STATES = (STARTING, OK, UNREACHABLE, REFUSED)

ADVICE = {
    "unknown_terminal": "the server does not know this terminal id; re-enrol it "
                        "(python -m kiosk agent enrol) with a token from the operators",
    "bad_signature": "the server holds another secret for this terminal (re-enrolled "
                     "elsewhere or restored from a backup); re-enrol it",
    "clock_skew": "the terminal's clock is too far from the server's; fix the time (NTP)",
    "other": "the server refuses this terminal's requests; ask the operators",
}


def refusal_reason(reason: str, message: str = "") -> str:
    """A known refusal reason from a 401 answer (older servers send only a message)."""
    if reason in REFUSAL_REASONS:
        return reason
    text = message.lower()
    if "unknown terminal" in text:
        return "unknown_terminal"
    if "timestamp" in text:
        return "clock_skew"
    if "signature" in text:
        return "bad_signature"
    return "other"


class LinkState:
    """State of the link, its backoff, and its record in the buffer (see module docstring)."""

    def __init__(self, interval: float, max_backoff_s: float, *,
                 clock: Callable[[], float], monotonic: Callable[[], float],
                 rng: random.Random, save: Callable[[dict[str, Any]], None]) -> None:
        self.interval = interval
        self._max_backoff = max_backoff_s
        self._clock = clock
        self._mono = monotonic
        self._rng = rng
        self._save = save
        self._lock = threading.Lock()
        self.state = STARTING
        self.reason = ""
        self.message = ""
        self.since = clock()
        self.failures = 0
        self.last_ok: float | None = None
        self.next_send = 0.0  # monotonic time before which nothing is sent

    def _change(self, state: str, reason: str, message: str) -> bool:
        changed = (state, reason) != (self.state, self.reason)
        if changed:
            self.state, self.reason, self.since = state, reason, self._clock()
        self.message = message
        return changed

    def accepted(self) -> None:
        """A request went through."""
        with self._lock:
            was = self.state
            changed = self._change(OK, "", "")
            self.failures, self.last_ok, self.next_send = 0, self._clock(), 0.0
        if changed and was == REFUSED:
            log.warning("fleet server accepts this terminal's credentials again")
        if changed:
            self._save(self.as_dict())

    def unreachable(self, message: str) -> float:
        """The server could not be reached or failed; returns the backoff in seconds."""
        with self._lock:
            changed = self._change(UNREACHABLE, "", message)
            delay = self._backoff()
        log.info("fleet server unavailable (%s); retry in %.0f s", message, delay)
        if changed:
            self._save(self.as_dict())
        return delay

    def refused(self, reason: str, message: str) -> float:
        """The server refused the credentials (401); returns the backoff in seconds."""
        with self._lock:
            changed = self._change(REFUSED, reason, message)
            delay = self._backoff()
            failures = self.failures
        if changed:
            log.error("FLEET SERVER REFUSES THIS TERMINAL (%s): %s. Telemetry stays buffered "
                      "and is retried; %s.", reason, message, ADVICE.get(reason, ADVICE["other"]))
            self._save(self.as_dict())
        else:
            log.warning("fleet server still refuses this terminal (%s, %d attempts); "
                        "retry in %.0f s", reason, failures, delay)
        return delay

    def _backoff(self) -> float:
        self.failures += 1
        base = min(self._max_backoff, self.interval * 2 ** min(self.failures - 1, 30))
        delay = base * self._rng.uniform(0.8, 1.2)
        self.next_send = self._mono() + delay
        return delay

    def due(self) -> bool:
        """True when sending is not held back by a backoff."""
        return self._mono() >= self.next_send

    def as_dict(self) -> dict[str, Any]:
        """The state for diagnostics: ``link``, ``reason``, ``message``, ``since`` …"""
        with self._lock:
            return {
                "link": self.state, "reason": self.reason, "message": self.message[:300],
                "advice": ADVICE.get(self.reason, "") if self.state == REFUSED else "",
                "since": self.since, "failures": self.failures, "last_ok": self.last_ok,
                "next_attempt_in_s": max(0.0, round(self.next_send - self._mono(), 1)),
            }
