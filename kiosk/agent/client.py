"""HTTP client of the fleet server for one terminal: enrolment, signed heartbeats, screenshots.

Network failures and 5xx answers raise :class:`FleetUnavailable` (try again later, keep the
data); 4xx answers raise :class:`FleetRejected` (the request itself is wrong or the terminal
is not enrolled — retrying the same bytes will not help).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from fleet.protocol import (
    ENROL_PATH,
    HEARTBEAT_PATH,
    REFUSED_PATH,
    SCREENSHOT_PATH,
    signed_headers,
)

DEFAULT_TIMEOUT = (3.05, 15.0)


class FleetUnavailable(Exception):
    """The fleet server could not be reached or failed; keep the data and retry later."""


class FleetRejected(Exception):
    """The fleet server refused the request (4xx)."""

    def __init__(self, status: int, message: str, reason: str = "") -> None:
        super().__init__(f"fleet server refused the request ({status}): {message}")
        self.status = status
        self.message = message
        self.reason = reason  # machine-readable cause of a 401 (fleet.protocol.REFUSAL_REASONS)


@dataclass(frozen=True)
class Credentials:
    """A terminal's identity at the fleet server."""

    terminal_id: str
    secret: str

    def save(self, path: str | Path) -> None:
        """Write the credentials to ``path`` readable by the owner only."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"terminal_id": self.terminal_id, "secret": self.secret}, f)

    @classmethod
    def load(cls, path: str | Path) -> Credentials:
        """Read credentials written by :meth:`save` (ValueError when unusable)."""
        try:
            data = json.loads(Path(path).read_text())
            return cls(str(data["terminal_id"]), str(data["secret"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"cannot read terminal credentials from {path}: {exc}") from exc


def _answer(resp: requests.Response) -> dict[str, Any]:
    if resp.status_code >= 500:
        raise FleetUnavailable(f"fleet server error {resp.status_code}")
    try:
        body = resp.json()
    except ValueError as exc:
        raise FleetUnavailable(f"fleet server sent no JSON (HTTP {resp.status_code})") from exc
    if resp.status_code >= 400:
        message = body.get("error") or body.get("detail") if isinstance(body, dict) else None
        reason = body.get("reason") if isinstance(body, dict) else ""
        raise FleetRejected(resp.status_code, str(message or body), str(reason or ""))
    if not isinstance(body, dict):
        raise FleetUnavailable("fleet server answer is not an object")
    return body


class EnrolmentPending(FleetRejected):
    """The id is already enrolled: the server parked a re-enrolment for an operator's
    approval (HTTP 202). ``credentials`` (with the secret this terminal proposed) work once
    approved. A :class:`FleetRejected`, so callers that only know that one stop cleanly."""

    def __init__(self, credentials: Credentials, request_id: int | None) -> None:
        super().__init__(202, f"{credentials.terminal_id} is already enrolled; re-enrolment "
                         f"waits for an operator's approval (request #{request_id})")
        self.credentials = credentials
        self.request_id = request_id


def enrol(server: str, token: str, terminal_id: str, name: str = "", district: str = "",
          address: str = "", timeout: Any = DEFAULT_TIMEOUT,
          session: requests.Session | None = None) -> Credentials:
    """Enrol ``terminal_id`` with an enrolment token; return its credentials.

    The terminal makes its own 256-bit secret and sends it once (the server stores it
    sealed). An id that is already enrolled raises :class:`EnrolmentPending` (an operator
    must approve) unless the token was issued for this id.
    """
    secret = secrets.token_hex(32)
    http = session or requests.Session()
    try:
        resp = http.post(server.rstrip("/") + ENROL_PATH, timeout=timeout, json={
            "token": token, "terminal_id": terminal_id, "secret": secret, "name": name,
            "district": district, "address": address})
    except requests.RequestException as exc:
        raise FleetUnavailable(
            f"cannot reach fleet server {server}: {type(exc).__name__}") from exc
    body = _answer(resp)
    if resp.status_code == 202 or body.get("status") == "pending":
        raise EnrolmentPending(Credentials(terminal_id, secret), body.get("request_id"))
    return Credentials(terminal_id, str(body.get("secret") or secret))


class FleetClient:
    """Signed requests of one enrolled terminal."""

    def __init__(self, server: str, credentials: Credentials,
                 session: requests.Session | None = None, timeout: Any = DEFAULT_TIMEOUT) -> None:
        self._server = server.rstrip("/")
        self._cred = credentials
        self._http = session or requests.Session()
        self._timeout = timeout

    @property
    def terminal_id(self) -> str:
        """The terminal this client speaks for."""
        return self._cred.terminal_id

    def _post(self, path: str, body: bytes, content_type: str) -> dict[str, Any]:
        headers = signed_headers(self._cred.terminal_id, self._cred.secret, "POST", path, body)
        headers["Content-Type"] = content_type
        try:
            resp = self._http.post(self._server + path, data=body, headers=headers,
                                   timeout=self._timeout)
        except requests.RequestException as exc:
            raise FleetUnavailable(f"cannot reach fleet server: {type(exc).__name__}") from exc
        return _answer(resp)

    def heartbeat(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Send heartbeats/usage/results; return the answer (``commands``, ``interval`` …)."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        return self._post(HEARTBEAT_PATH, body, "application/json")

    def upload_screenshot(self, png: bytes) -> int:
        """Upload a PNG screenshot; return its id at the server."""
        return int(self._post(SCREENSHOT_PATH, png, "image/png")["screenshot_id"])

    def report_refused(self, reason: str) -> None:
        """Send the unauthenticated "I am refused" beacon (terminal id and reason only).

        Best effort: the server may rate-limit it (429) or be unreachable; nothing is raised.
        """
        with contextlib.suppress(requests.RequestException):
            self._http.post(self._server + REFUSED_PATH, timeout=self._timeout,
                            json={"terminal_id": self._cred.terminal_id, "reason": reason})

    def close(self) -> None:
        """Close the HTTP session."""
        self._http.close()
