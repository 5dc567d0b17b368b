"""一键求助: help tickets from terminals, seen and acknowledged by operators.

Terminal side (signed like the heartbeat, each nonce once):
``POST /api/v1/help``         {screen, item_code?, proxy?} → {ticket_id, state}
``POST /api/v1/help/status``  {ticket_id} → {ticket_id, state, acknowledged_by?}
Operators (session, role ``operator`` to acknowledge, ``viewer`` to look):
``GET  /api/ops/help``        open and recent tickets, newest first
``POST /api/ops/help/{id}/ack``  → the ticket, acknowledged by the operator

Why a poll and not the heartbeat: a citizen waiting at the screen cannot wait for the next
heartbeat (minutes when the link is quiet), so while a ticket is open the terminal asks for
its state every few seconds, and only then; the dashboard's help panel asks every 2 s. Both
are a single indexed row or a short list — cheaper than holding a push channel open per
terminal, and the dashboard's server-sent events (push.js) can carry the panel later.
"""

from __future__ import annotations

import importlib
import json
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy import Column, Engine, Float, Integer, MetaData, String, Table, select, update
from starlette.concurrency import run_in_threadpool

from fleet.context import FleetContext
from fleet.protocol import API_PREFIX, SignatureError, verify

HELP_PATH = f"{API_PREFIX}/help"
HELP_STATUS_PATH = f"{API_PREFIX}/help/status"
STATES = ("open", "acknowledged", "closed")
MAX_BODY = 4096


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _claim_nonce(engine: Engine, request: Request) -> bool:
    """Each nonce once, where the store keeps nonces (fleet/replay.py, issue 17)."""
    try:
        replay: Any = importlib.import_module("fleet.replay")
    except ImportError:          # no nonce store in this build: the timestamp window only
        return True
    nonce = request.headers.get("x-nonce", "")
    ts = int(request.headers.get("x-timestamp", "0") or 0)
    terminal_id = request.headers.get("x-terminal-id", "")
    return bool(replay.claim_one(engine, terminal_id, nonce, ts))

metadata = MetaData()
tickets = Table(
    "help_tickets", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("terminal_id", String(64), nullable=False, index=True),
    Column("screen", String(40), nullable=False),
    Column("item_code", String(64), nullable=False),
    Column("proxy", Integer, nullable=False, default=0),
    Column("state", String(16), nullable=False, index=True),
    Column("raised_at", Float, nullable=False),
    Column("acknowledged_at", Float),
    Column("acknowledged_by", String(64)),
)


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status_code=status,
                    media_type="application/json")


def raise_ticket(engine: Engine, terminal_id: str, screen: str, item_code: str,
                 proxy: bool, now: float | None = None) -> dict[str, Any]:
    """Open a ticket (a terminal's still-open ticket is reused: one call, one visit)."""
    with engine.begin() as conn:
        row = conn.execute(select(tickets).where(tickets.c.terminal_id == terminal_id,
                                                 tickets.c.state == "open")).first()
        if row is None:
            result = conn.execute(tickets.insert().values(
                terminal_id=terminal_id, screen=screen[:40], item_code=item_code[:64],
                proxy=int(proxy), state="open", raised_at=time.time() if now is None else now))
            key = result.inserted_primary_key
            assert key is not None
            ticket_id = int(key[0])
        else:
            ticket_id = int(row.id)
    return ticket(engine, ticket_id) or {}


def ticket(engine: Engine, ticket_id: int) -> dict[str, Any] | None:
    """One ticket as the API shows it."""
    with engine.connect() as conn:
        row = conn.execute(select(tickets).where(tickets.c.id == ticket_id)).first()
    return None if row is None else {**row._asdict(), "ticket_id": int(row.id)}


def open_tickets(engine: Engine, limit: int = 50) -> list[dict[str, Any]]:
    """Open tickets first, then the latest others, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(tickets).order_by(
            (tickets.c.state == "open").desc(), tickets.c.raised_at.desc()).limit(limit)).all()
    return [{**r._asdict(), "ticket_id": int(r.id)} for r in rows]


def acknowledge(engine: Engine, ticket_id: int, operator: str,
                now: float | None = None) -> dict[str, Any] | None:
    """Mark a ticket acknowledged (again: no change)."""
    with engine.begin() as conn:
        conn.execute(update(tickets).where(tickets.c.id == ticket_id,
                                           tickets.c.state == "open").values(
            state="acknowledged", acknowledged_by=operator[:64],
            acknowledged_at=time.time() if now is None else now))
    return ticket(engine, ticket_id)


async def signed_json(ctx: FleetContext, request: Request) -> tuple[str, dict[str, Any]]:
    """The terminal's id and JSON body of a signed request (the heartbeat's scheme); raises
    :class:`_Refused` with the status to answer."""
    terminal_id = request.headers.get("x-terminal-id", "")
    secret = await ctx.secrets.get(terminal_id) if terminal_id else None
    if secret is None:
        raise _Refused(401, "unknown terminal")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise _Refused(413, "body too large")
    try:
        verify(secret, request.method, request.scope["path"], request.headers, body)
    except SignatureError as exc:
        raise _Refused(401, str(exc)) from exc
    if not await run_in_threadpool(_claim_nonce, ctx.engine, request):
        raise _Refused(401, "request replayed")
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise _Refused(400, "body is not JSON") from exc
    if not isinstance(data, dict):
        raise _Refused(400, "body must be an object")
    return terminal_id, data


def install(app: FastAPI, ctx: FleetContext, need: Any) -> None:
    """Add the help routes; ``need(request, role)`` is the operators' session check."""
    metadata.create_all(ctx.engine)

    async def help_raise(request: Request) -> Response:
        try:
            terminal_id, data = await signed_json(ctx, request)
        except _Refused as exc:
            return _json({"error": str(exc)}, exc.status)
        found = await run_in_threadpool(
            raise_ticket, ctx.engine, terminal_id, str(data.get("screen", ""))[:40],
            str(data.get("item_code", "") or "")[:64], bool(data.get("proxy")))
        return _json({"ticket_id": found["ticket_id"], "state": found["state"]})

    async def help_status(request: Request) -> Response:
        try:
            terminal_id, data = await signed_json(ctx, request)
        except _Refused as exc:
            return _json({"error": str(exc)}, exc.status)
        ticket_id = data.get("ticket_id")
        found = (await run_in_threadpool(ticket, ctx.engine, ticket_id)
                 if isinstance(ticket_id, int) and not isinstance(ticket_id, bool) else None)
        if found is None or found["terminal_id"] != terminal_id:
            return _json({"error": "no such ticket"}, 404)
        return _json({"ticket_id": found["ticket_id"], "state": found["state"],
                      "acknowledged_by": found["acknowledged_by"]})

    app.router.add_route(HELP_PATH, help_raise, methods=["POST"])
    app.router.add_route(HELP_STATUS_PATH, help_status, methods=["POST"])

    @app.get("/api/ops/help")
    def list_help(request: Request) -> Response:
        need(request, "viewer")
        return _json({"tickets": open_tickets(ctx.engine)})

    @app.post("/api/ops/help/{ticket_id}/ack")
    def ack_help(request: Request, ticket_id: int) -> Response:
        operator = need(request, "operator")
        found = acknowledge(ctx.engine, ticket_id, getattr(operator, "username", "operator"))
        if found is None:
            return _json({"error": "no such ticket"}, 404)
        return _json(found)
