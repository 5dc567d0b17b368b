"""Limits before work for the project's ASGI servers (fleet server, platform simulator).

- :class:`BodyLimitMiddleware` caps every request body *while it streams in*: a declared
  ``Content-Length`` above the route's limit is answered 413 before a byte of the body is
  read; a chunked body is counted chunk by chunk and cut off at the limit (413 as soon as
  it is crossed, the rest is never buffered). An answer given before the body was read
  whole closes the connection, so the server does not go on swallowing the upload.
- :func:`loads_limited` parses JSON with a depth limit, no ``NaN``/``Infinity``, and
  bounded number literals, raising :class:`BadJSON` (a ValueError) for all of it — never
  ``RecursionError`` or ``OverflowError``.
- :func:`ascii_token` checks a header value against a pattern (headers arrive latin-1
  decoded; a non-ASCII value must be a 400/401, not a TypeError in ``compare_digest``).

Standard library only, so the simulator can use it without the fleet server.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: JSON nesting deeper than this is refused (the protocols here need 5 levels)
MAX_JSON_DEPTH = 32
#: characters of a float literal (integers: Python refuses literals over 4,300 digits, and
#: every protocol field is range-checked after parsing)
MAX_FLOAT_CHARS = 40


class BadJSON(ValueError):
    """A body that is not acceptable JSON (syntax, depth, numbers, encoding)."""


def _reject_constant(name: str) -> Any:
    raise BadJSON(f"{name} is not a JSON number")


def _parse_float(text: str) -> float:
    if len(text) > MAX_FLOAT_CHARS:
        raise BadJSON("number literal too long")
    value = float(text)
    if not math.isfinite(value):
        raise BadJSON("number out of range")
    return value


def json_depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value (a scalar is 0), level by level, no recursion."""
    depth = 0
    level = [value] if isinstance(value, dict | list) else []
    while level:
        depth += 1
        below: list[Any] = []
        for item in level:
            values = item.values() if isinstance(item, dict) else item
            below.extend(v for v in values if isinstance(v, dict | list))
        level = below
    return depth


def loads_limited(data: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse ``data`` as strict JSON within the limits above; :class:`BadJSON` otherwise."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes | bytearray) else data
    except UnicodeDecodeError as exc:
        raise BadJSON("body is not UTF-8") from exc
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_parse_float)
    except RecursionError as exc:
        raise BadJSON("JSON nested too deeply") from exc
    except BadJSON:
        raise
    except ValueError as exc:
        raise BadJSON("body is not JSON") from exc
    # fewer brackets than the limit cannot nest deeper than it: skip the walk (the common case)
    if text.count("[") + text.count("{") > max_depth and json_depth(value) > max_depth:
        raise BadJSON(f"JSON nested deeper than {max_depth}")
    return value


def ascii_token(value: str | None, pattern: re.Pattern[str]) -> str | None:
    """``value`` when it fully matches ``pattern`` (an ASCII-only regex), else None."""
    if value is None or not value.isascii():
        return None
    return value if pattern.fullmatch(value) else None


def json_error_body(message: str) -> bytes:
    """``{"error": message}`` as bytes."""
    return json.dumps({"error": message}, ensure_ascii=False).encode()


async def send_simple(send: Send, status: int, body: bytes, close: bool = True,
                      content_type: bytes = b"application/json") -> None:
    """Send a complete answer (optionally asking the server to close the connection)."""
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return None


class BodyLimitMiddleware:
    """Caps request bodies per route while they stream in (see module docstring).

    ``limit_for(method, path)`` gives the limit in bytes for one request.
    ``error_body(status, message)`` builds the answer body (JSON ``{"error"}`` by default).
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[str, str], int],
                 error_body: Callable[[int, str], bytes] | None = None) -> None:
        self.app = app
        self.limit_for = limit_for
        self.error_body = error_body or (lambda _status, message: json_error_body(message))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["method"], scope["path"])
        declared = _header(scope, b"content-length")
        chunked = (_header(scope, b"transfer-encoding") or b"").lower().find(b"chunked") >= 0
        length: int | None = None
        if declared is not None:
            if not declared.isdigit() or len(declared) > 15:
                await send_simple(send, 400, self.error_body(400, "bad Content-Length"))
                return
            length = int(declared)
            if length > limit:
                await send_simple(send, 413, self.error_body(
                    413, f"request body larger than {limit} bytes"))
                return
            if not chunked:  # the HTTP parser delivers at most the declared length: no
                await self.app(scope, receive, send)  # counting needed (the hot path)
                return
        expects_body = chunked or bool(length)
        received = 0
        body_done = not expects_body
        answered = False  # we answered 413 ourselves: drop whatever the app sends
        started = False

        async def limited_receive() -> Message:
            nonlocal received, body_done, answered, started
            if answered:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if not message.get("more_body", False):
                    body_done = True
                if received > limit:
                    if not started:
                        started = True
                        await send_simple(send, 413, self.error_body(
                            413, f"request body larger than {limit} bytes"))
                    answered = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if answered:
                return
            if message["type"] == "http.response.start":
                started = True
                if not body_done:  # answered before the upload ended: do not read the rest
                    message = dict(message)
                    message["headers"] = [*message.get("headers", []),
                                          (b"connection", b"close")]
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not answered:
                raise
