"""A serial QR scanner module, simulated byte for byte behind a pty and a TCP port.

``ScannerSimulator(baudrate=9600, suffix="\\r\\n", profile="generic")``; ``start()`` returns
``{"tcp": "socket://127.0.0.1:PORT", "pty": "/dev/pts/N"}``. ``emit(code)`` holds a code in
front of the module: it is sent (with the suffix, paced at the baud rate) at once if the
module is reading, or as soon as the host triggers / switches scanning on (within
``hold_s``). The host's trigger and enable commands follow the vendor profile
(:mod:`simulator.scanner.commands`). Faults: ``garbage`` (a line of random bytes before
each code), ``half_code`` (only the first half of each code, then silence),
``duplicates`` (each code sent ``count`` times in a burst), ``unplug`` (the line dies until
``clear_faults()`` / ``replug()``).
"""

from __future__ import annotations

import random
import threading
import time

from simulator.link import SerialLink
from simulator.scanner.commands import PARSERS

FAULTS = ("garbage", "half_code", "duplicates", "unplug")
_SUFFIXES = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n", "CR LF": b"\r\n"}


class ScannerSimulator:
    """The simulated module; it is the :class:`~simulator.link.LinkDevice` of its link."""

    def __init__(
        self,
        baudrate: int = 9600,
        suffix: str | bytes = "\r\n",
        profile: str = "generic",
        scanning: bool = True,
        hold_s: float = 30.0,
        seed: int = 0,
    ) -> None:
        if profile not in PARSERS:
            raise ValueError(f"unknown profile {profile!r} (known: {', '.join(PARSERS)})")
        if isinstance(suffix, str):
            suffix = _SUFFIXES.get(suffix.upper(), suffix.encode("latin-1"))
        self.suffix = suffix
        self.profile = profile
        self.hold_s = hold_s
        self.link = SerialLink(self, baudrate=baudrate, name="scanner-sim")
        self._parse = PARSERS[profile]
        self._rx = b""
        self._lock = threading.RLock()
        self._scan_on = scanning or profile == "generic"  # power-on: presentation mode
        self._armed = False
        self._held: tuple[bytes, float] | None = None
        self._faults: dict[str, int] = {}
        self._random = random.Random(seed)
        self.commands_seen: list[str] = []
        self.sent_codes = 0

    # -- life cycle --------------------------------------------------------------------
    def start(self, tcp_port: int = 0, pty: bool = True) -> dict[str, str]:
        """Open the endpoints; return their URLs (``tcp`` always, ``pty`` when asked)."""
        urls = {"tcp": self.link.serve_tcp(port=tcp_port)}
        if pty:
            urls["pty"] = self.link.open_pty()
        return urls

    def stop(self) -> None:
        """Close every endpoint (safe to call twice)."""
        self.link.close()

    # -- control -----------------------------------------------------------------------
    @property
    def reading(self) -> bool:
        """Whether a code shown now would be read at once."""
        return self._scan_on or self._armed

    @property
    def connected(self) -> bool:
        """Whether a host is on the line (a TCP client connected, or the pty open)."""
        return self.link.plugged and (bool(self.link._clients) or self.link.pty_path is not None)

    def emit(self, code: str | bytes) -> str:
        """Show ``code`` to the module; returns ``"sent"`` or ``"held"`` (not reading)."""
        raw = code.encode("utf-8") if isinstance(code, str) else bytes(code)
        with self._lock:
            if not self.reading:
                self._held = (raw, time.monotonic())
                return "held"
            self._armed = False
        self._transmit(raw)
        return "sent"

    def set_fault(self, name: str, count: int = 3) -> None:
        """Inject a fault (see module docstring); ``count`` is the duplicate burst size."""
        if name not in FAULTS:
            raise ValueError(f"unknown scanner fault {name!r} (known: {', '.join(FAULTS)})")
        self._faults[name] = count
        if name == "unplug":
            self.link.unplug()

    def clear_faults(self) -> None:
        """Remove every fault and plug the line back in."""
        self._faults.clear()
        self.replug()

    def unplug(self) -> None:
        """Pull the cable."""
        self.set_fault("unplug")

    def replug(self) -> None:
        """Plug the cable back in (the TCP port stays, the pty path changes)."""
        self._faults.pop("unplug", None)
        if not self.link.plugged:
            self.link.replug()

    def send_garbage(self, length: int = 16, with_suffix: bool = True) -> bytes:
        """Send random bytes (a misread or line noise); returns what was sent."""
        noise = bytes(self._random.randrange(256) for _ in range(length))
        noise = noise.replace(self.suffix[-1:], b"?")
        self.link.send(noise + (self.suffix if with_suffix else b""))
        return noise

    # -- the wire ----------------------------------------------------------------------
    def on_data(self, data: bytes, link: SerialLink) -> None:
        """Commands from the host: update the reading state and answer as the module does."""
        with self._lock:
            self._rx += data
            answers = b""
            while self._rx:
                actions, answer, consumed = self._parse(self._rx)
                if consumed == 0:
                    break
                self._rx = self._rx[consumed:]
                answers += answer
                for action in actions:
                    self._apply(action)
            if answers:     # answered before the lock goes, as a module acknowledges a
                link.send(answers)  # command before it reads: no code can come first
            held = self._take_held()
        if held is not None:
            self._transmit(held)

    def _apply(self, action: str) -> None:
        self.commands_seen.append(action)
        if action == "arm":
            self._armed = True
        elif action == "disarm":
            self._armed = False
        elif action == "scan_on":
            self._scan_on = True
        elif action == "scan_off":
            self._scan_on = False
            self._armed = False

    def _take_held(self) -> bytes | None:
        if self._held is None or not self.reading:
            return None
        raw, shown = self._held
        self._held = None
        if time.monotonic() - shown > self.hold_s:
            return None
        self._armed = False
        return raw

    def _transmit(self, raw: bytes) -> None:
        if "unplug" in self._faults:
            return
        if "garbage" in self._faults:
            self.send_garbage()
        if "half_code" in self._faults:
            self.link.send(raw[: max(1, len(raw) // 2)])
            return
        repeats = max(1, self._faults.get("duplicates", 1))
        self.link.send((raw + self.suffix) * repeats)
        self.sent_codes += repeats
