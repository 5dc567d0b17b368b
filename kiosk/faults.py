"""Faults the operators must hear about, kept on disk and carried by every heartbeat.

Some faults are events, not states: an outbox was quarantined, a cache was rebuilt, refused
entries expired, the terminal fell into a crash loop. :class:`FaultLog` keeps them in a
small JSON file (0600, replaced atomically, so a crash mid-write loses nothing) and the
telemetry agent reports the recent ones (``report_s``, a day by default) in its heartbeats;
the fleet server opens an alert per ``kind:subject`` while they are reported. Details are
short texts written by the terminal's own code — counts, file names, exception class
names — never anything a citizen typed.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fleet.protocol import FAULT_KINDS
from kiosk.storage import write_private

log = logging.getLogger(__name__)

__all__ = ["FAULT_KINDS", "Fault", "FaultLog"]     # the kinds: fleet/protocol.py
REPORT_S = 86400.0
MAX_KEPT = 200
MAX_DETAIL = 200


@dataclass(frozen=True)
class Fault:
    """One reported fault (``subject``: the file or part concerned)."""

    kind: str
    subject: str
    detail: str
    at: float

    def as_dict(self) -> dict[str, Any]:
        """The heartbeat form."""
        return asdict(self)


class FaultLog:
    """Faults in a JSON file at ``path`` (see module docstring)."""

    def __init__(self, path: str | Path, *, report_s: float = REPORT_S,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.report_s = report_s
        self._clock = clock
        self._lock = threading.Lock()

    def record(self, kind: str, subject: str, detail: str) -> Fault:
        """Remember a fault (and log it as a warning)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        fault = Fault(kind, subject[:32], " ".join(detail.split())[:MAX_DETAIL], self._clock())
        log.warning("FAULT %s:%s %s", fault.kind, fault.subject, fault.detail)
        with self._lock:
            faults = self._read()
            faults.append(fault)
            self._write(faults[-MAX_KEPT:])
        return fault

    def all(self) -> list[Fault]:
        """Every kept fault, oldest first."""
        with self._lock:
            return self._read()

    def active(self) -> list[Fault]:
        """The newest fault per ``kind:subject`` recorded within ``report_s``."""
        cutoff = self._clock() - self.report_s
        newest: dict[tuple[str, str], Fault] = {}
        for fault in self.all():
            if fault.at >= cutoff:
                newest[(fault.kind, fault.subject)] = fault
        return sorted(newest.values(), key=lambda f: f.at)

    def _read(self) -> list[Fault]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return [Fault(str(f["kind"]), str(f["subject"]), str(f["detail"]), float(f["at"]))
                    for f in raw]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("fault log %s unreadable (%s); starting a new one", self.path.name,
                        type(exc).__name__)
            return []

    def _write(self, faults: list[Fault]) -> None:
        write_private(self.path, json.dumps([f.as_dict() for f in faults], ensure_ascii=False),
                      durable=True)
