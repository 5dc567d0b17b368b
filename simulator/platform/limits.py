"""Limits before work for the platform simulator (issue 17), like the real platform's gateway.

Request bodies are capped while they stream in (common/http_limits.py): 2 MB on ``/v1``
(an application with a live face photo is the largest), 64 KB elsewhere. Signed ``/v1``
requests are refused on their headers before the body is read, and JSON bodies are parsed
with a depth limit and without NaN/Infinity or oversized numbers (400) before any route
sees them (simulator/platform/middleware.py).
"""

from __future__ import annotations

import json

V1_LIMIT = 2 * 1024 * 1024
DEFAULT_LIMIT = 64 * 1024


def limit_for(_method: str, path: str) -> int:
    """Body limit of one request."""
    return V1_LIMIT if path.startswith("/v1/") else DEFAULT_LIMIT


def error_body(status: int, message: str) -> bytes:
    """The platform's error document."""
    code = {400: "bad_request", 413: "payload_too_large"}.get(status, "http_error")
    return json.dumps({"error": {"code": code, "message": message}}).encode()
