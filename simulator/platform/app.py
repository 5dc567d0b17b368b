"""The platform simulator's FastAPI application: routes, middleware, error documents."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from common.http_limits import BodyLimitMiddleware
from simulator.platform import (
    limits,
    routes_appointments,
    routes_cases,
    routes_citizen,
    routes_open,
    routes_payments,
    routes_public,
    routes_sim,
    routes_sim_money,
)
from simulator.platform.middleware import FaultMiddleware, SignatureMiddleware
from simulator.platform.schemas import ErrorResponse
from simulator.platform.state import PlatformState

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in ((400, "bad request"), (401, "terminal authentication failed"),
                         (402, "payment required"), (403, "identity or session refused"),
                         (404, "not found"), (409, "conflict"), (410, "expired"),
                         (500, "server error"), (503, "maintenance"))
}

DESCRIPTION = """High-frequency item APIs of the provincial government-service platform
(simulator). Every `/v1` request must be signed by the terminal: headers X-EBT-Terminal,
X-EBT-Timestamp, X-EBT-Nonce, X-EBT-Signature = hex HMAC-SHA256(secret, METHOD \\n
path?query \\n timestamp \\n nonce \\n sha256hex(body)). Demo terminal KM-DEMO-0001 /
demo-secret."""


def create_app(state: PlatformState) -> FastAPI:
    """Build the ASGI app around one simulator state."""
    app = FastAPI(title="e办通 platform simulator", version="1.0.0", description=DESCRIPTION)
    app.state.platform = state
    for module in (routes_public, routes_citizen, routes_cases, routes_payments,
                   routes_appointments):
        app.include_router(module.router, responses=ERRORS)
    app.include_router(routes_sim.router)
    app.include_router(routes_sim_money.router)
    app.include_router(routes_open.router)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, dict) else {
            "code": "http_error", "message": str(exc.detail)}
        return JSONResponse({"error": detail}, status_code=exc.status_code,
                            headers=exc.headers)

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, Any]:
        return {"ok": True, "catalog_version": state.catalog.version}

    app.add_middleware(SignatureMiddleware, secrets=state.terminal_secrets,
                       nonces=state.nonces)
    app.add_middleware(FaultMiddleware, faults=state.faults)
    # outermost: bodies capped while they stream in (issue 17; simulator/platform/limits.py)
    app.add_middleware(BodyLimitMiddleware, limit_for=limits.limit_for,
                       error_body=limits.error_body)
    return app
