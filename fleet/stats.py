"""Usage statistics (per item, terminal and day), CSV export, and heartbeat retention.

Usage events arrive with heartbeats (``started`` / ``completed`` / ``abandoned`` per item);
they are stored once each (the terminal's event id dedupes resends) and counted on demand.
Retention keeps raw heartbeats for a while, then folds them into hourly rows per terminal
(count, unhealthy count, lowest paper, highest session and error counters) and deletes them.
"""

from __future__ import annotations

import csv
import io
import time
from typing import Any

from sqlalchemy import Connection, Engine, case, func, select

from fleet.db import heartbeat_hourly, heartbeats, screenshots, usage_events

USAGE_KINDS = ("started", "completed", "abandoned")
MAX_UNIX_TIME = 16_725_225_600  # year 2500: later times are refused, not overflowed
#: a cell starting with one of these is a formula to spreadsheet programs
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text: terminal-reported strings starting with
    ``= + - @`` (or a tab/CR) get a leading apostrophe (OWASP CSV injection advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
CST_OFFSET_S = 8 * 3600  # days are counted in China Standard Time


def day_of(ts: float) -> str:
    """The CST calendar day (YYYY-MM-DD) of a unix time."""
    return time.strftime("%Y-%m-%d", time.gmtime(ts + CST_OFFSET_S))


def validate_usage(raw: Any) -> dict[str, Any]:
    """A cleaned usage event, or ValueError."""
    if not isinstance(raw, dict):
        raise ValueError("usage event must be an object")
    event_id, code = raw.get("event_id"), raw.get("item_code")
    kind, ts = raw.get("kind"), raw.get("ts")
    name = raw.get("item_name", "")
    if not isinstance(event_id, str) or not 0 < len(event_id) <= 64:
        raise ValueError("usage event_id must be a short string")
    if not isinstance(code, str) or not 0 < len(code) <= 64:
        raise ValueError("usage item_code must be a short string")
    if not isinstance(name, str) or len(name) > 200:
        raise ValueError("usage item_name must be a string")
    if kind not in USAGE_KINDS:
        raise ValueError(f"usage kind must be one of {', '.join(USAGE_KINDS)}")
    if isinstance(ts, bool) or not isinstance(ts, int | float) or not 0 < ts < MAX_UNIX_TIME:
        raise ValueError("usage ts must be a unix time")
    return {"event_id": event_id, "item_code": code, "item_name": name, "kind": kind,
            "ts": float(ts), "day": day_of(float(ts))}


def _counts() -> list[Any]:
    return [
        func.sum(case((usage_events.c.kind == k, 1), else_=0)).label(k) for k in USAGE_KINDS
    ]


def _where(query: Any, day_from: str | None, day_to: str | None,
           terminal_id: str | None) -> Any:
    if day_from:
        query = query.where(usage_events.c.day >= day_from)
    if day_to:
        query = query.where(usage_events.c.day <= day_to)
    if terminal_id:
        query = query.where(usage_events.c.terminal_id == terminal_id)
    return query


def usage_by(engine: Engine, dimension: str, day_from: str | None = None,
             day_to: str | None = None, terminal_id: str | None = None) -> list[dict[str, Any]]:
    """Usage counts grouped by ``item``, ``terminal`` or ``day``."""
    if dimension == "item":
        keys = [usage_events.c.item_code, func.max(usage_events.c.item_name).label("item_name")]
        group = [usage_events.c.item_code]
    elif dimension == "terminal":
        keys = [usage_events.c.terminal_id]
        group = [usage_events.c.terminal_id]
    elif dimension == "day":
        keys = [usage_events.c.day]
        group = [usage_events.c.day]
    else:
        raise ValueError("dimension must be item, terminal or day")
    query = _where(select(*keys, *_counts()), day_from, day_to, terminal_id).group_by(*group)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    for row in rows:
        for k in USAGE_KINDS:
            row[k] = int(row[k] or 0)
    if dimension == "day":
        rows.sort(key=lambda r: r["day"])
    else:
        rows.sort(key=lambda r: (-r["started"], str(next(iter(r.values())))))
    return rows


def usage_csv(engine: Engine, day_from: str | None = None, day_to: str | None = None) -> str:
    """CSV of usage per day, terminal and item (UTF-8, header row first)."""
    query = _where(
        select(usage_events.c.day, usage_events.c.terminal_id, usage_events.c.item_code,
               func.max(usage_events.c.item_name).label("item_name"), *_counts()),
        day_from, day_to, None,
    ).group_by(usage_events.c.day, usage_events.c.terminal_id, usage_events.c.item_code)
    query = query.order_by(usage_events.c.day, usage_events.c.terminal_id,
                           usage_events.c.item_code)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["day", "terminal_id", "item_code", "item_name", *USAGE_KINDS])
    with engine.connect() as conn:
        for r in conn.execute(query):
            writer.writerow([csv_cell(r.day), csv_cell(r.terminal_id), csv_cell(r.item_code),
                             csv_cell(r.item_name),
                             *(int(getattr(r, k) or 0) for k in USAGE_KINDS)])
    return out.getvalue()


def downsample_and_prune(conn: Connection, now: float, keep_raw_s: float) -> int:
    """Fold raw heartbeats older than ``keep_raw_s`` (whole hours) into hourly rows.

    Returns the number of raw heartbeats removed.
    """
    cutoff = int(now - keep_raw_s)
    cutoff -= cutoff % 3600
    hour = ((heartbeats.c.ts // 3600) * 3600).label("hour")
    agg = conn.execute(
        select(
            heartbeats.c.terminal_id, hour, func.count().label("count"),
            func.sum(case((heartbeats.c.health == "ok", 0), else_=1)).label("unhealthy"),
            func.min(heartbeats.c.paper_level).label("paper_min"),
            func.max(heartbeats.c.sessions).label("sessions_max"),
            func.max(heartbeats.c.errors).label("errors_max"),
        ).where(heartbeats.c.ts < cutoff).group_by(heartbeats.c.terminal_id, hour)
    ).all()
    # r[2] is the count column (``Row.count`` is the tuple method)
    if not agg:
        return 0
    existing = {
        (r.terminal_id, int(r.hour)): r
        for r in conn.execute(select(heartbeat_hourly).where(heartbeat_hourly.c.hour < cutoff))
    }
    for r in agg:
        key = (r.terminal_id, int(r.hour))
        values = {"count": int(r[2]), "unhealthy": int(r.unhealthy or 0),
                  "paper_min": r.paper_min, "sessions_max": int(r.sessions_max or 0),
                  "errors_max": int(r.errors_max or 0)}
        old = existing.get(key)
        if old is None:
            conn.execute(heartbeat_hourly.insert().values(
                terminal_id=key[0], hour=key[1], **values))
            continue
        mins = [v for v in (old.paper_min, r.paper_min) if v is not None]
        conn.execute(
            heartbeat_hourly.update()
            .where(heartbeat_hourly.c.terminal_id == key[0], heartbeat_hourly.c.hour == key[1])
            .values(count=old.count + values["count"],
                    unhealthy=old.unhealthy + values["unhealthy"],
                    paper_min=min(mins) if mins else None,
                    sessions_max=max(old.sessions_max, values["sessions_max"]),
                    errors_max=max(old.errors_max, values["errors_max"]))
        )
    removed = conn.execute(heartbeats.delete().where(heartbeats.c.ts < cutoff)).rowcount
    return int(removed or 0)


def prune_screenshots(conn: Connection, now: float, keep_s: float, keep_last: int = 3) -> int:
    """Delete screenshots older than ``keep_s`` except each terminal's ``keep_last`` newest."""
    newest: dict[str, list[int]] = {}
    for tid, shot_id in conn.execute(
            select(screenshots.c.terminal_id, screenshots.c.id).order_by(screenshots.c.id.desc())):
        newest.setdefault(tid, [])
        if len(newest[tid]) < keep_last:
            newest[tid].append(int(shot_id))
    keep = [i for ids in newest.values() for i in ids]
    query = screenshots.delete().where(screenshots.c.ts < now - keep_s)
    if keep:
        query = query.where(screenshots.c.id.not_in(keep))
    return int(conn.execute(query).rowcount or 0)
