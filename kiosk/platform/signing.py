"""Per-terminal request signing (HMAC-SHA256), shared by the client and the simulator.

Every request to the platform carries four headers::

    X-EBT-Terminal:  terminal id, e.g. KM-DEMO-0001
    X-EBT-Timestamp: unix seconds (integer) when the request was signed
    X-EBT-Nonce:     a random hex string, never reused within the freshness window
    X-EBT-Signature: hex HMAC-SHA256(secret, canonical string)

The canonical string joins, with ``\\n``: upper-case method, the raw path with its query
string exactly as sent (``/v1/catalog?since_version=3``), the timestamp, the nonce and the
hex SHA-256 of the body (of the empty string when there is none). The verifier (see
:class:`NonceWindow` and :func:`verify`) rejects unknown terminals, bad signatures, stale
timestamps and replayed nonces.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

HEADER_TERMINAL = "X-EBT-Terminal"
HEADER_TIMESTAMP = "X-EBT-Timestamp"
HEADER_NONCE = "X-EBT-Nonce"
HEADER_SIGNATURE = "X-EBT-Signature"

DEFAULT_MAX_SKEW_S = 300

# what the headers may look like (checked before anything else; ASCII only)
_NONCE = re.compile(r"[A-Za-z0-9_-]{8,64}")
_SIGNATURE = re.compile(r"[0-9a-fA-F]{64}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


def canonical_string(method: str, path_qs: str, timestamp: str, nonce: str, body: bytes) -> str:
    """The text that is signed: method, path+query, timestamp, nonce, body digest."""
    digest = hashlib.sha256(body or b"").hexdigest()
    return "\n".join([method.upper(), path_qs, timestamp, nonce, digest])


def signature(secret: str, method: str, path_qs: str, timestamp: str, nonce: str,
              body: bytes) -> str:
    """Hex HMAC-SHA256 of the canonical string under ``secret``."""
    text = canonical_string(method, path_qs, timestamp, nonce, body)
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def sign_headers(terminal_id: str, secret: str, method: str, path_qs: str, body: bytes,
                 now: float | None = None, nonce: str | None = None) -> dict[str, str]:
    """Return the four signature headers for one request."""
    ts = str(int(time.time() if now is None else now))
    nonce = nonce or secrets.token_hex(12)
    return {
        HEADER_TERMINAL: terminal_id,
        HEADER_TIMESTAMP: ts,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: signature(secret, method, path_qs, ts, nonce, body),
    }


class SignatureRejected(Exception):
    """The verifier refused a request; ``reason`` is a short machine-readable code."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NonceWindow:
    """Remembers nonces seen within the freshness window so replays are refused."""

    def __init__(self, max_skew_s: float = DEFAULT_MAX_SKEW_S) -> None:
        self.max_skew_s = max_skew_s
        self._seen: dict[tuple[str, str], float] = {}
        self._lock = threading.Lock()

    def check_and_add(self, terminal_id: str, nonce: str, now: float) -> bool:
        """True if the nonce is fresh (and record it); False if it was already used."""
        with self._lock:
            if len(self._seen) > 10000:
                horizon = now - 2 * self.max_skew_s
                self._seen = {k: t for k, t in self._seen.items() if t >= horizon}
            key = (terminal_id, nonce)
            if key in self._seen:
                return False
            self._seen[key] = now
            return True


@dataclass(frozen=True)
class Verified:
    """A request that passed verification."""

    terminal_id: str


def precheck(headers: Mapping[str, str], secrets_by_terminal: Mapping[str, str],
             nonces: NonceWindow, now: float | None = None) -> None:
    """What can be refused before the body is read: missing or malformed headers, an unknown
    terminal, a stale timestamp (:class:`SignatureRejected`)."""
    now = time.time() if now is None else now
    terminal = headers.get(HEADER_TERMINAL, "")
    ts = headers.get(HEADER_TIMESTAMP, "")
    nonce = headers.get(HEADER_NONCE, "")
    sig = headers.get(HEADER_SIGNATURE, "")
    if not (terminal and ts and nonce and sig):
        raise SignatureRejected("missing_signature")
    if not all(v.isascii() for v in (terminal, ts, nonce, sig)):
        raise SignatureRejected("malformed_signature")
    if not (_NONCE.fullmatch(nonce) and _SIGNATURE.fullmatch(sig) and len(terminal) <= 64):
        raise SignatureRejected("malformed_signature")
    if terminal not in secrets_by_terminal:
        raise SignatureRejected("unknown_terminal")
    if not _TIMESTAMP.fullmatch(ts):
        raise SignatureRejected("bad_timestamp")
    if abs(now - int(ts)) > nonces.max_skew_s:
        raise SignatureRejected("stale_timestamp")


def verify(headers: Mapping[str, str], method: str, path_qs: str, body: bytes,
           secrets_by_terminal: Mapping[str, str], nonces: NonceWindow,
           now: float | None = None) -> Verified:
    """Check a request's signature headers; raise :class:`SignatureRejected` if bad."""
    now = time.time() if now is None else now
    terminal = headers.get(HEADER_TERMINAL, "")
    ts = headers.get(HEADER_TIMESTAMP, "")
    nonce = headers.get(HEADER_NONCE, "")
    sig = headers.get(HEADER_SIGNATURE, "")
    if not (terminal and ts and nonce and sig):
        raise SignatureRejected("missing_signature")
    if not all(v.isascii() for v in (terminal, ts, nonce, sig)):
        raise SignatureRejected("malformed_signature")  # never a TypeError in compare_digest
    if not (_NONCE.fullmatch(nonce) and _SIGNATURE.fullmatch(sig) and len(terminal) <= 64):
        raise SignatureRejected("malformed_signature")
    secret = secrets_by_terminal.get(terminal)
    if secret is None:
        raise SignatureRejected("unknown_terminal")
    if not _TIMESTAMP.fullmatch(ts):
        raise SignatureRejected("bad_timestamp")
    ts_value = int(ts)
    if abs(now - ts_value) > nonces.max_skew_s:
        raise SignatureRejected("stale_timestamp")
    expected = signature(secret, method, path_qs, ts, nonce, body)
    if not hmac.compare_digest(expected.encode("ascii"), sig.lower().encode("ascii")):
        raise SignatureRejected("bad_signature")
    if not nonces.check_and_add(terminal, nonce, now):
        raise SignatureRejected("replayed_nonce")
    return Verified(terminal)
