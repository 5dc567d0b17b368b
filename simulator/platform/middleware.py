"""ASGI middleware of the platform simulator: fault injection and terminal authentication.

``FaultMiddleware`` (outermost) applies latency, maintenance, 5xx, hangs and malformed
answers. ``SignatureMiddleware`` checks every ``/v1`` request's HMAC signature (see
kiosk.platform.signing) over the raw path, query string and body, and answers 401 for bad
signatures, stale timestamps and replayed nonces. The verified terminal id is put into
``scope["state"]["terminal_id"]``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

from common.http_limits import BadJSON, loads_limited
from kiosk.platform import signing
from simulator.platform.faults import Faults
from simulator.platform.limits import V1_LIMIT

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def error_body(code: str, message: str) -> bytes:
    """The platform's error document."""
    return json.dumps({"error": {"code": code, "message": message}}).encode()


async def send_json(send: Send, status: int, body: bytes,
                    extra: list[tuple[bytes, bytes]] | None = None) -> None:
    """Send a complete JSON answer."""
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode()), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class FaultMiddleware:
    """Injects the faults switched on in :class:`Faults`."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        settings = self.faults.snapshot()
        if scope["type"] != "http" or not scope["path"].startswith(settings.path_prefix):
            await self.app(scope, receive, send)
            return
        if settings.latency_s > 0:
            await asyncio.sleep(settings.latency_s)
        if settings.maintenance:
            retry = str(settings.maintenance_retry_after_s).encode()
            await send_json(send, 503, error_body("maintenance", "platform under maintenance"),
                            [(b"retry-after", retry)])
            return
        status = self.faults.take_error()
        if status is not None:
            await send_json(send, status, error_body("injected_fault", "injected server error"))
            return
        hang = self.faults.take_hang()
        malformed = self.faults.take_malformed()
        if not hang and not malformed:
            await self.app(scope, receive, send)
            return
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await self.app(scope, receive, hold)
        if hang:
            await asyncio.sleep(hang)
        for message in held:
            if malformed and message["type"] == "http.response.start":
                message = dict(message, status=200, headers=[
                    (b"content-type", b"application/json"), (b"content-length", b"13")])
            elif malformed and message["type"] == "http.response.body":
                message = {"type": "http.response.body", "body": b'{"items": [1,'[:13]}
            await send(message)


class SignatureMiddleware:
    """Rejects unsigned or badly signed ``/v1`` requests with 401."""

    def __init__(self, app: ASGIApp, secrets: Mapping[str, str],
                 nonces: signing.NonceWindow) -> None:
        self.app = app
        self.secrets = secrets
        self.nonces = nonces

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path") or scope["path"].encode()
        path_qs = raw_path.decode("latin-1")
        if scope.get("query_string"):
            path_qs += "?" + scope["query_string"].decode("latin-1")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope["headers"]}
        lowered = {name: headers.get(name.lower(), "") for name in (
            signing.HEADER_TERMINAL, signing.HEADER_TIMESTAMP, signing.HEADER_NONCE,
            signing.HEADER_SIGNATURE)}
        try:  # refuse on the headers alone before reading a byte of the body
            signing.precheck(lowered, self.secrets, self.nonces)
        except signing.SignatureRejected as exc:
            await send_json(send, 401, error_body(exc.reason, "terminal authentication failed"),
                            [(b"connection", b"close")])
            return
        chunks = []
        size = 0
        more = True
        while more:  # capped by BodyLimitMiddleware (simulator/platform/limits.py)
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > V1_LIMIT:
                await send_json(send, 413, error_body("payload_too_large", "body too large"),
                                [(b"connection", b"close")])
                return
            more = message.get("more_body", False)
        body = b"".join(chunks)
        try:
            verified = signing.verify(lowered, scope["method"], path_qs, body, self.secrets,
                                      self.nonces)
        except signing.SignatureRejected as exc:
            await send_json(send, 401, error_body(exc.reason, "terminal authentication failed"))
            return
        if body and headers.get("content-type", "").startswith("application/json"):
            try:
                loads_limited(body)  # depth, NaN/Infinity, number literals: 400, never 500
            except BadJSON as exc:
                await send_json(send, 400, error_body("bad_request", str(exc)))
                return
        scope.setdefault("state", {})["terminal_id"] = verified.terminal_id
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
