"""Limits before work on the fleet server: body size per route, JSON limits, number ranges.

The body limit is enforced while the body streams in (common/http_limits.py, outermost
middleware), so nothing reads a body larger than its route allows — not the heartbeat
handler, not FastAPI's JSON parsing of operator calls, not an unknown path. Authentication
that needs no body (signature headers, session cookie) runs before the body is read.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import ClientDisconnect, Request

from common.http_limits import (
    ASGIApp,
    BadJSON,
    Message,
    Receive,
    Scope,
    Send,
    json_error_body,
    loads_limited,
    send_simple,
)
from fleet.protocol import ENROL_PATH, HEARTBEAT_PATH, REFUSED_PATH, SCREENSHOT_PATH

KB = 1024
MB = 1024 * KB
#: body limits by exact path; everything else gets DEFAULT_LIMIT
ROUTE_LIMITS = {
    HEARTBEAT_PATH: 2 * MB,
    SCREENSHOT_PATH: 5 * MB,
    ENROL_PATH: 4 * KB,
    REFUSED_PATH: 1 * KB,
    "/api/ops/login": 4 * KB,
}
DEFAULT_LIMIT = 64 * KB
#: numbers in terminal reports must fit a signed 53-bit range (JSON-safe, SQL BIGINT-safe)
MAX_SAFE_INT = 2**53 - 1
#: unix times after this (year 2500) are refused
MAX_UNIX_TIME = 16_725_225_600


def limit_for(_method: str, path: str) -> int:
    """The body limit of one request."""
    return ROUTE_LIMITS.get(path, DEFAULT_LIMIT)


class BodyRefused(Exception):
    """A request body that is not acceptable; ``status`` 400 or 413."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


async def read_body(request: Request) -> bytes:
    """The request body (the limit middleware has already capped it)."""
    try:
        return await request.body()
    except ClientDisconnect as exc:  # cut off at the limit (already answered 413) or gone
        raise BodyRefused(413, "request body too large") from exc


def parse_json(body: bytes) -> Any:
    """Strict, depth- and number-limited JSON (BodyRefused 400 otherwise)."""
    try:
        return loads_limited(body)
    except BadJSON as exc:
        raise BodyRefused(400, str(exc)) from exc


def bounded_number(value: Any, name: str, low: float = 0, high: float = MAX_SAFE_INT) -> float:
    """``value`` when it is a (non-bool) number in ``[low, high]``; ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ValueError(f"{name} must be a number from {low:g} to {high:g}")
    return value


def _content_type(scope: Scope) -> bytes:
    for key, value in scope.get("headers", ()):
        if key.lower() == b"content-type":
            return bytes(value).lower()
    return b""


class OpsJSONGuard:
    """Checks operator JSON bodies with :func:`loads_limited` before FastAPI parses them
    (FastAPI would accept ``Infinity`` and answer deep nesting with a vague error).

    Runs inside the session gate, so only logged-in operators' bodies are read here; the
    body limit middleware has already capped them.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] in ("GET", "HEAD")
                or not scope["path"].startswith("/api/ops/")
                or b"json" not in _content_type(scope)):  # others are refused with 415
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body.strip():
            try:
                loads_limited(body)
            except BadJSON as exc:
                await send_simple(send, 400, json_error_body(str(exc)), close=False)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
