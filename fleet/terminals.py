"""Terminals in the store: enrolment tokens, enrolment, credentials, overview and detail.

Enrolment: an admin creates a one-time (or n-use) enrolment token
(``python -m fleet token create``); a terminal presents it once to ``POST /api/v1/enrol``
with its id and location and receives its own secret for signing every later request.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from typing import Any

from sqlalchemy import Engine, desc, select, update

from fleet.alerts import alert_row
from fleet.db import alerts, commands, enrol_tokens, heartbeat_hourly, heartbeats, terminals

TERMINAL_ID_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


class EnrolmentError(ValueError):
    """Enrolment refused (bad token, bad terminal id)."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_enrol_token(
    engine: Engine, label: str = "", uses: int | None = 1, ttl_s: float | None = 7 * 86400,
    token: str | None = None,
) -> str:
    """Create an enrolment token (``uses`` None = unlimited) and return it."""
    token = token or secrets.token_urlsafe(18)
    now = time.time()
    with engine.begin() as conn:
        conn.execute(enrol_tokens.delete().where(enrol_tokens.c.token_hash == _token_hash(token)))
        conn.execute(
            enrol_tokens.insert().values(
                token_hash=_token_hash(token), label=label, created_at=now,
                expires_at=None if ttl_s is None else now + ttl_s, uses_left=uses,
            )
        )
    return token


def enrol(engine: Engine, token: str, terminal_id: str, name: str = "", district: str = "",
          address: str = "") -> str:
    """Enrol (or re-enrol) a terminal with an enrolment token; return its new secret."""
    if not terminal_id or len(terminal_id) > 64 or set(terminal_id) - TERMINAL_ID_CHARS:
        raise EnrolmentError("terminal_id must be 1-64 characters of A-Z a-z 0-9 - _ .")
    now = time.time()
    secret = secrets.token_hex(32)
    with engine.begin() as conn:
        row = conn.execute(
            select(enrol_tokens).where(enrol_tokens.c.token_hash == _token_hash(token or ""))
        ).first()
        if row is None or (row.expires_at is not None and row.expires_at < now):
            raise EnrolmentError("unknown or expired enrolment token")
        if row.uses_left is not None:
            if row.uses_left <= 0:
                raise EnrolmentError("enrolment token used up")
            conn.execute(
                update(enrol_tokens).where(enrol_tokens.c.token_hash == row.token_hash)
                .values(uses_left=row.uses_left - 1)
            )
        fields = {"name": name[:200], "district": district[:64], "address": address[:300],
                  "secret": secret}
        existing = conn.execute(select(terminals.c.id).where(terminals.c.id == terminal_id))
        if existing.first() is None:
            conn.execute(terminals.insert().values(
                id=terminal_id, enrolled_at=now, last_seq=-1, maintenance=False,
                paper_state="unknown", devices="{}", counters="{}", errors=0,
                health="unknown", conditions="", app_version="", uptime_s=0.0, screen="",
                **fields,
            ))
        else:
            conn.execute(update(terminals).where(terminals.c.id == terminal_id).values(**fields))
    return secret


def terminal_secret(engine: Engine, terminal_id: str) -> str | None:
    """The signing secret of an enrolled terminal, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(terminals.c.secret).where(terminals.c.id == terminal_id)).first()
    return None if row is None else str(row[0])


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
