"""The terminals' HTTP API: enrolment, signed heartbeats (pull commands, push results), screenshots.

``POST /api/v1/enrol``      {token, terminal_id, name?, district?, address?} → {secret, interval}
``POST /api/v1/heartbeat``  signed {heartbeats: [...], usage: [...], results: [...]}
                            → {accepted, commands: [{id, kind, args}], interval}
``POST /api/v1/screenshot`` signed PNG body → {screenshot_id}
Unknown terminals and bad signatures get 401 with a ``reason`` (see fleet/refused.py: the
terminal lands in the operators' refused list); malformed bodies 400; a store failure 503.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from fleet.context import FleetContext
from fleet.db import screenshots
from fleet.ingest import Answer, Submission
from fleet.protocol import ENROL_PATH, HEARTBEAT_PATH, SCREENSHOT_PATH, SignatureError, verify
from fleet.rules import InvalidHeartbeat, validate_heartbeat
from fleet.stats import validate_usage
from fleet.terminals import EnrolmentError, enrol

MAX_BODY = 2 * 1024 * 1024
MAX_PNG = 5 * 1024 * 1024
MAX_BACKLOG = 20_000


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), status_code=status,
                    media_type="application/json")


def _error(status: int, message: str) -> Response:
    return _json(status, {"error": message})


class _Rejected(Exception):
    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason = status, reason


async def _authenticate(ctx: FleetContext, request: Request, body: bytes) -> str:
    terminal_id = request.headers.get("x-terminal-id", "")
    secret = await ctx.secrets.get(terminal_id)
    if secret is None:
        raise _Rejected(401, "unknown_terminal", "unknown terminal")
    try:
        verify(secret, request.method, request.scope["path"], request.headers, body)
    except SignatureError as exc:
        fresh = await ctx.secrets.get(terminal_id, refresh=True)  # re-enrolled meanwhile?
        if fresh is None or fresh == secret:
            raise _Rejected(401, "bad_signature", str(exc)) from exc
        try:
            verify(fresh, request.method, request.scope["path"], request.headers, body)
        except SignatureError as exc2:
            raise _Rejected(401, "bad_signature", str(exc2)) from exc2
    return terminal_id


def _parse_submission(terminal_id: str, body: bytes) -> Submission:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise _Rejected(400, "bad_body", "body is not JSON") from exc
    if not isinstance(data, dict):
        raise _Rejected(400, "bad_body", "body must be an object")
    hbs, usage, results = data.get("heartbeats", []), data.get("usage", []), data.get("results", [])
    if not (isinstance(hbs, list) and isinstance(usage, list) and isinstance(results, list)):
        raise _Rejected(400, "bad_body", "heartbeats, usage and results must be lists")
    if len(hbs) > 500 or len(usage) > 2000 or len(results) > 100:
        raise _Rejected(400, "bad_body", "too many entries in one request")
    try:
        clean_hbs = [validate_heartbeat(hb) for hb in hbs]
        clean_usage = [validate_usage(u) for u in usage]
        clean_results = []
        for res in results:
            if not isinstance(res, dict) or not isinstance(res.get("id"), int):
                raise ValueError("each result needs an integer id")
            clean_results.append({"id": res["id"], "ok": bool(res.get("ok")),
                                  "result": res.get("result", {})})
    except (InvalidHeartbeat, ValueError) as exc:
        raise _Rejected(400, "bad_body", str(exc)) from exc
    return Submission(terminal_id, clean_hbs, clean_usage, clean_results)


def _refusal(ctx: FleetContext, request: Request, exc: _Rejected) -> Response:
    """The error answer; a 401 also names its reason and lands in the refused list."""
    body = {"error": str(exc)}
    if exc.status == 401:
        addr = request.client.host if request.client else ""
        body["reason"] = ctx.refused.note_refusal(
            request.headers.get("x-terminal-id", ""), exc.reason, str(exc), addr)
    return _json(exc.status, body)


def install(app: FastAPI, ctx: FleetContext) -> None:
    """Add the terminal routes to ``app``."""

    @app.post(ENROL_PATH)
    def enrol_terminal(payload: dict[str, Any]) -> Response:
        try:
            secret = enrol(
                ctx.engine, str(payload.get("token", "")), str(payload.get("terminal_id", "")),
                name=str(payload.get("name", "")), district=str(payload.get("district", "")),
                address=str(payload.get("address", "")),
            )
        except EnrolmentError as exc:
            ctx.reject("enrolment")
            return _error(403, str(exc))
        ctx.secrets.forget(str(payload.get("terminal_id", "")))
        return _json(200, {"terminal_id": payload["terminal_id"], "secret": secret,
                           "interval": ctx.config.interval_s})

    async def heartbeat(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return _error(413, "body too large")
        try:
            terminal_id = await _authenticate(ctx, request, body)
            sub = _parse_submission(terminal_id, body)
        except _Rejected as exc:
            ctx.reject(exc.reason)
            return _refusal(ctx, request, exc)
        if ctx.ingestor.backlog > MAX_BACKLOG:  # the store cannot keep up: shed load early
            ctx.reject("overload")
            return _error(503, "server busy, retry later")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Answer] = loop.create_future()

        def settle(answer: Answer) -> None:
            if not future.done():
                future.set_result(answer)

        def done(answer: Answer) -> None:
            loop.call_soon_threadsafe(settle, answer)

        sub.done = done
        ctx.ingestor.submit(sub)
        try:
            answer = await asyncio.wait_for(future, timeout=30)
        except TimeoutError:
            return _error(503, "store busy, retry later")
        if isinstance(answer, BaseException):
            return _error(503, "store unavailable, retry later")
        return _json(200, answer)

    async def screenshot(request: Request) -> Response:
        body = await request.body()
        try:
            terminal_id = await _authenticate(ctx, request, body)
        except _Rejected as exc:
            ctx.reject(exc.reason)
            return _refusal(ctx, request, exc)
        if len(body) > MAX_PNG or not body.startswith(b"\x89PNG\r\n\x1a\n"):
            return _error(400, "body must be a PNG image of at most 5 MB")

        def store() -> int:
            with ctx.engine.begin() as conn:
                result = conn.execute(screenshots.insert().values(
                    terminal_id=terminal_id, ts=time.time(), png=body))
                key = result.inserted_primary_key
                assert key is not None
                return int(key[0])

        shot_id = await run_in_threadpool(store)
        return JSONResponse({"screenshot_id": shot_id})

    # plain Starlette routes: the hot path skips FastAPI's dependency machinery
    app.router.add_route(HEARTBEAT_PATH, heartbeat, methods=["POST"])
    app.router.add_route(SCREENSHOT_PATH, screenshot, methods=["POST"])
