"""Cut a scanner's byte stream into codes at a configurable suffix (CR, LF or CR LF).

The framer is binary-safe (any byte except the suffix may appear in a code), guards a
maximum length (an over-long run is dropped up to the next suffix, never delivered in
pieces), and discards a half code: bytes that are followed by silence instead of the
suffix are thrown away by :meth:`LineFramer.poll`, never delivered.
"""

from __future__ import annotations

import time
from collections.abc import Callable

SUFFIXES: dict[str, bytes] = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n"}


def parse_suffix(value: str | bytes) -> bytes:
    """Accept ``"CR"``, ``"LF"``, ``"CRLF"`` / ``"CR LF"`` or the literal bytes / escapes."""
    if isinstance(value, bytes):
        suffix = value
    else:
        key = value.strip().upper().replace(" ", "").replace("+", "")
        if key in SUFFIXES:
            return SUFFIXES[key]
        suffix = value.encode("latin-1").decode("unicode_escape").encode("latin-1")
    if suffix not in SUFFIXES.values():
        raise ValueError(f"unsupported suffix {value!r} (use CR, LF or CRLF)")
    return suffix


class LineFramer:
    """Feed bytes in, get complete codes out; call :meth:`poll` to expire half codes."""

    def __init__(
        self,
        suffix: bytes = b"\r\n",
        max_length: int = 2048,
        silence_s: float = 0.3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not suffix:
            raise ValueError("suffix must not be empty")
        if max_length < 1:
            raise ValueError("max_length must be positive")
        self.suffix = suffix
        self.max_length = max_length
        self.silence_s = silence_s
        self._clock = clock
        self._buffer = bytearray()
        self._skipping = False
        self._last_rx = 0.0
        self.frames = 0
        self.half_codes = 0
        self.overlong = 0
        self.empty = 0

    @property
    def pending(self) -> int:
        """Bytes waiting for their suffix."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[bytes]:
        """Append ``data``; return every code completed by it (suffix removed)."""
        if not data:
            return []
        self._last_rx = self._clock()
        self._buffer += data
        out: list[bytes] = []
        while True:
            index = self._buffer.find(self.suffix)
            if index < 0:
                break
            frame = bytes(self._buffer[:index])
            del self._buffer[: index + len(self.suffix)]
            if self._skipping:
                self._skipping = False  # the tail of an over-long code
                continue
            if not frame:
                self.empty += 1
            elif len(frame) > self.max_length:
                self.overlong += 1
            else:
                self.frames += 1
                out.append(frame)
        self._guard_length()
        return out

    def _guard_length(self) -> None:
        # keep a possible partial suffix at the end so CR|LF split across reads still frames
        keep = len(self.suffix) - 1
        if len(self._buffer) > self.max_length + keep:
            if not self._skipping:
                self.overlong += 1
            self._skipping = True
            tail = bytes(self._buffer[-keep:]) if keep else b""
            self._buffer = bytearray(tail)

    def poll(self, is_noise: Callable[[bytes], bool] | None = None) -> bytes | None:
        """Discard a half code after ``silence_s`` without bytes; return what was dropped.

        ``is_noise(dropped)`` may say the bytes were not a code at all (a command answer),
        so they are not counted as a half code."""
        if not self._buffer and not self._skipping:
            return None
        if self._clock() - self._last_rx < self.silence_s:
            return None
        dropped = bytes(self._buffer)
        self._buffer.clear()
        if self._skipping:
            self._skipping = False
        elif dropped and not (is_noise is not None and is_noise(dropped)):
            self.half_codes += 1
        return dropped

    def reset(self) -> None:
        """Forget any partial input (after reopening the line)."""
        self._buffer.clear()
        self._skipping = False

    def stats(self) -> dict[str, int]:
        """Counters for diagnostics."""
        return {
            "frames": self.frames,
            "half_codes_discarded": self.half_codes,
            "overlong_discarded": self.overlong,
            "empty_lines": self.empty,
        }
