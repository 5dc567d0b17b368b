"""Operator API of the operators' day: alert groups, refused terminals, maintenance windows,
notifications. Same rules as :mod:`fleet.api_ops` (its ``need`` checks session and role;
state changes are JSON POSTs by ``operator`` and are audited).

``GET  /api/ops/alert-groups[?all=1]``           groups, open first
``POST /api/ops/alert-groups/{id}/ack``          acknowledge a group and its members' alerts
``GET  /api/ops/refused[?all=1]``                refused and unknown terminals
``POST /api/ops/refused/{terminal_id}/dismiss``  hide until refused again
``GET  /api/ops/maintenance-windows[?all=1]``    running and planned windows
``POST /api/ops/maintenance-windows``            {scope, target?, minutes | starts_at +
                                                 ends_at, reason}
``POST /api/ops/maintenance-windows/{id}/end``
``GET  /api/ops/notifications``                  recent deliveries (no addresses, no bodies)
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from fleet import accounts
from fleet.alert_groups import acknowledge_group, list_groups
from fleet.context import FleetContext
from fleet.maintenance_windows import add_window, end_window, list_windows
from fleet.notify import list_notifications
from fleet.refused import dismiss, list_refused

Need = Callable[[Request, str], accounts.Operator]


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, default=str), status_code=status,
                    media_type="application/json")


def install(app: FastAPI, ctx: FleetContext, need: Need) -> None:
    """Add the routes to ``app``."""

    @app.get("/api/ops/alert-groups")
    def groups(request: Request, all: int = 0) -> Response:
        need(request, "viewer")
        with ctx.engine.connect() as conn:
            return _json(list_groups(conn, include_resolved=bool(all)))

    @app.post("/api/ops/alert-groups/{group_id}/ack")
    def ack_group(request: Request, group_id: int) -> Response:
        op = need(request, "operator")
        with ctx.engine.begin() as conn:
            ok = acknowledge_group(conn, group_id, op.username, time.time())
            accounts.audit_log(conn, op.username, "alert_group.ack", str(group_id),
                               result="ok" if ok else "not open")
        if not ok:
            return _json({"error": "group is not open or already acknowledged"}, 409)
        return _json({"ok": True})

    @app.get("/api/ops/refused")
    def refused(request: Request, all: int = 0) -> Response:
        need(request, "viewer")
        with ctx.engine.connect() as conn:
            return _json(list_refused(conn, include_all=bool(all)))

    @app.post("/api/ops/refused/{terminal_id}/dismiss")
    def dismiss_refused(request: Request, terminal_id: str) -> Response:
        op = need(request, "operator")
        with ctx.engine.begin() as conn:
            ok = dismiss(conn, terminal_id, op.username, time.time())
            accounts.audit_log(conn, op.username, "refused.dismiss", terminal_id,
                               result="ok" if ok else "not listed")
        return _json({"ok": ok}, 200 if ok else 404)

    @app.get("/api/ops/maintenance-windows")
    def windows(request: Request, all: int = 0) -> Response:
        need(request, "viewer")
        with ctx.engine.connect() as conn:
            return _json(list_windows(conn, time.time(), include_past=bool(all)))

    @app.post("/api/ops/maintenance-windows")
    def add(request: Request, payload: dict[str, Any]) -> Response:
        op = need(request, "operator")
        now = time.time()
        try:
            starts = float(payload.get("starts_at") or now)
            ends = (float(payload["ends_at"]) if payload.get("ends_at") is not None
                    else starts + 60.0 * float(payload.get("minutes", 60)))
            scope, target = str(payload.get("scope", "")), str(payload.get("target", ""))
            with ctx.engine.begin() as conn:
                window_id = add_window(conn, scope, target, starts, ends,
                                       str(payload.get("reason", "")), op.username)
                accounts.audit_log(conn, op.username, "maintenance_window.add",
                                   f"{scope}:{target}", json.dumps(
                                       {"starts_at": starts, "ends_at": ends}), "ok")
        except (TypeError, ValueError) as exc:
            return _json({"error": str(exc)}, 400)
        return _json({"id": window_id})

    @app.post("/api/ops/maintenance-windows/{window_id}/end")
    def end(request: Request, window_id: int) -> Response:
        op = need(request, "operator")
        with ctx.engine.begin() as conn:
            ok = end_window(conn, window_id, time.time())
            accounts.audit_log(conn, op.username, "maintenance_window.end", str(window_id),
                               result="ok" if ok else "not running")
        return _json({"ok": ok}, 200 if ok else 409)

    @app.get("/api/ops/notifications")
    def notes(request: Request) -> Response:
        need(request, "operator")
        with ctx.engine.connect() as conn:
            return _json(list_notifications(conn))
