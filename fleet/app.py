"""Composition of the fleet server: store, ingest writer, terminal + operator APIs, dashboard.

``create_app(FleetConfig(...))`` returns a FastAPI app whose lifespan starts and stops the
ingest writer. The dashboard's pages, script, style and map are served from this package
(``fleet/web/``) — nothing is loaded from outside.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy import Engine

from fleet import (
    api_alerting,
    api_ops,
    api_paper,
    api_terminal,
    evaluation_stats,
    help_tickets,
    push,
    refused,
)
from fleet.context import FleetConfig, FleetContext
from fleet.db import make_engine
from fleet.districts import map_svg
from fleet.enrolment import create_token
from fleet.ingest import Ingestor
from fleet.metrics import CONTENT_TYPE, FleetCollector, make_registry, render
from fleet.metrics_ops import OpsCollector
from fleet.ops_loop import OpsLoop
from fleet.security import harden, metrics_allowed

WEB = Path(__file__).with_name("web")
STATIC = {"app.js": "text/javascript", "views.js": "text/javascript", "style.css": "text/css",
          "login.js": "text/javascript", "push.js": "text/javascript",
          "operations.js": "text/javascript", "paper.js": "text/javascript",
          "terminal_page.js": "text/javascript", "operations.css": "text/css",
          "help.js": "text/javascript", "evaluations.js": "text/javascript"}


def create_app(config: FleetConfig, engine: Engine | None = None) -> FastAPI:
    """The fleet server app for ``config`` (``engine`` overrides ``config.db_url``)."""
    engine = engine or make_engine(config.db_url)
    ingestor = Ingestor(
        engine, config.rules, sweep_interval_s=config.sweep_interval_s,
        retention_interval_s=config.retention_interval_s, keep_raw_s=config.keep_raw_s,
        interval_hint_s=config.interval_s,
    )
    ctx = FleetContext(config, engine, ingestor)
    if config.enrol_token:  # expiring, limited uses, not re-armed by a restart
        create_token(engine, label="server --enrol-token", uses=config.enrol_token_uses,
                     ttl_s=config.enrol_token_ttl_s, token=config.enrol_token,
                     actor="server --enrol-token", replace=False)

    ops = OpsLoop(engine, ctx.refused, config.alerting)
    hub = push.PushHub(engine, config.rules.offline_after_s, config.push_interval_s)
    registry = make_registry(FleetCollector(
        engine, config.rules.offline_after_s, ingestor.stats, ctx.rejected))
    registry.register(OpsCollector(engine, config.rules.offline_after_s, ctx.refused,
                                   lambda: dict(ops.notifier.counts)))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        ingestor.start()
        ops.start()
        hub.start()
        try:
            yield
        finally:
            await hub.stop()
            ops.stop()
            ingestor.stop()

    dev = not config.production  # the API schema is for developers, not for the internet
    app = FastAPI(title="e办通 fleet server", lifespan=lifespan, redoc_url=None,
                  docs_url="/docs" if dev else None,
                  openapi_url="/openapi.json" if dev else None)
    app.state.fleet = ctx
    app.state.ops = ops
    api_terminal.install(app, ctx)
    refused.install(app, ctx.refused)
    need = api_ops.install(app, ctx)
    help_tickets.install(app, ctx, need)          # 一键求助 (issue 15)
    evaluation_stats.install(app, ctx, need)      # 好差评 figures (issue 15)
    api_alerting.install(app, ctx, need)
    api_paper.install(app, ctx, need)
    push.install(app, hub, need)
    app.state.push = hub
    svg = map_svg()

    harden(app, ctx)  # sealed secrets, sessions, limits, headers (fleet/security.py)

    @app.get("/metrics")
    def metrics(request: Request) -> Response:
        if not metrics_allowed(config, request):
            return Response("metrics need a bearer token\n", status_code=401,
                            media_type="text/plain", headers={"WWW-Authenticate": "Bearer"})
        return Response(render(registry), media_type=CONTENT_TYPE)

    @app.get("/healthz")
    def healthz() -> Response:
        return Response("ok", media_type="text/plain")

    @app.get("/")
    def index() -> FileResponse:
        return FileResponse(WEB / "index.html", media_type="text/html")

    @app.get("/login")
    def login_page() -> FileResponse:
        return FileResponse(WEB / "login.html", media_type="text/html")

    @app.get("/static/map.svg")
    def kunming_map() -> Response:
        return Response(svg, media_type="image/svg+xml")

    @app.get("/static/{name}")
    def static(name: str) -> Response:
        if name not in STATIC:
            return Response("not found", status_code=404)
        return FileResponse(WEB / name, media_type=STATIC[name])

    return app
