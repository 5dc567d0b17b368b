"""The terminals' HTTP API: enrolment, signed heartbeats (pull commands, push results), screenshots.

``POST /api/v1/enrol``      {token, terminal_id, secret?, name?, district?, address?}
                            → {status, interval} (fleet/api_security.py, fleet/enrolment.py)
``POST /api/v1/heartbeat``  signed {heartbeats: [...], usage: [...], results: [...]}
                            → {accepted, commands: [{id, kind, args}], interval}
``POST /api/v1/screenshot`` signed PNG → {screenshot_id} (only when asked: fleet/screenshots.py)
Signature headers are checked (format, freshness, known terminal) before the body is read;
bodies are capped while they stream (fleet/limits.py); each nonce is accepted once
(fleet/replay.py), so a replayed request gets 401 and never a command.
Unknown terminals and bad signatures get 401 with a ``reason`` (see fleet/refused.py: the
terminal lands in the operators' refused list); malformed bodies 400; a store failure 503.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from fleet import replay
from fleet import screenshots as shots
from fleet.context import FleetContext
from fleet.ingest import Answer, Submission
from fleet.limits import MAX_SAFE_INT, BodyRefused, parse_json, read_body
from fleet.protocol import HEARTBEAT_PATH, SCREENSHOT_PATH, SignatureError, check_headers, verify
from fleet.rules import InvalidHeartbeat, validate_heartbeat
from fleet.stats import validate_usage

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


Ident = tuple[str, str, int, str]  # terminal id, secret, timestamp, nonce


async def _identify(ctx: FleetContext, request: Request) -> Ident:
    """What can be checked before the body is read: header format, freshness, the terminal."""
    try:
        terminal_id, ts, nonce = check_headers(request.headers)
    except SignatureError as exc:
        reason = "unknown_terminal" if "Terminal-Id" in str(exc) else "bad_signature"
        raise _Rejected(401, reason, str(exc)) from exc
    secret = await ctx.secrets.get(terminal_id)
    if secret is None:
        raise _Rejected(401, "unknown_terminal", "unknown terminal")
    return terminal_id, secret, ts, nonce


async def _body(request: Request) -> bytes:
    try:
        return await read_body(request)
    except BodyRefused as exc:
        raise _Rejected(exc.status, "too_large", str(exc)) from exc


async def _authenticate(ctx: FleetContext, request: Request, body: bytes, ident: Ident) -> str:
    terminal_id, secret = ident[0], ident[1]
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
        data = parse_json(body)
    except BodyRefused as exc:
        raise _Rejected(400, "bad_body", str(exc)) from exc
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
            if not isinstance(res, dict) or isinstance(res.get("id"), bool) or not (
                    isinstance(res.get("id"), int) and 0 < res["id"] <= MAX_SAFE_INT):
                raise ValueError("each result needs a positive integer id")
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

    async def heartbeat(request: Request) -> Response:
        try:
            ident = await _identify(ctx, request)
            body = await _body(request)
            terminal_id = await _authenticate(ctx, request, body, ident)
            sub = _parse_submission(terminal_id, body)
            sub.nonce = (ident[3], replay.expiry_of(ident[2]))
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
        if answer.get("replayed"):  # only a copy of an earlier request can be this: counted
            ctx.reject("replayed")  # (fleet_requests_rejected_total), not blamed on the terminal
            return _json(401, {"error": "request replayed", "reason": "other"})
        return _json(200, answer)

    async def screenshot(request: Request) -> Response:
        try:
            ident = await _identify(ctx, request)
            body = await _body(request)
            terminal_id = await _authenticate(ctx, request, body, ident)
        except _Rejected as exc:
            ctx.reject(exc.reason)
            return _refusal(ctx, request, exc)
        if not await run_in_threadpool(replay.claim_one, ctx.engine, terminal_id, ident[3],
                                       ident[2]):
            ctx.reject("replayed")
            return _json(401, {"error": "request replayed", "reason": "other"})
        try:
            shot_id = await run_in_threadpool(shots.store, ctx.engine, terminal_id, body)
        except shots.ScreenshotRefused as exc:
            ctx.reject("unsolicited_screenshot" if exc.status == 403 else "bad_body")
            return _error(exc.status, str(exc))
        return JSONResponse({"screenshot_id": shot_id})

    # plain Starlette routes: the hot path skips FastAPI's dependency machinery
    app.router.add_route(HEARTBEAT_PATH, heartbeat, methods=["POST"])
    app.router.add_route(SCREENSHOT_PATH, screenshot, methods=["POST"])
