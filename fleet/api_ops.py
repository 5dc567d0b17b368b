"""The operators' HTTP API behind the dashboard (session cookie, role checks, audit).

Read endpoints need ``viewer``; acknowledging alerts and sending commands need ``operator``;
accounts and enrolment tokens need ``admin``. State-changing calls must be JSON POSTs
(the session cookie is SameSite=Strict), and every one is written to the audit log.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy import desc, select

from fleet import accounts, alerts, commands, enrolment, sessions, stats, terminals
from fleet.context import FleetContext
from fleet.db import screenshots

COOKIE = sessions.COOKIE


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, default=str), status_code=status,
                    media_type="application/json")


Need = Callable[[Request, str], accounts.Operator]


def install(app: FastAPI, ctx: FleetContext) -> Need:
    """Add the operator routes to ``app``; return the session + role check (``need``) for
    the routes other modules add."""
    offline_after = ctx.config.rules.offline_after_s

    def need(request: Request, role: str) -> accounts.Operator:
        # server-side sessions (fleet/sessions.py): logout and password changes end them
        return sessions.require(ctx.engine, request, role)

    # login, logout and password changes: fleet/api_security.py

    @app.get("/api/ops/me")
    def me(request: Request) -> Response:
        op = need(request, "viewer")
        return _json({"username": op.username, "role": op.role})

    @app.get("/api/ops/overview")
    def overview(request: Request) -> Response:
        need(request, "viewer")
        data = terminals.overview(ctx.engine, offline_after)
        with ctx.engine.connect() as conn:
            data["alerts_by_kind"] = alerts.open_counts_by_kind(conn)
        return _json(data)

    @app.get("/api/ops/alerts")
    def list_alerts(request: Request, all: int = 0, terminal: str | None = None) -> Response:
        need(request, "viewer")
        with ctx.engine.connect() as conn:
            return _json(alerts.list_alerts(conn, open_only=not all, terminal_id=terminal))

    @app.post("/api/ops/alerts/{alert_id}/ack")
    def ack(request: Request, alert_id: int) -> Response:
        op = need(request, "operator")
        with ctx.engine.begin() as conn:
            ok = alerts.acknowledge(conn, alert_id, op.username, time.time())
            accounts.audit_log(conn, op.username, "alert.ack", str(alert_id),
                               result="ok" if ok else "not open")
        if not ok:
            return _json({"error": "alert is not open or already acknowledged"}, 409)
        return _json({"ok": True})

    @app.get("/api/ops/terminals/{terminal_id}")
    def terminal(request: Request, terminal_id: str) -> Response:
        need(request, "viewer")
        info = terminals.detail(ctx.engine, terminal_id, offline_after)
        if info is None:
            return _json({"error": "unknown terminal"}, 404)
        with ctx.engine.connect() as conn:
            shot = conn.execute(select(screenshots.c.id, screenshots.c.ts)
                                .where(screenshots.c.terminal_id == terminal_id)
                                .order_by(desc(screenshots.c.id)).limit(1)).first()
        info["screenshot"] = None if shot is None else {"id": shot.id, "ts": shot.ts}
        return _json(info)

    @app.post("/api/ops/terminals/{terminal_id}/commands")
    def send_command(request: Request, terminal_id: str, payload: dict[str, Any]) -> Response:
        op = need(request, "operator")
        kind, args = str(payload.get("kind", "")), payload.get("args")
        try:
            command_id = commands.create_command(
                ctx.engine, op.username, terminal_id, kind, args if isinstance(args, dict) else {})
        except commands.CommandError as exc:
            return _json({"error": str(exc)}, 400)
        return _json({"id": command_id, "status": "pending"})

    @app.get("/api/ops/screenshots/{shot_id}")
    def screenshot(request: Request, shot_id: int) -> Response:
        need(request, "viewer")
        with ctx.engine.connect() as conn:
            row = conn.execute(select(screenshots.c.png)
                               .where(screenshots.c.id == shot_id)).first()
        if row is None:
            return _json({"error": "no such screenshot"}, 404)
        return Response(bytes(row[0]), media_type="image/png")

    @app.get("/api/ops/usage")
    def usage(request: Request, by: str = "item", day_from: str | None = None,
              day_to: str | None = None, terminal: str | None = None) -> Response:
        need(request, "viewer")
        try:
            return _json(stats.usage_by(ctx.engine, by, day_from, day_to, terminal))
        except ValueError as exc:
            return _json({"error": str(exc)}, 400)

    @app.get("/api/ops/usage.csv")
    def usage_csv(request: Request, day_from: str | None = None,
                  day_to: str | None = None) -> Response:
        need(request, "viewer")
        body = stats.usage_csv(ctx.engine, day_from, day_to)
        return Response("\ufeff" + body, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": 'attachment; filename="fleet-usage.csv"'})

    @app.get("/api/ops/audit")
    def audit(request: Request, limit: int = 200) -> Response:
        need(request, "operator")
        return _json(accounts.list_audit(ctx.engine, min(max(limit, 1), 2000)))

    @app.get("/api/ops/operators")
    def list_ops(request: Request) -> Response:
        need(request, "admin")
        return _json(accounts.list_operators(ctx.engine))

    @app.post("/api/ops/operators")
    def create_op(request: Request, payload: dict[str, Any]) -> Response:
        op = need(request, "admin")
        try:
            accounts.create_operator(ctx.engine, str(payload.get("username", "")),
                                     str(payload.get("password", "")), str(payload.get("role")))
        except accounts.AccountError as exc:
            return _json({"error": str(exc)}, 400)
        with ctx.engine.begin() as conn:
            accounts.audit_log(conn, op.username, "operator.create",
                               str(payload.get("username")), str(payload.get("role")), "ok")
        return _json({"ok": True})

    @app.post("/api/ops/enrol-tokens")
    def create_token(request: Request, payload: dict[str, Any]) -> Response:
        op = need(request, "admin")
        uses, tid = payload.get("uses", 1), payload.get("terminal_id")
        try:  # single-use and expiring by default; audited by fleet.enrolment
            token = enrolment.create_token(
                ctx.engine, label=str(payload.get("label", ""))[:100],
                uses=uses if isinstance(uses, int) and not isinstance(uses, bool) else 1,
                terminal_id=tid if isinstance(tid, str) and tid else None, actor=op.username)
        except enrolment.EnrolmentError as exc:
            return _json({"error": str(exc)}, exc.status)
        return _json({"token": token})

    return need
