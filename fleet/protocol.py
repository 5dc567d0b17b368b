"""The terminal ↔ fleet wire protocol: request signing and the heartbeat's allowed fields.

Shared by the fleet server and the terminal agent (stdlib only, no server dependencies).
Every terminal request carries ``X-Terminal-Id``, ``X-Timestamp`` (unix seconds),
``X-Nonce`` (random, never reused) and ``X-Signature`` = hex HMAC-SHA256 over
``METHOD\\nPATH\\nTIMESTAMP\\nNONCE\\nSHA256(body)`` with the terminal's own secret, fixed
once at enrolment. The server remembers each nonce for the signature window, so a captured
request cannot be replayed (fleet/replay.py).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Mapping

API_PREFIX = "/api/v1"
HEARTBEAT_PATH = f"{API_PREFIX}/heartbeat"
ENROL_PATH = f"{API_PREFIX}/enrol"
SCREENSHOT_PATH = f"{API_PREFIX}/screenshot"
#: unauthenticated "I am refused" beacon: ``{"terminal_id", "reason"}`` and nothing else
REFUSED_PATH = f"{API_PREFIX}/refused"

#: why a terminal's signed requests are refused (401 answers carry one as ``reason``)
REFUSAL_REASONS = ("unknown_terminal", "bad_signature", "clock_skew", "other")

#: seconds a signed request stays valid (clock skew + retry window)
MAX_SKEW_S = 300

#: what the signature headers may look like (checked before any work is done)
TERMINAL_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,64}")
NONCE_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
SIGNATURE_RE = re.compile(r"[0-9a-fA-F]{64}")
TIMESTAMP_RE = re.compile(r"[0-9]{1,12}")

#: remote commands a terminal understands
COMMAND_KINDS = (
    "restart_app",
    "maintenance_on",
    "maintenance_off",
    "refresh_catalog",
    "screenshot",
    "reload_config",
    "update",          # args: version, sha256 (kiosk/update.py); the result is the outcome
)

#: faults a terminal reports for a day after they happen (kiosk/faults.py); each opens an
#: alert ``kind:subject`` whose detail names the cause
FAULT_KINDS = (
    "state_damaged",
    "state_missing",
    "outbox_quarantined",
    "refused_expired",
    "crash_loop",
    "update_failed",
)
FAULT_KEYS = frozenset({"kind", "subject", "detail", "at"})

#: the only keys a heartbeat may carry — nothing here can hold personal data
HEARTBEAT_KEYS = frozenset(
    {
        "seq",
        "ts",
        "app_version",
        "uptime_s",
        "screen",
        "maintenance",
        "paper",
        "devices",
        "counters",
        "faults",
    }
)
DEVICE_KEYS = frozenset({"state", "status", "model"})
PAPER_STATES = ("full", "low", "out", "jammed", "unknown")
COUNTER_KEYS = ("sessions", "journeys", "errors")


def body_digest(body: bytes) -> str:
    """Hex SHA-256 of a request body."""
    return hashlib.sha256(body).hexdigest()


def sign(secret: str, method: str, path: str, timestamp: int, nonce: str, body: bytes) -> str:
    """The hex signature of one request."""
    message = f"{method.upper()}\n{path}\n{timestamp}\n{nonce}\n{body_digest(body)}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def new_nonce() -> str:
    """A fresh request nonce (128 random bits)."""
    return secrets.token_hex(16)


def signed_headers(
    terminal_id: str, secret: str, method: str, path: str, body: bytes, now: float | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """Headers that authenticate one request of ``terminal_id``."""
    ts = int(time.time() if now is None else now)
    nonce = nonce or new_nonce()
    return {
        "X-Terminal-Id": terminal_id,
        "X-Timestamp": str(ts),
        "X-Nonce": nonce,
        "X-Signature": sign(secret, method, path, ts, nonce, body),
    }


class SignatureError(Exception):
    """A request whose signature, timestamp or terminal id is not acceptable."""


def _token(value: str | None, pattern: re.Pattern[str]) -> str | None:
    if value is None or not value.isascii() or not pattern.fullmatch(value):
        return None
    return value


def check_headers(headers: Mapping[str, str], now: float | None = None) -> tuple[str, int, str]:
    """``(terminal_id, timestamp, nonce)`` of well-formed, fresh signature headers.

    Checks only what needs no secret (format, freshness), so a request can be refused
    before its body is read; :func:`verify` then checks the signature itself.
    """
    terminal_id = _token(headers.get("x-terminal-id"), TERMINAL_ID_RE)
    if terminal_id is None:
        raise SignatureError("missing or malformed X-Terminal-Id")
    raw_ts = _token(headers.get("x-timestamp"), TIMESTAMP_RE)
    if raw_ts is None:
        raise SignatureError("missing or malformed X-Timestamp")
    ts = int(raw_ts)
    current = time.time() if now is None else now
    if abs(current - ts) > MAX_SKEW_S:
        raise SignatureError("timestamp outside the allowed window")
    nonce = _token(headers.get("x-nonce"), NONCE_RE)
    if nonce is None:
        raise SignatureError("missing or malformed X-Nonce")
    if _token(headers.get("x-signature"), SIGNATURE_RE) is None:
        raise SignatureError("missing or malformed X-Signature")
    return terminal_id, ts, nonce


def verify(
    secret: str,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    now: float | None = None,
) -> None:
    """Raise :class:`SignatureError` unless ``headers`` sign this request with ``secret``.

    Replays are not detected here (that needs the store): see fleet/replay.py.
    """
    _tid, ts, nonce = check_headers(headers, now)
    if not secret:
        raise SignatureError("bad signature")
    given = headers.get("x-signature", "").lower().encode("ascii")
    expected = sign(secret, method, path, ts, nonce, body).encode("ascii")
    if not hmac.compare_digest(given, expected):
        raise SignatureError("bad signature")
