"""What the terminal tells its operators: counters, cached device states, remote commands.

:class:`UsageCounters` listens on the event bus and keeps, without any personal data, the
counts the fleet heartbeat carries (sessions, journeys, errors), the current screen, the
maintenance flag (from ``maintenance.changed`` events) and the last known state of every
device (from ``<device>.state`` and ``printer.paper`` events, so the agent's snapshot never
does device I/O). Remote-command handlers are kept in the dict :attr:`UsageCounters.handlers`
the app adds its UI handlers to (restart, maintenance, screenshot, config reload); the agent
is given one dispatcher per command kind that looks the handler up there when the command
arrives, so handlers attached after the agent was built are found.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from common.events import EventBus
from fleet.protocol import COMMAND_KINDS

Handler = Callable[[dict[str, Any]], dict[str, Any]]
PAPER_MAP = {"ok": "full", "low": "low", "out": "out", "unknown": "unknown"}


class UsageCounters:
    """Counts and cached states for heartbeats, fed by bus events."""

    def __init__(self, bus: EventBus) -> None:
        self._lock = threading.Lock()
        self.counts = {"sessions": 0, "journeys": 0, "errors": 0}
        self.screen = "attract"
        self.maintenance = False
        self.session_active = False
        self.paper = "unknown"
        self.device_cache: dict[str, dict[str, Any]] = {}
        self.handlers: dict[str, Handler] = {}
        bus.subscribe("*", self._on_event)

    def _on_event(self, topic: str, payload: Any) -> None:
        with self._lock:
            if topic == "session.wiped":
                self.session_active = False
            elif topic == "maintenance.changed":
                on = payload.get("maintenance") if isinstance(payload, dict) else payload
                self.maintenance = bool(on)
            elif topic == "journey.started":
                self.counts["journeys"] += 1
            elif topic in ("journey.print_failed", "idcard.read_failed") or topic.endswith(
                    ".error"):
                self.counts["errors"] += 1
            elif topic == "ui.screen":
                name = payload.get("screen") if isinstance(payload, dict) else payload
                self.screen = str(name)[:32]
                # a visit begins when a citizen leaves the attract screen; it ends at the wipe
                if self.screen != "attract" and not self.session_active:
                    self.counts["sessions"] += 1
                    self.session_active = True
            elif topic.endswith(".state"):
                device = topic.split(".", 1)[0]
                as_dict = getattr(payload, "as_dict", None)
                data = getattr(payload, "data", None)
                if callable(as_dict):
                    self.device_cache[device] = dict(as_dict())
                elif isinstance(data, dict) and "state" in data:
                    self.device_cache[device] = dict(data)
            if topic in ("printer.paper", "printer.state"):
                details = getattr(payload, "data", None) or getattr(payload, "details", None)
                paper = details.get("paper") if isinstance(details, dict) else None
                if isinstance(paper, str):
                    self.paper = paper

    def snapshot_for(self, terminal: Any) -> Callable[[], dict[str, Any]]:
        """The agent's ``snapshot`` callable: cached values only."""

        def snapshot() -> dict[str, Any]:
            with self._lock:
                devices = {name: dict(state) for name, state in self.device_cache.items()}
                for name, error in terminal.device_errors.items():
                    devices[name] = {"state": "no_device", "message": error}
                return {
                    "devices": devices,
                    "paper": {"state": PAPER_MAP.get(self.paper, "unknown"), "level": None},
                    "screen": self.screen,
                    "counters": dict(self.counts),
                    "maintenance": self.maintenance,
                    "session_active": self.session_active,
                    "faults": _faults_of(terminal),
                }

        return snapshot

    def command_handlers(self, terminal: Any) -> dict[str, Handler]:
        """The handlers given to the agent: a dispatcher per command kind into
        :attr:`handlers` (the agent copies what it is given when it is built, before the
        app has attached its UI handlers)."""

        def refresh_catalog(_: dict[str, Any]) -> dict[str, Any]:
            return {"catalog": terminal.refresh_catalog(), "items": len(terminal.catalog.items())}

        self.handlers["refresh_catalog"] = refresh_catalog
        return {kind: self._dispatcher(kind) for kind in COMMAND_KINDS}

    def _dispatcher(self, kind: str) -> Handler:
        def dispatch(args: dict[str, Any]) -> dict[str, Any]:
            handler = self.handlers.get(kind)
            if handler is None:
                raise LookupError(f"unsupported command {kind} (the UI is not running)")
            return handler(args)

        return dispatch


def _faults_of(terminal: Any) -> list[Any]:
    """The faults the terminal still reports (kiosk/faults.py), read from their small file."""
    faults = getattr(terminal, "faults", None)
    try:
        return list(faults.active()) if faults is not None else []
    except Exception:  # a broken fault file must not cost the heartbeat
        return []
