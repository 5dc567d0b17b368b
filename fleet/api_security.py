"""Security routes: terminal enrolment, operator login/logout/password, re-enrolment approval.

``POST /api/v1/enrol``   {token, terminal_id, secret?, name?, district?, address?}
                         → 200 {terminal_id, status: "enrolled", interval[, secret]}
                         | 202 {terminal_id, status: "pending", request_id}
                         | 400 malformed | 403 bad/expired/used token | 409 id taken, no secret
``POST /api/ops/login``  {username, password} → session cookie; 401 wrong; 429/503 throttled
``POST /api/ops/logout`` ends the session server-side
``POST /api/ops/password`` {old_password, new_password} → every session of the user ends,
                         this browser gets a fresh one
``GET  /api/ops/enrol-requests[?status=pending|all]`` (admin)
``POST /api/ops/enrol-requests/{id}/approve|refuse`` (admin)
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy import update
from starlette.concurrency import run_in_threadpool

from fleet import enrolment, sessions
from fleet.accounts import audit_log, hash_password
from fleet.context import FleetContext
from fleet.db import operators
from fleet.limits import MAX_SAFE_INT, BodyRefused, parse_json, read_body
from fleet.protocol import ENROL_PATH

MIN_PASSWORD = 8


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, default=str), status_code=status,
                    media_type="application/json", headers=headers)


def _address(request: Request) -> str:
    return (request.client.host if request.client else "")[:64]


async def _object(request: Request) -> dict[str, Any]:
    data = parse_json(await read_body(request))
    if not isinstance(data, dict):
        raise BodyRefused(400, "body must be a JSON object")
    return data


def _text(data: dict[str, Any], key: str, limit: int, required: bool = False) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > limit or (required and not value):
        raise BodyRefused(400, f"{key} must be a string of at most {limit} characters")
    return value


def install(app: FastAPI, ctx: FleetContext) -> sessions.LoginGuard:
    """Add the routes; return the login guard (tests and the bench look at it)."""
    guard = sessions.LoginGuard(ctx.engine)

    def set_cookie(resp: Response, token: str) -> None:
        resp.set_cookie(sessions.COOKIE, token, httponly=True, samesite="strict",
                        secure=ctx.config.secure_cookies, max_age=sessions.SESSION_TTL_S,
                        path="/")

    async def enrol_terminal(request: Request) -> Response:
        try:
            data = await _object(request)
            token = _text(data, "token", 200, required=True)
            terminal_id = _text(data, "terminal_id", 64, required=True)
            secret = _text(data, "secret", 64) or None
            fields = {k: _text(data, k, n) for k, n in
                      (("name", 200), ("district", 64), ("address", 300))}
        except BodyRefused as exc:
            ctx.reject("enrolment")
            return _json({"error": str(exc)}, exc.status)
        try:
            result = await run_in_threadpool(
                lambda: enrolment.enrol(ctx.engine, token, terminal_id, secret=secret,
                                        remote=_address(request), **fields))
        except enrolment.EnrolmentError as exc:
            ctx.reject("enrolment")
            return _json({"error": str(exc)}, exc.status)
        if result.status == "pending":
            return _json({"terminal_id": terminal_id, "status": "pending",
                          "request_id": result.request_id,
                          "message": "re-enrolment waits for an operator's approval"}, 202)
        ctx.secrets.forget(terminal_id)
        body = {"terminal_id": terminal_id, "status": "enrolled",
                "interval": ctx.config.interval_s}
        if result.generated:  # an older agent that proposed no secret
            body["secret"] = result.secret
        return _json(body)

    async def login(request: Request) -> Response:
        try:
            data = await _object(request)
            user = _text(data, "username", 64, required=True)
            password = _text(data, "password", 1024, required=True)
        except BodyRefused as exc:
            return _json({"error": str(exc)}, exc.status)
        addr = _address(request)
        try:
            op = await guard.login(user, password, addr)
        except sessions.Throttled as exc:
            await guard.tarpit(exc.retry_after)  # a flood waits instead of costing CPU
            return _json({"error": "尝试次数过多，请稍后再试 too many attempts, try again later"},
                         exc.status, {"Retry-After": str(exc.retry_after)})
        if op is None:
            await guard.tarpit(sessions.FAILURE_DELAY_S)

        def finish() -> str | None:
            with ctx.engine.begin() as conn:
                audit_log(conn, user, "login", detail=addr, result="ok" if op else "refused")
            return None if op is None else sessions.create(ctx.engine, op.username, addr)

        token = await run_in_threadpool(finish)
        if op is None or token is None:
            return _json({"error": "用户名或密码错误 wrong username or password"}, 401)
        resp = _json({"username": op.username, "role": op.role})
        set_cookie(resp, token)
        return resp

    async def logout(request: Request) -> Response:
        token = request.cookies.get(sessions.COOKIE)
        await run_in_threadpool(sessions.end, ctx.engine, token)
        resp = _json({"ok": True})
        resp.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="strict",
                           secure=ctx.config.secure_cookies)
        return resp

    async def change_password(request: Request) -> Response:
        op = await run_in_threadpool(sessions.require, ctx.engine, request, "viewer")
        try:
            data = await _object(request)
            old = _text(data, "old_password", 1024, required=True)
            new = _text(data, "new_password", 1024, required=True)
        except BodyRefused as exc:
            return _json({"error": str(exc)}, exc.status)
        if len(new) < MIN_PASSWORD:
            return _json({"error": f"password must have at least {MIN_PASSWORD} characters"}, 400)
        try:
            checked = await guard.login(op.username, old, _address(request))
        except sessions.Throttled as exc:
            return _json({"error": "too many attempts, try again later"}, exc.status,
                         {"Retry-After": str(exc.retry_after)})
        if checked is None:
            return _json({"error": "wrong current password"}, 403)

        def store() -> str:
            with ctx.engine.begin() as conn:
                conn.execute(update(operators).where(operators.c.username == op.username)
                             .values(pw_hash=hash_password(new)))
                audit_log(conn, op.username, "operator.password", op.username, result="ok")
            sessions.end_all(ctx.engine, op.username)
            return sessions.create(ctx.engine, op.username, _address(request))

        resp = _json({"ok": True})
        set_cookie(resp, await run_in_threadpool(store))
        return resp

    def list_requests(request: Request, status: str = "pending") -> Response:
        sessions.require(ctx.engine, request, "admin")
        wanted = None if status == "all" else status
        if wanted not in (None, "pending", "approved", "refused", "superseded"):
            return _json({"error": "status must be pending, approved, refused, superseded or all"},
                         400)
        return _json(enrolment.list_requests(ctx.engine, wanted))

    def decide(request: Request, request_id: int, approve: bool) -> Response:
        op = sessions.require(ctx.engine, request, "admin")
        if not 0 < request_id <= MAX_SAFE_INT:
            return _json({"error": "no such request"}, 404)
        try:
            tid = enrolment.decide(ctx.engine, request_id, approve, op.username)
        except enrolment.EnrolmentError as exc:
            return _json({"error": str(exc)}, exc.status)
        ctx.secrets.forget(tid)
        return _json({"ok": True, "terminal_id": tid,
                      "status": "approved" if approve else "refused"})

    @app.post("/api/ops/enrol-requests/{request_id}/approve")
    def approve(request: Request, request_id: int) -> Response:
        return decide(request, request_id, True)

    @app.post("/api/ops/enrol-requests/{request_id}/refuse")
    def refuse(request: Request, request_id: int) -> Response:
        return decide(request, request_id, False)

    app.add_api_route("/api/ops/enrol-requests", list_requests, methods=["GET"])
    app.router.add_route(ENROL_PATH, enrol_terminal, methods=["POST"])
    app.router.add_route("/api/ops/login", login, methods=["POST"])
    app.router.add_route("/api/ops/logout", logout, methods=["POST"])
    app.router.add_route("/api/ops/password", change_password, methods=["POST"])
    return guard
