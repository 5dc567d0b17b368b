"""好差评 for operators: every rating made at a terminal, counted per item, department and
terminal, with CSV, and the bad reviews to follow up.

Terminal side (signed like the heartbeat): ``POST /api/v1/evaluation`` {event_id, item_code,
item_name, kind, level 1..5, reason} — no case number, no person; the same event id twice
is one rating. Operators: ``GET /api/ops/evaluations?by=item|department|terminal`` (counts
per level, bad reviews, satisfaction = share of 4 and 5), ``GET /api/ops/evaluations.csv``,
``GET /api/ops/evaluations/bad`` (open first) and ``POST /api/ops/evaluations/{id}/follow-up``
{note}. The department is the item code's department part (KM-HPF-005 → HPF).
"""

from __future__ import annotations

import csv
import io
import json
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy import Column, Engine, Float, Integer, MetaData, String, Table, func, select
from sqlalchemy import update as sql_update
from starlette.concurrency import run_in_threadpool

from fleet.context import FleetContext
from fleet.help_tickets import _Refused, signed_json
from fleet.protocol import API_PREFIX

EVALUATION_PATH = f"{API_PREFIX}/evaluation"
GROUPS = {"item": "item_code", "department": "department", "terminal": "terminal_id"}

metadata = MetaData()
ratings = Table(
    "evaluation_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("terminal_id", String(64), nullable=False, index=True),
    Column("item_code", String(64), nullable=False, index=True),
    Column("item_name", String(200), nullable=False),
    Column("department", String(32), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("level", Integer, nullable=False),
    Column("reason", String(200), nullable=False),
    Column("ts", Float, nullable=False),
    Column("followed_up_at", Float),
    Column("followed_up_by", String(64)),
    Column("follow_up_note", String(500)),
)


def department_of(item_code: str) -> str:
    """KM-HPF-005 → HPF (the catalog's department code)."""
    parts = item_code.split("-")
    return parts[1] if len(parts) >= 3 else "OTHER"


def clean(raw: dict[str, Any]) -> dict[str, Any]:
    """A rating from a terminal, checked (ValueError names what is wrong)."""
    level = raw.get("level")
    if isinstance(level, bool) or level not in (1, 2, 3, 4, 5):
        raise ValueError("level must be 1..5")
    event_id, code = raw.get("event_id"), raw.get("item_code")
    if not isinstance(event_id, str) or not 0 < len(event_id) <= 64:
        raise ValueError("event_id must be a short string")
    if not isinstance(code, str) or not 0 < len(code) <= 64:
        raise ValueError("item_code must be a short string")
    reason = str(raw.get("reason", ""))[:200]
    if level <= 2 and not reason.strip():
        raise ValueError("a bad review needs its reason")
    return {"event_id": event_id, "item_code": code,
            "item_name": str(raw.get("item_name", ""))[:200],
            "department": department_of(code), "kind": str(raw.get("kind", ""))[:20],
            "level": int(level), "reason": reason}


def record(engine: Engine, terminal_id: str, rating: dict[str, Any],
           now: float | None = None) -> bool:
    """Store a rating; False when this event id was stored before."""
    with engine.begin() as conn:
        if conn.execute(select(ratings.c.id).where(
                ratings.c.event_id == rating["event_id"])).first() is not None:
            return False
        conn.execute(ratings.insert().values(terminal_id=terminal_id,
                                             ts=time.time() if now is None else now, **rating))
    return True


def stats(engine: Engine, by: str) -> list[dict[str, Any]]:
    """Counts per level, bad reviews and satisfaction per item, department or terminal."""
    column = ratings.c[GROUPS[by]]
    levels = [func.sum((ratings.c.level == n).cast(Integer)).label(f"level_{n}")
              for n in (5, 4, 3, 2, 1)]
    with engine.connect() as conn:
        rows = conn.execute(select(column.label("key"), func.count().label("total"), *levels)
                            .group_by(column).order_by(func.count().desc())).all()
    out = []
    for row in rows:
        data = row._asdict()
        total = int(data["total"])
        bad = int(data["level_2"] or 0) + int(data["level_1"] or 0)
        good = int(data["level_5"] or 0) + int(data["level_4"] or 0)
        out.append({**{k: int(v or 0) if k != "key" else v for k, v in data.items()},
                    "bad": bad, "satisfaction": round(good / total, 4) if total else 0.0})
    return out


def to_csv(rows: list[dict[str, Any]], by: str) -> str:
    """The statistics as CSV (UTF-8 with BOM so spreadsheet programs read the Chinese)."""
    out = io.StringIO()
    fields = ["key", "total", "level_5", "level_4", "level_3", "level_2", "level_1", "bad",
              "satisfaction"]
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
    out.write("\ufeff")
    writer.writerow({**{f: f for f in fields}, "key": by})
    writer.writerows(rows)
    return out.getvalue()


def bad_reviews(engine: Engine, limit: int = 200) -> list[dict[str, Any]]:
    """Bad reviews (不满意, 非常不满意), the ones not followed up first."""
    with engine.connect() as conn:
        rows = conn.execute(select(ratings).where(ratings.c.level <= 2).order_by(
            ratings.c.followed_up_at.is_not(None), ratings.c.ts.desc()).limit(limit)).all()
    return [r._asdict() for r in rows]


def follow_up(engine: Engine, rating_id: int, operator: str, note: str) -> bool:
    """Mark a bad review followed up (False: no such bad review)."""
    with engine.begin() as conn:
        done = conn.execute(sql_update(ratings).where(
            ratings.c.id == rating_id, ratings.c.level <= 2).values(
            followed_up_at=time.time(), followed_up_by=operator[:64],
            follow_up_note=note[:500]))
    return bool(done.rowcount)


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status_code=status,
                    media_type="application/json")


def install(app: FastAPI, ctx: FleetContext, need: Any) -> None:
    """Add the rating routes; ``need(request, role)`` is the operators' session check."""
    metadata.create_all(ctx.engine)

    async def evaluation(request: Request) -> Response:
        try:
            terminal_id, data = await signed_json(ctx, request)
            rating = clean(data)
        except _Refused as exc:
            return _json({"error": str(exc)}, exc.status)
        except ValueError as exc:
            return _json({"error": str(exc)}, 400)
        stored = await run_in_threadpool(record, ctx.engine, terminal_id, rating)
        return _json({"accepted": True, "duplicate": not stored})

    app.router.add_route(EVALUATION_PATH, evaluation, methods=["POST"])

    @app.get("/api/ops/evaluations")
    def list_stats(request: Request, by: str = "item") -> Response:
        need(request, "viewer")
        if by not in GROUPS:
            return _json({"error": f"by must be one of {', '.join(GROUPS)}"}, 400)
        return _json({"by": by, "rows": stats(ctx.engine, by)})

    @app.get("/api/ops/evaluations.csv")
    def stats_csv(request: Request, by: str = "item") -> Response:
        need(request, "viewer")
        if by not in GROUPS:
            return _json({"error": f"by must be one of {', '.join(GROUPS)}"}, 400)
        return Response(to_csv(stats(ctx.engine, by), by), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition":
                                 f'attachment; filename="evaluations-by-{by}.csv"'})

    @app.get("/api/ops/evaluations/bad")
    def list_bad(request: Request) -> Response:
        need(request, "viewer")
        return _json({"reviews": bad_reviews(ctx.engine)})

    @app.post("/api/ops/evaluations/{rating_id}/follow-up")
    def mark(request: Request, rating_id: int, payload: dict[str, Any]) -> Response:
        operator = need(request, "operator")
        done = follow_up(ctx.engine, rating_id, getattr(operator, "username", "operator"),
                         str(payload.get("note", "")))
        return _json({"followed_up": done}, 200 if done else 404)
