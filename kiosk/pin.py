"""The operator PIN: stored as a scrypt hash, checked in constant time, throttled.

:func:`hash_pin` gives ``scrypt$<log2 n>$<r>$<p>$<salt b64>$<hash b64>`` — the form kept in
the secrets file (``operator-pin-hash``; ``python -m kiosk pin hash`` prints one). A PIN of
4–12 digits has at most 10^12 values, so the hash alone is not the defence: scrypt makes
each guess cost ~50 ms of CPU and 16 MiB, and :class:`PinGuard` locks the keypad after
``free_tries`` wrong PINs for ``lock_s`` seconds, doubling with every further wrong one up
to ``max_lock_s``. The counter lives in a small 0600 file, so restarting the terminal does
not reset it; a right PIN does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.storage import write_private

LOG2_N, R, P = 14, 8, 1                 # 16 MiB, ~50 ms on a terminal's CPU
PREFIX = "scrypt"


def hash_pin(pin: str, *, log2_n: int = LOG2_N, salt: bytes | None = None) -> str:
    """The storable hash of ``pin``."""
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=2 ** log2_n, r=R, p=P, dklen=32,
                            maxmem=64 * 1024 * 1024)
    b64 = base64.b64encode
    return f"{PREFIX}${log2_n}${R}${P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_pin(pin: str, stored: str) -> bool:
    """True when ``pin`` matches ``stored`` (a malformed hash matches nothing)."""
    try:
        kind, log2_n, r, p, salt, digest = stored.split("$")
        if kind != PREFIX:
            return False
        want = base64.b64decode(digest)
        got = hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt), n=2 ** int(log2_n),
                             r=int(r), p=int(p), dklen=len(want), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


@dataclass(frozen=True)
class PinResult:
    """The outcome of one try: ``ok``, or the seconds the keypad stays locked."""

    ok: bool
    locked_for_s: float = 0.0


class PinGuard:
    """Checks PINs against one hash with persistent throttling (module docstring)."""

    def __init__(self, stored_hash: str, state_path: str | Path, *, free_tries: int = 3,
                 lock_s: float = 30.0, max_lock_s: float = 900.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.stored_hash = stored_hash
        self.state_path = Path(state_path)
        self.free_tries = free_tries
        self.lock_s = lock_s
        self.max_lock_s = max_lock_s
        self._clock = clock
        self._lock = threading.Lock()

    def locked_for(self) -> float:
        """Seconds until the next try is accepted (0: now)."""
        _failures, until = self._read()
        return max(0.0, until - self._clock())

    def check(self, pin: str) -> PinResult:
        """Try ``pin``: refused unchecked while locked; a wrong one counts."""
        with self._lock:
            failures, until = self._read()
            now = self._clock()
            if until > now:
                return PinResult(False, until - now)
            if self.stored_hash and verify_pin(pin, self.stored_hash):
                self._write(0, 0.0)
                return PinResult(True)
            failures += 1
            wait = 0.0
            if failures >= self.free_tries:
                wait = min(self.max_lock_s, self.lock_s * 2 ** (failures - self.free_tries))
            self._write(failures, now + wait)
            return PinResult(False, wait)

    def _read(self) -> tuple[int, float]:
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
            return int(data["failures"]), float(data["until"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0, 0.0

    def _write(self, failures: int, until: float) -> None:
        write_private(self.state_path, json.dumps({"failures": failures, "until": until}))
