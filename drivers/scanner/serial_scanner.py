"""Driver for a QR scanner module on a serial line (RS-232, USB-CDC, pty or TCP).

A reader thread owns the line: it frames codes at the line ending — configured, or detected
from the first code (``suffix = "auto"``, the default; CR, LF or CR LF) — strips the
module's command answers, drops codes read while no screen wants one, suppresses repeats,
and publishes each code as a :class:`~drivers.scanner.event.ScanEvent` on
``scanner.code``. When the line dies (cable pulled, peer closed) it publishes
``scanner.state`` (offline), reopens the same URL every ``reconnect_s`` and, once back,
publishes ``scanner.state`` (online) and restores the wanted enable state. Bytes that never
end with the line ending are dropped after a silence, and the first time that happens the
driver says why once (``scanner.notice`` and a log warning: "received 27 bytes without
CR LF — is the scanner set to CR?").
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import serial

from drivers.base import (
    Capabilities,
    CommandResult,
    Completion,
    Device,
    DeviceState,
    DeviceStateChanged,
    DeviceStatus,
)
from drivers.errors import ConfigError, DeviceError
from drivers.scanner.dedupe import Deduplicator
from drivers.scanner.event import CODE_TOPIC, NOTICE_TOPIC, STATE_TOPIC, ScanEvent, notice_event
from drivers.scanner.framing import LineFramer, parse_suffix
from drivers.scanner.profiles import ScannerProfile, check_mode, get_profile
from drivers.transport import open_serial

log = logging.getLogger(__name__)

Opener = Callable[[str, int, float], Any]


class SerialScanner(Device):
    """A serial QR scanner: ``enable()`` / ``disable()`` / ``trigger()`` plus the Device
    contract; codes arrive as ``scanner.code`` events on the bus."""

    device_class = "scanner"

    def __init__(
        self,
        url: str,
        bus: Any,
        *,
        baudrate: int = 9600,
        suffix: bytes | None = None,
        profile: ScannerProfile | str = "generic",
        mode: str = "continuous",
        dedupe_window_s: float = 1.5,
        max_length: int = 2048,
        silence_s: float = 0.3,
        reconnect_s: float = 0.5,
        name: str = "scanner",
        opener: Opener = open_serial,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        if not url:
            raise ConfigError("scanner: no url configured")
        self.url = url
        self.bus = bus
        self.baudrate = baudrate
        self.profile = get_profile(profile)
        self.mode = check_mode(self.profile, mode)
        self.name = name
        self.reconnect_s = reconnect_s
        self._opener = opener
        self._clock = clock
        self._wall = wall_clock
        self._framer = LineFramer(suffix, max_length=max_length, silence_s=silence_s, clock=clock)
        self._dedupe = Deduplicator(dedupe_window_s, clock=clock)
        self._port: Any = None
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._enabled = False
        self._ever_opened = False
        self._last_trigger = 0.0
        self._last_error = ""
        self._hint = ""
        self._counts = {"codes": 0, "duplicates": 0, "ignored_while_disabled": 0,
                        "answers": 0, "line_lost": 0, "reopened": 0, "bytes": 0}

    @classmethod
    def from_config(cls, config: Mapping[str, Any], bus: Any) -> SerialScanner:
        """Build from a ``[devices.scanner]`` section and open the line (loud on failure)."""
        try:
            scanner = cls(
                str(config.get("url", "")),
                bus,
                baudrate=int(config.get("baudrate", 9600)),
                suffix=parse_suffix(config.get("suffix", "auto")),
                profile=str(config.get("profile", "generic")),
                mode=str(config.get("mode", "continuous")),
                dedupe_window_s=float(config.get("dedupe_window_s", 1.5)),
                max_length=int(config.get("max_length", 2048)),
                silence_s=float(config.get("silence_s", 0.3)),
                name=str(config.get("name", "scanner")),
            )
        except ValueError as exc:
            raise ConfigError(f"scanner: {exc}") from exc
        scanner.start()
        return scanner

    # -- life cycle --------------------------------------------------------------------
    def start(self) -> None:
        """Open the line (raises DeviceOpenError), switch reading off, start the reader."""
        self._port = self._opener(self.url, self.baudrate, 0.05)
        self._ever_opened = True
        self._apply_enable_state()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"{self.name}-reader", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the reader thread and close the line."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        self._close_port()

    # -- command surface ---------------------------------------------------------------
    def enable(self) -> CommandResult[None]:
        """A screen wants a code: start reading (trigger or scanning on)."""
        self._enabled = True
        self._dedupe.clear()
        return self._send(self.profile.enable_command(self.mode), "enable")

    def disable(self) -> CommandResult[None]:
        """No screen wants a code: stop reading; codes that still arrive are ignored."""
        self._enabled = False
        return self._send(self.profile.disable_command(self.mode), "disable")

    def trigger(self) -> CommandResult[None]:
        """Start one read now (triggered mode only)."""
        if not self.profile.trigger:
            return CommandResult.failure(Completion.UNSUPPORTED, "profile has no trigger")
        return self._send(self.profile.trigger, "trigger")

    @property
    def enabled(self) -> bool:
        """Whether codes are currently wanted."""
        return self._enabled

    # -- Device contract ---------------------------------------------------------------
    def status(self) -> DeviceStatus:
        """online with scanner on/off, offline while the line is down."""
        if self._port is None:
            state = DeviceState.OFFLINE if self._ever_opened else DeviceState.NO_DEVICE
            return DeviceStatus(state, {"scanner": "inoperative"}, self._last_error)
        return DeviceStatus(DeviceState.ONLINE, {"scanner": "on" if self._enabled else "off",
                                                 "mode": self.mode})

    def capabilities(self) -> Capabilities:
        """Profile, modes and framing facts."""
        return Capabilities("scanner", self.profile.name, {
            "modes": [m for m in ("continuous", "triggered") if self.profile.supports(m)],
            "can_disable": bool(self.profile.scanning_off or self.profile.stop),
            "suffix": self._framer.suffix_name,
            "max_length": self._framer.max_length,
        })

    def diagnostics(self) -> dict[str, Any]:
        """Line settings and counters; never the content of a code."""
        return {
            "url": self.url, "baudrate": self.baudrate, "profile": self.profile.name,
            "mode": self.mode, "enabled": self._enabled, "connected": self._port is not None,
            "last_error": self._last_error, "hint": self._hint, **self._counts,
            **self._framer.stats(),
        }

    def reset(self) -> CommandResult[None]:
        """Forget partial input and repeats; re-send the wanted enable state."""
        self._framer.reset()
        self._dedupe.clear()
        if self._port is None:
            return CommandResult.failure(Completion.DEVICE_NOT_READY, "scanner line is down")
        return self._apply_enable_state()

    # -- internals ---------------------------------------------------------------------
    def _apply_enable_state(self) -> CommandResult[None]:
        if self.mode == "triggered" and self.profile.triggered_setup:
            self._send(self.profile.triggered_setup, "mode setup")
        return self.enable() if self._enabled else self.disable()

    def _send(self, command: bytes, what: str) -> CommandResult[None]:
        if command == self.profile.trigger and command:
            self._last_trigger = self._clock()
        if not command:
            return CommandResult.success()
        port = self._port
        if port is None:
            return CommandResult.failure(Completion.DEVICE_NOT_READY, f"{what}: line is down")
        try:
            with self._write_lock:
                port.write(command)
                port.flush()
        except (serial.SerialException, OSError) as exc:
            self._last_error = f"{what} failed: {exc}"
            return CommandResult.failure(Completion.HARDWARE_ERROR, self._last_error)
        return CommandResult.success()

    def _run(self) -> None:
        while not self._stop.is_set():
            port = self._port
            if port is None:
                if self._stop.wait(self.reconnect_s):
                    return
                self._reopen()
                continue
            try:
                data = port.read(max(1, port.in_waiting))
            except (serial.SerialException, OSError, TypeError, AttributeError) as exc:
                if self._stop.is_set():
                    return
                self._line_lost(str(exc))
                continue
            if data:
                self._counts["bytes"] += len(data)
                for line in self._framer.feed(data):
                    self._on_line(line)
            dropped = self._framer.poll(self.profile.is_answer)
            if dropped:     # an answer that arrived alone (no code after it) still counts
                self._counts["answers"] += self.profile.strip_answers(dropped)[1]
                self._advise(self._framer.take_hint())
            self._maybe_retrigger()

    def _on_line(self, line: bytes) -> None:
        line, answers = self.profile.strip_answers(line)
        self._counts["answers"] += answers
        if not line:
            return
        if not self._enabled:
            self._counts["ignored_while_disabled"] += 1
            return
        if self.mode == "triggered":
            self._send(self.profile.trigger, "re-trigger")  # the module ended its read
        if not self._dedupe.accept(line):
            self._counts["duplicates"] += 1
            return
        self._counts["codes"] += 1
        self.bus.publish(CODE_TOPIC, ScanEvent.from_raw(line, self.name, self._wall()))

    def _advise(self, hint: str) -> None:
        """Tell the technician once why bytes were lost (a line-ending mismatch …)."""
        if hint:
            self._hint = hint
            log.warning("%s: %s", self.name, hint)
            self.bus.publish(NOTICE_TOPIC, notice_event(self.name, hint))

    def _maybe_retrigger(self) -> None:
        if (self._enabled and self.mode == "triggered"
                and self._clock() - self._last_trigger >= self.profile.retrigger_s):
            self._send(self.profile.trigger, "re-trigger")

    def _line_lost(self, reason: str) -> None:
        self._counts["line_lost"] += 1
        self._last_error = f"line lost: {reason}"
        log.warning("%s: %s", self.name, self._last_error)
        self._close_port()
        self._framer.reset()
        self._publish_state(DeviceState.OFFLINE, self._last_error)

    def _reopen(self) -> None:
        try:
            port = self._opener(self.url, self.baudrate, 0.05)
        except DeviceError as exc:
            self._last_error = str(exc)
            return
        self._port = port
        self._counts["reopened"] += 1
        self._last_error = ""
        self._apply_enable_state()
        self._publish_state(DeviceState.ONLINE, "line back")

    def _close_port(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                port.close()

    def _publish_state(self, state: DeviceState, message: str) -> None:
        self.bus.publish(STATE_TOPIC, DeviceStateChanged(
            "scanner", state, message, details={"enabled": self._enabled}))
