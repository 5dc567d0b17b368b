"""Operator API of paper rounds and the terminal page's extras (see fleet/paper_rounds.py,
fleet/timeline.py).

``GET  /api/ops/paper-rounds?hours=8[&district=]``   per district, ordered stops from the depot
``GET  /api/ops/paper-rounds.csv?hours=8[&district=]`` the same as CSV (UTF-8 with BOM)
``POST /api/ops/terminals/{id}/refilled``             paper refilled: closes its paper alerts
``GET  /api/ops/terminals/{id}/timeline``             device states, alerts, commands, refills
``GET  /api/ops/terminals/{id}/screenshots``          the last screenshots (ids and times)
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from fleet import accounts
from fleet.context import FleetContext
from fleet.paper_rounds import mark_refilled, plan, plan_csv
from fleet.timeline import last_screenshots, timeline

Need = Callable[[Request, str], accounts.Operator]


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, default=str), status_code=status,
                    media_type="application/json")


def install(app: FastAPI, ctx: FleetContext, need: Need) -> None:
    """Add the routes to ``app``."""

    def rounds(hours: float, district: str | None) -> list[dict[str, Any]]:
        with ctx.engine.connect() as conn:
            return plan(conn, max(0.0, min(hours, 24 * 14)), district or None)

    @app.get("/api/ops/paper-rounds")
    def paper_rounds(request: Request, hours: float = 8.0,
                     district: str | None = None) -> Response:
        need(request, "viewer")
        return _json({"hours": hours, "districts": rounds(hours, district)})

    @app.get("/api/ops/paper-rounds.csv")
    def paper_rounds_csv(request: Request, hours: float = 8.0,
                         district: str | None = None) -> Response:
        need(request, "viewer")
        body = plan_csv(rounds(hours, district))
        return Response("\ufeff" + body, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": 'attachment; filename="paper-rounds.csv"'})

    @app.post("/api/ops/terminals/{terminal_id}/refilled")
    def refilled(request: Request, terminal_id: str) -> Response:
        op = need(request, "operator")
        with ctx.engine.begin() as conn:
            ok = mark_refilled(conn, terminal_id, op.username, time.time())
            accounts.audit_log(conn, op.username, "paper.refilled", terminal_id,
                               result="ok" if ok else "unknown terminal")
        return _json({"ok": ok}, 200 if ok else 404)

    @app.get("/api/ops/terminals/{terminal_id}/timeline")
    def terminal_timeline(request: Request, terminal_id: str, hours: float = 24.0) -> Response:
        need(request, "viewer")
        with ctx.engine.connect() as conn:
            return _json(timeline(conn, terminal_id, time.time() - min(hours, 24 * 7) * 3600))

    @app.get("/api/ops/terminals/{terminal_id}/screenshots")
    def screenshots(request: Request, terminal_id: str) -> Response:
        need(request, "viewer")
        with ctx.engine.connect() as conn:
            return _json(last_screenshots(conn, terminal_id))
