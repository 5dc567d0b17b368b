"""One exception tree for everything that can go wrong talking to the platform.

::

    PlatformError
    ├── NetworkError            no answer: refused, reset, DNS, unreachable
    │   └── PlatformTimeout     connect or read timeout
    ├── AuthError               401: the terminal's signature was refused
    ├── RequestRejected         4xx: the platform refused this request
    │   ├── IdentityRejected    403: face check failed, bad / expired identity or session
    │   ├── NotFound            404: unknown item, case number …
    │   └── Conflict            409: idempotency key reused with other content, already rated
    ├── PlatformServerError     5xx: the platform failed
    │   └── MaintenanceError    503 during a maintenance window (``retry_after`` seconds)
    └── DataError               the answer was not what the API promises (malformed body)

Each carries ``code`` (the platform's machine-readable code when it sent one), ``status``
(HTTP status or None) and ``retryable`` (worth trying again later, e.g. from the outbox).
Messages never contain personal data.
"""

from __future__ import annotations


class PlatformError(Exception):
    """Base of every platform failure."""

    retryable = False

    def __init__(self, message: str, *, code: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class NetworkError(PlatformError):
    """The platform could not be reached (no HTTP answer)."""

    retryable = True


class PlatformTimeout(NetworkError):
    """The platform did not answer in time."""


class AuthError(PlatformError):
    """The platform refused the terminal's credentials or signature (401)."""


class RequestRejected(PlatformError):
    """The platform refused this particular request (4xx)."""


class IdentityRejected(RequestRejected):
    """Identity could not be established or the session is not valid (403)."""


class NotFound(RequestRejected):
    """The thing asked for does not exist (404)."""


class Conflict(RequestRejected):
    """The request conflicts with what the platform already holds (409)."""


class PlatformServerError(PlatformError):
    """The platform failed to handle the request (5xx)."""

    retryable = True


class MaintenanceError(PlatformServerError):
    """The platform is in a maintenance window (503)."""

    def __init__(self, message: str, *, code: str = "maintenance", status: int | None = 503,
                 retry_after: float | None = None) -> None:
        super().__init__(message, code=code, status=status)
        self.retry_after = retry_after


class DataError(PlatformError):
    """The platform's answer did not match the API (malformed or missing fields)."""

    retryable = True


def error_for_status(status: int, code: str, message: str,
                     retry_after: float | None = None) -> PlatformError:
    """Map an HTTP error answer to the matching exception."""
    text = f"platform: HTTP {status} {code or ''} {message}".strip()
    if status == 401:
        return AuthError(text, code=code, status=status)
    if status == 403:
        return IdentityRejected(text, code=code, status=status)
    if status == 404:
        return NotFound(text, code=code, status=status)
    if status == 409:
        return Conflict(text, code=code, status=status)
    if status == 503 and code == "maintenance":
        return MaintenanceError(text, status=status, retry_after=retry_after)
    if status >= 500:
        return PlatformServerError(text, code=code, status=status)
    return RequestRejected(text, code=code, status=status)
