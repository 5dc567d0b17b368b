"""Faults injected on command: latency, hangs (client timeouts), 5xx, malformed bodies,
maintenance windows and face rejection.

Counts are "the next N requests" (0 = off, -1 = every request). Faults apply to API paths
under ``path_prefix`` (default ``/v1``), never to the control surface or the OpenAPI
document. A hang and a malformed body happen AFTER the request was processed, the nasty
case for a client: the platform did the work but the answer was lost.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass
class FaultSettings:
    """The current fault switches."""

    latency_s: float = 0.0
    hang_s: float = 0.0
    hang_count: int = 0
    error_status: int = 500
    error_count: int = 0
    malformed_count: int = 0
    maintenance: bool = False
    maintenance_retry_after_s: int = 600
    reject_face: bool = False
    path_prefix: str = "/v1"


# Named faults for the control surface: name -> switches (options override them).
PRESETS: dict[str, dict[str, Any]] = {
    "latency": {"latency_s": 2.0},
    "timeout": {"hang_s": 30.0, "hang_count": -1},
    "error_5xx": {"error_status": 503, "error_count": -1},
    "malformed": {"malformed_count": -1},
    "maintenance": {"maintenance": True},
    "reject_face": {"reject_face": True},
}


class Faults:
    """Thread-safe fault switches shared by the server's middleware and its controller."""

    def __init__(self) -> None:
        self._settings = FaultSettings()
        self._lock = threading.Lock()

    def set(self, name: str | None = None, /, **changes: Any) -> FaultSettings:
        """Change some switches, e.g. ``set(error_status=503, error_count=2)``, or switch a
        named fault on (``set("timeout")``, ``set("latency", latency_s=5)``; see PRESETS)."""
        if name is not None:
            if name not in PRESETS:
                raise ValueError(f"unknown fault {name!r}; known: {', '.join(PRESETS)}")
            changes = {**PRESETS[name], **changes}
        names = {f.name for f in fields(FaultSettings)}
        unknown = set(changes) - names
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(sorted(unknown))}")
        with self._lock:
            for name, value in changes.items():
                setattr(self._settings, name, value)
            return FaultSettings(**asdict(self._settings))

    def clear(self) -> None:
        """Switch every fault off."""
        with self._lock:
            self._settings = FaultSettings()

    def snapshot(self) -> FaultSettings:
        """A copy of the current switches."""
        with self._lock:
            return FaultSettings(**asdict(self._settings))

    def _take(self, name: str) -> bool:
        with self._lock:
            count = getattr(self._settings, name)
            if count == 0:
                return False
            if count > 0:
                setattr(self._settings, name, count - 1)
            return True

    def take_error(self) -> int | None:
        """The status to fail this request with, or None."""
        return self._settings.error_status if self._take("error_count") else None

    def take_hang(self) -> float:
        """Seconds to hold this request's answer back (0 = none)."""
        return self._settings.hang_s if self._take("hang_count") else 0.0

    def take_malformed(self) -> bool:
        """True if this request's answer must be garbled."""
        return self._take("malformed_count")
