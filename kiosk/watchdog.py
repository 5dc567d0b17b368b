"""systemd's notify protocol for the terminal: ready once the attract screen is drawn, then a
watchdog fed from the UI's main loop, so a frozen screen is restarted like a dead process.

The UI calls :meth:`Watchdog.ready` after the first frame of the attract screen is on glass
and :meth:`Watchdog.kick` from its main-loop clock (Kivy's ``Clock``) every
:attr:`Watchdog.kick_interval_s`. Because the kick runs *on the main thread*, a main thread
that blocks — a deadlock, a long synchronous call, an endless loop in a callback — stops
the kicks, and systemd (``WatchdogSec=``) kills and restarts the unit; worker threads that
keep running do not hide the freeze.

Messages go through cysystemd (libsystemd's own ``sd_notify``, shipped as wheels); see
docs/operations.md for why not sdnotify or systemd-python. Without ``NOTIFY_SOCKET`` (a
developer's run, the demo) every call is a no-op. Kivy-free: ``screens/`` does the wiring.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)

Send = Callable[[str, str], object]
#: kick this often when systemd does not say (the soak supervisor and tests set it)
DEFAULT_KICK_S = 1.0


def _cysystemd_send(name: str, value: str) -> object:
    from cysystemd.daemon import Notification, notify

    kind = Notification[name]
    if value:
        return notify(kind, value, return_exceptions=False)
    return notify(kind, return_exceptions=False)


class Watchdog:
    """The terminal's side of the notify protocol (see module docstring)."""

    def __init__(self, *, send: Send | None = None, env: Mapping[str, str] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        env = os.environ if env is None else env
        self.enabled = bool(env.get("NOTIFY_SOCKET"))
        self._send = send or _cysystemd_send
        self._clock = clock
        usec = env.get("WATCHDOG_USEC", "")
        pid = env.get("WATCHDOG_PID", "")
        self.watchdog_s = int(usec) / 1e6 if usec.isdigit() and int(usec) > 0 else None
        if pid and pid.isdigit() and int(pid) != os.getpid():
            self.watchdog_s = None                       # meant for another process
        #: how often the UI should call :meth:`kick` (a third of systemd's timeout)
        self.kick_interval_s = (self.watchdog_s / 3 if self.watchdog_s else DEFAULT_KICK_S)
        self.is_ready = False
        self.kicks = 0
        self.last_kick: float | None = None

    def _notify(self, name: str, value: str = "") -> None:
        if not self.enabled:
            return
        try:
            self._send(name, value)
        except Exception as exc:  # a notify failure must never take the UI down
            log.warning("sd_notify %s failed: %s", name, type(exc).__name__)

    def ready(self, status: str = "attract screen drawn") -> None:
        """The terminal is serving: READY=1 (once) with a status line."""
        if self.is_ready:
            return
        self.is_ready = True
        self._notify("STATUS", status)
        self._notify("READY")
        log.info("ready: %s", status)

    def kick(self) -> None:
        """The main loop is alive: WATCHDOG=1. Call from the UI's main-thread clock."""
        self.kicks += 1
        self.last_kick = self._clock()
        self._notify("WATCHDOG")

    def status(self, text: str) -> None:
        """A one-line status for ``systemctl status`` (no personal data)."""
        self._notify("STATUS", text[:200])

    def stopping(self) -> None:
        """The terminal is shutting down on purpose."""
        self._notify("STOPPING")
