"""Crash loops: when the terminal fails three times in five minutes, stop retrying and say why.

On a terminal systemd counts: ``ebantong-kiosk.service`` has ``StartLimitBurst=3`` in
``StartLimitIntervalSec=300``; when the limit is hit the unit fails and ``OnFailure=``
starts ``ebantong-out-of-service.service``, which shows a notice needing nothing but the
display (``python -m screens out-of-service``) and reports the fault. The local supervisor
of ``scripts/soak`` applies the same rule with :class:`CrashLoopPolicy`.

The *cause* operators see is read from the failed unit's log (:func:`journal_lines`):
:func:`cause_from_log` takes the last exception line of a Python traceback (``sqlite3.
DatabaseError: file is not a database``), else the last line at error level or above,
else the watchdog's own message; it is scrubbed of personal data and kept short.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections import deque
from collections.abc import Callable, Iterable

from kiosk.logs import scrub

MAX_FAILURES = 3
WINDOW_S = 300.0
UNIT = "ebantong-kiosk.service"

_EXCEPTION = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception|Exit|Interrupt|"
                        r"Failure|State|Warning)\b(?::.*)?$")
_LEVEL = re.compile(r"\b(ERROR|CRITICAL|FATAL)\b")
_WATCHDOG = re.compile(r"[Ww]atchdog timeout|killed|core-dump|Main process exited")


class CrashLoopPolicy:
    """``record_failure`` returns True on the ``max_failures``-th failure in ``window_s``."""

    def __init__(self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._clock = clock
        self._failures: deque[float] = deque()

    def record_failure(self) -> bool:
        """Count one failure now; True when the terminal is in a crash loop."""
        now = self._clock()
        self._failures.append(now)
        while self._failures and self._failures[0] < now - self.window_s:
            self._failures.popleft()
        return len(self._failures) >= self.max_failures

    def reset(self) -> None:
        """Forget past failures (after an operator brought the terminal back)."""
        self._failures.clear()


def cause_from_log(lines: Iterable[str], limit: int = 160) -> str:
    """The most telling line of a failed run's log (see module docstring)."""
    exception = error = system = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if _EXCEPTION.match(line):
            exception = line
        elif _LEVEL.search(line):
            error = line
        elif _WATCHDOG.search(line):
            system = line
    cause = exception or error or system or "no error in the log (killed or hung?)"
    cause = scrub(cause)
    return cause if len(cause) <= limit else cause[: limit - 1] + "…"


def journal_lines(unit: str = UNIT, count: int = 400, timeout: float = 10.0) -> list[str]:
    """The last ``count`` lines the unit logged in this boot (empty when unreadable)."""
    try:
        done = subprocess.run(["journalctl", "--no-pager", "-b", "-u", unit, "-n", str(count),
                               "-o", "cat"], capture_output=True, text=True, timeout=timeout,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return done.stdout.splitlines()
