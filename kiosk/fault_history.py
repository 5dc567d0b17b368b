"""The recent device faults and recoveries an operator sees on the maintenance screen.

:class:`FaultHistory` listens on the bus to every ``<device>.state`` event (one typed
payload, :class:`~drivers.base.DeviceStateChanged`, for all devices) and to failed prints,
and keeps the last entries in memory: the time, the device, its new state and the driver's
message. An unplug shows as the device going offline, a replug as it coming back online.
Nothing personal is kept: device messages and completion codes only.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from common.events import EventBus
from drivers.base import DeviceState, DeviceStateChanged

STATE_PATTERN = "*.state"
PRINT_FAILED = "journey.print_failed"


@dataclass(frozen=True)
class FaultEntry:
    """One line of the history."""

    at: float
    device: str
    state: str
    message: str = ""

    @property
    def recovered(self) -> bool:
        """True when this entry is a device coming back."""
        return self.state == DeviceState.ONLINE.value

    def line(self) -> str:
        """``14:02:11 printer offline: connection refused``, for the operator's list."""
        stamp = time.strftime("%H:%M:%S", time.localtime(self.at))
        tail = f": {self.message}" if self.message else ""
        return f"{stamp} {self.device} {self.state}{tail}"


class FaultHistory:
    """Keeps the last ``size`` device state changes and print failures."""

    def __init__(self, bus: EventBus, size: int = 30,
                 clock: Callable[[], float] = time.time) -> None:
        self._entries: deque[FaultEntry] = deque(maxlen=size)
        self._lock = threading.Lock()
        self._clock = clock
        self._seen_down: set[str] = set()
        self._unsubscribe = [bus.subscribe(STATE_PATTERN, self._on_state),
                             bus.subscribe(PRINT_FAILED, self._on_print_failed)]

    def entries(self) -> list[FaultEntry]:
        """Oldest first."""
        with self._lock:
            return list(self._entries)

    def close(self) -> None:
        """Stop listening."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()

    def _on_state(self, _topic: str, event: Any) -> None:
        if not isinstance(event, DeviceStateChanged):
            return
        if event.state is DeviceState.ONLINE:
            # "online" is news only after the device was down (a replug, a line back)
            if event.device not in self._seen_down:
                return
            self._seen_down.discard(event.device)
        elif event.state is not DeviceState.STARTING:
            self._seen_down.add(event.device)
        else:
            return
        self._add(FaultEntry(event.timestamp, event.device, event.state.value,
                             " ".join(event.message.split())[:120]))

    def _on_print_failed(self, _topic: str, payload: Any) -> None:
        completion = payload.get("completion", "") if isinstance(payload, dict) else ""
        self._add(FaultEntry(self._clock(), "printer", "print_failed", str(completion)))

    def _add(self, entry: FaultEntry) -> None:
        with self._lock:
            self._entries.append(entry)
