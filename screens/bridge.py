"""Device events to the screen on show: the event bus calls back on driver threads; the
bridge re-posts each event to Kivy's main thread and hands it to the current screen
(``on_code(payload, text)`` for scanned codes, classified by ``kiosk.payloads``;
``on_device_event(topic, payload)`` otherwise). It also switches QR reading on only where
a screen expects a code. The maintenance screen's fault history is the core's
(``kiosk.fault_history``), not the bridge's."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock

from kiosk.payloads import classify

log = logging.getLogger(__name__)
SCANNING_SCREENS = frozenset({"identify", "form", "progress", "evaluate"})


class DeviceBridge:
    """Subscribes to the bus for one app; :meth:`close` unsubscribes."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._scanning: bool | None = None
        self._commands: queue.SimpleQueue[Any] = queue.SimpleQueue()
        threading.Thread(target=self._run_commands, name="scan-switch", daemon=True).start()
        bus = app.terminal.bus
        self._unsubscribe: list[Callable[[], None]] = [
            bus.subscribe(topic, self._from_bus)
            for topic in ("idcard.*", "scanner.code", "printer.*")]

    def close(self) -> None:
        """Stop listening and the command worker."""
        self._commands.put(None)
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()

    def screen_entered(self, name: str) -> None:
        """Enable the scanner and camera QR reading on screens that expect a code.

        Only a change is sent, and on a worker thread: a serial command to the scanner
        must never hold up drawing the next screen."""
        on = name in SCANNING_SCREENS
        if on == self._scanning:
            return
        self._scanning = on
        devices = [d for n in ("scanner", "camera")
                   if (d := self.app.terminal.devices.get(n)) is not None]
        self._commands.put((on, devices))

    def _run_commands(self) -> None:
        while True:
            job = self._commands.get()
            if job is None:
                return
            on, devices = job
            for device in devices:
                try:
                    (device.enable if on else device.disable)()
                except Exception:  # a device fault is the driver's state event, not ours
                    log.warning("could not switch %s reading", "on" if on else "off")

    def _from_bus(self, topic: str, payload: Any) -> None:
        Clock.schedule_once(lambda _dt: self._deliver(topic, payload), 0)

    def _deliver(self, topic: str, payload: Any) -> None:
        screen = self.app.root.current_screen
        if topic == "scanner.code":
            self.app.visit.touch()
            handler = getattr(screen, "on_code", None)
            if handler is not None:
                handler(classify(payload.raw), payload.text)
            return
        handler = getattr(screen, "on_device_event", None)
        if handler is not None:
            handler(topic, payload)
