"""The terminal ↔ fleet wire protocol: request signing and the heartbeat's allowed fields.

Shared by the fleet server and the terminal agent (stdlib only, no server dependencies).
Every terminal request carries ``X-Terminal-Id``, ``X-Timestamp`` (unix seconds) and
``X-Signature`` = hex HMAC-SHA256 over ``METHOD\\nPATH\\nTIMESTAMP\\nSHA256(body)`` with the
terminal's own secret, which it received once at enrolment.
"""

from __future__ import annotations

import hashlib
import hmac
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


def sign(secret: str, method: str, path: str, timestamp: int, body: bytes) -> str:
    """The hex signature of one request."""
    message = f"{method.upper()}\n{path}\n{timestamp}\n{body_digest(body)}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(
    terminal_id: str, secret: str, method: str, path: str, body: bytes, now: float | None = None
) -> dict[str, str]:
    """Headers that authenticate one request of ``terminal_id``."""
    ts = int(time.time() if now is None else now)
    return {
        "X-Terminal-Id": terminal_id,
        "X-Timestamp": str(ts),
        "X-Signature": sign(secret, method, path, ts, body),
    }


class SignatureError(Exception):
    """A request whose signature, timestamp or terminal id is not acceptable."""


def verify(
    secret: str,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    now: float | None = None,
) -> None:
    """Raise :class:`SignatureError` unless ``headers`` sign this request with ``secret``."""
    try:
        ts = int(headers.get("x-timestamp", ""))
    except ValueError as exc:
        raise SignatureError("missing or malformed X-Timestamp") from exc
    current = time.time() if now is None else now
    if abs(current - ts) > MAX_SKEW_S:
        raise SignatureError("timestamp outside the allowed window")
    given = headers.get("x-signature", "")
    if not hmac.compare_digest(given, sign(secret, method, path, ts, body)):
        raise SignatureError("bad signature")
