"""Cut a scanner's byte stream into codes at its line ending (CR, LF or CR LF).

The line ending is configured, or — the default, ``suffix = "auto"`` — detected from the
first code: a code ended by LF is LF; by CR followed by LF, CR LF; by CR followed by
anything else, CR. A code ended by CR is delivered at once, not held back until the next
byte shows whether an LF follows. Once known, the ending is fixed and the framer is
binary-safe (any byte except the ending may appear in a code).

It guards a maximum length (an over-long run is dropped up to the next ending, never
delivered in pieces), and discards a half code: bytes followed by silence instead of the
ending are thrown away by :meth:`LineFramer.poll`, never delivered. When that happens the
first time, :attr:`LineFramer.hint` says why it probably happened, once ("received 27 bytes
without CR LF — is the scanner set to CR?").
"""

from __future__ import annotations

import time
from collections.abc import Callable

SUFFIXES: dict[str, bytes] = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n"}
#: the configuration value that asks for detection
AUTO = "AUTO"
NAMES = {b"\r": "CR", b"\n": "LF", b"\r\n": "CR LF"}


def parse_suffix(value: str | bytes | None) -> bytes | None:
    """Accept ``"auto"`` (None: detect), ``"CR"``, ``"LF"``, ``"CRLF"`` / ``"CR LF"`` or the
    literal bytes / escapes."""
    if value is None:
        return None
    if isinstance(value, bytes):
        suffix = value
    else:
        key = value.strip().upper().replace(" ", "").replace("+", "")
        if key in ("", AUTO):
            return None
        if key in SUFFIXES:
            return SUFFIXES[key]
        suffix = value.encode("latin-1").decode("unicode_escape").encode("latin-1")
    if suffix not in SUFFIXES.values():
        raise ValueError(f"unsupported suffix {value!r} (use auto, CR, LF or CRLF)")
    return suffix


def mismatch_hint(dropped: bytes, suffix: bytes | None) -> str:
    """Why ``dropped`` (bytes never followed by the line ending) was probably lost."""
    expected = NAMES[suffix] if suffix else "CR, LF or CR LF"
    if b"\r" in dropped and b"\r\n" not in dropped and suffix != b"\r":
        guess = "CR"
    elif b"\n" in dropped and suffix != b"\n":
        guess = "LF"
    else:
        guess = "send a suffix (CR, LF or CR LF) after each code"
    return f"received {len(dropped)} bytes without {expected} — is the scanner set to {guess}?"


class LineFramer:
    """Feed bytes in, get complete codes out; call :meth:`poll` to expire half codes.

    ``suffix`` None detects the line ending from the first code (see the module docstring).
    """

    def __init__(
        self,
        suffix: bytes | None = None,
        max_length: int = 2048,
        silence_s: float = 0.3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if suffix is not None and suffix not in SUFFIXES.values():
            raise ValueError("suffix must be CR, LF or CR LF (or None to detect it)")
        if max_length < 1:
            raise ValueError("max_length must be positive")
        self.configured = suffix
        self.suffix = suffix
        self.max_length = max_length
        self.silence_s = silence_s
        self._clock = clock
        self._buffer = bytearray()
        self._skipping = False
        self._cr_pending = False  # detecting: a code just ended with CR; an LF may follow
        self._last_rx = 0.0
        self.hint = ""
        self._hinted = False
        self.frames = 0
        self.half_codes = 0
        self.overlong = 0
        self.empty = 0

    @property
    def pending(self) -> int:
        """Bytes waiting for their line ending."""
        return len(self._buffer)

    @property
    def suffix_name(self) -> str:
        """The line ending in use: "CR", "LF", "CR LF", or "auto" while still unknown."""
        return NAMES[self.suffix] if self.suffix else "auto"

    def feed(self, data: bytes) -> list[bytes]:
        """Append ``data``; return every code completed by it (line ending removed)."""
        if not data:
            return []
        self._last_rx = self._clock()
        out: list[bytes] = []
        if self.suffix is None:
            data = self._detect(data, out)
            if self.suffix is None:
                self._guard_length()
                return out
        self._buffer += data
        while True:
            index = self._buffer.find(self.suffix)
            if index < 0:
                break
            frame = bytes(self._buffer[:index])
            del self._buffer[: index + len(self.suffix)]
            self._frame(frame, out)
        self._guard_length()
        return out

    def _detect(self, data: bytes, out: list[bytes]) -> bytes:
        """Find the line ending in the first code; return the bytes left to frame."""
        if self._cr_pending:
            self._cr_pending = False
            self.suffix = b"\r\n" if data[:1] == b"\n" else b"\r"
            return data[1:] if self.suffix == b"\r\n" else data
        cr, lf = data.find(b"\r"), data.find(b"\n")
        if cr < 0 and lf < 0:
            self._buffer += data
            return b""
        if lf >= 0 and (cr < 0 or lf < cr):
            self.suffix = b"\n"
            return data
        self._frame(bytes(self._buffer + data[:cr]), out)
        self._buffer.clear()
        rest = data[cr + 1:]
        if not rest:
            self._cr_pending = True
            return b""
        self.suffix = b"\r\n" if rest[:1] == b"\n" else b"\r"
        return rest[1:] if self.suffix == b"\r\n" else rest

    def _frame(self, frame: bytes, out: list[bytes]) -> None:
        if self._skipping:
            self._skipping = False  # the tail of an over-long code
        elif not frame:
            self.empty += 1
        elif len(frame) > self.max_length:
            self.overlong += 1
        else:
            self.frames += 1
            out.append(frame)

    def _guard_length(self) -> None:
        # keep a possible partial line ending so that CR|LF split across reads still frames
        keep = len(self.suffix or b"\r\n") - 1
        if len(self._buffer) > self.max_length + keep:
            if not self._skipping:
                self.overlong += 1
            self._skipping = True
            tail = bytes(self._buffer[-keep:]) if keep else b""
            self._buffer = bytearray(tail)

    def poll(self, is_noise: Callable[[bytes], bool] | None = None) -> bytes | None:
        """Discard a half code after ``silence_s`` without bytes; return what was dropped.

        ``is_noise(dropped)`` may say the bytes were not a code at all (a command answer),
        so they are not counted as a half code. The first half code sets :attr:`hint`."""
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
            if not self._hinted:
                self._hinted = True
                self.hint = mismatch_hint(dropped, self.suffix)
        return dropped

    def take_hint(self) -> str:
        """The hint, once (then "")."""
        hint, self.hint = self.hint, ""
        return hint

    def reset(self) -> None:
        """Forget any partial input (after reopening the line); a detected line ending
        stays."""
        self._buffer.clear()
        self._skipping = False
        self._cr_pending = False

    def stats(self) -> dict[str, int | str]:
        """Counters for diagnostics, and the line ending in use."""
        return {
            "frames": self.frames,
            "half_codes_discarded": self.half_codes,
            "overlong_discarded": self.overlong,
            "empty_lines": self.empty,
            "suffix": self.suffix_name,
        }
