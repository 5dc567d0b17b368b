"""Composition of the fleet server: store, ingest writer, terminal + operator APIs, dashboard.

``create_app(FleetConfig(...))`` returns a FastAPI app whose lifespan starts and stops the
ingest writer. The dashboard's pages, script, style and map are served from this package
(``fleet/web/``) — nothing is loaded from outside.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
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
from fleet.accounts import session_key
from fleet.context import FleetConfig, FleetContext
from fleet.db import make_engine
from fleet.districts import map_svg
from fleet.ingest import Ingestor
from fleet.metrics import CONTENT_TYPE, FleetCollector, make_registry, render
from fleet.metrics_ops import OpsCollector
from fleet.ops_loop import OpsLoop
from fleet.terminals import create_enrol_token

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
    ctx = FleetContext(config, engine, ingestor, session_key(engine))
    if config.enrol_token:
        create_enrol_token(engine, label="server --enrol-token", uses=None, ttl_s=None,
                           token=config.enrol_token)
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

    app = FastAPI(title="e办通 fleet server", lifespan=lifespan, docs_url=None, redoc_url=None)
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

    @app.get("/metrics")
    def metrics() -> Response:
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
