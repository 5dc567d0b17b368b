"""Terminals in the store: enrolment tokens, enrolment, credentials, overview and detail.

Enrolment: an admin creates a one-time (or n-use) enrolment token
(``python -m fleet token create``); a terminal presents it once to ``POST /api/v1/enrol``
with its id and location and its own secret for signing every later request. An id is
bound once: see :mod:`fleet.enrolment` for re-enrolment.
"""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import Engine, desc, select

from fleet import enrolment
from fleet.alerts import alert_row
from fleet.db import alerts, commands, heartbeat_hourly, heartbeats, terminals
from fleet.enrolment import EnrolmentError

__all__ = ["EnrolmentError", "create_enrol_token", "detail", "enrol", "overview",
           "terminal_secret"]

TERMINAL_ID_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def create_enrol_token(
    engine: Engine, label: str = "", uses: int | None = 1, ttl_s: float | None = 7 * 86400,
    token: str | None = None, terminal_id: str | None = None,
) -> str:
    """Create an enrolment token (``uses`` None = unlimited) and return it (fleet.enrolment)."""
    return enrolment.create_token(engine, label=label, uses=uses, ttl_s=ttl_s, token=token,
                                  terminal_id=terminal_id)


def enrol(engine: Engine, token: str, terminal_id: str, name: str = "", district: str = "",
          address: str = "") -> str:
    """Enrol a *new* terminal with an enrolment token; return its secret.

    An id that is already enrolled needs a token issued for it (or an operator's approval
    through the HTTP API): see :mod:`fleet.enrolment`.
    """
    result = enrolment.enrol(engine, token, terminal_id, name=name, district=district,
                             address=address)
    return result.secret


def terminal_secret(engine: Engine, terminal_id: str) -> str | None:
    """The signing secret of an enrolled terminal, or None."""
    return enrolment.terminal_secret(engine, terminal_id)


def effective_health(health: str, last_seen: float | None, now: float, offline_after: float) -> str:
    """Health with silence taken into account even before the sweeper ran."""
    if last_seen is None:
        return "unknown"
    if now - last_seen > offline_after:
        return "offline"
    return health


def overview(engine: Engine, offline_after: float, now: float | None = None) -> dict[str, Any]:
    """Compact fleet overview: one row per terminal plus counts by health."""
    now = time.time() if now is None else now
    cols = (terminals.c.id, terminals.c.name, terminals.c.district, terminals.c.health,
            terminals.c.paper_level, terminals.c.last_seen, terminals.c.screen)
    with engine.connect() as conn:
        rows = conn.execute(select(*cols).order_by(terminals.c.id)).all()
    counts: dict[str, int] = {}
    out = []
    for tid, name, district, health, paper, seen, screen in rows:
        h = effective_health(health, seen, now, offline_after)
        counts[h] = counts.get(h, 0) + 1
        out.append([tid, name, district, h, paper, seen, screen])
    return {
        "now": now,
        "columns": ["id", "name", "district", "health", "paper", "last_seen", "screen"],
        "terminals": out,
        "by_health": counts,
    }


def detail(engine: Engine, terminal_id: str, offline_after: float,
           now: float | None = None) -> dict[str, Any] | None:
    """Everything the terminal page shows: state, devices, alerts, commands, history."""
    now = time.time() if now is None else now
    with engine.connect() as conn:
        row = conn.execute(select(terminals).where(terminals.c.id == terminal_id)).first()
        if row is None:
            return None
        info = dict(row._mapping)
        info.pop("secret")
        info["devices"] = json.loads(info["devices"] or "{}")
        info["counters"] = json.loads(info["counters"] or "{}")
        info["health"] = effective_health(info["health"], info["last_seen"], now, offline_after)
        info["conditions"] = [c for c in info["conditions"].split("\n") if c]
        info["alerts"] = [
            alert_row(r) for r in conn.execute(
                select(alerts).where(alerts.c.terminal_id == terminal_id)
                .order_by(desc(alerts.c.id)).limit(50))
        ]
        info["commands"] = [
            dict(r._mapping) for r in conn.execute(
                select(commands).where(commands.c.terminal_id == terminal_id)
                .order_by(desc(commands.c.id)).limit(50))
        ]
        info["history"] = [
            dict(r._mapping) for r in conn.execute(
                select(heartbeats.c.ts, heartbeats.c.health, heartbeats.c.paper_level,
                       heartbeats.c.sessions, heartbeats.c.errors)
                .where(heartbeats.c.terminal_id == terminal_id)
                .order_by(desc(heartbeats.c.ts)).limit(240))
        ][::-1]
        info["hourly"] = [
            dict(r._mapping) for r in conn.execute(
                select(heartbeat_hourly).where(heartbeat_hourly.c.terminal_id == terminal_id)
                .order_by(desc(heartbeat_hourly.c.hour)).limit(24 * 14))
        ][::-1]
    return info
