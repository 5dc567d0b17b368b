"""A terminal's timeline for its dashboard page: device state changes (from the heartbeat
history), alerts opened and resolved, remote commands and their results, paper refills —
one list, oldest first — and its last screenshots."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from fleet.db import alerts, commands, heartbeats, screenshots
from fleet.db_ops import paper_refills


def device_changes(conn: Connection, terminal_id: str, since: float,
                   limit: int = 5000) -> list[dict[str, Any]]:
    """``{ts, kind: "device", device, state, previous}`` at each change of a device's state."""
    rows = conn.execute(select(heartbeats.c.ts, heartbeats.c.payload).where(
        heartbeats.c.terminal_id == terminal_id, heartbeats.c.ts >= int(since))
        .order_by(heartbeats.c.ts.desc()).limit(limit)).all()[::-1]
    last: dict[str, str] = {}
    out = []
    for ts, payload in rows:
        try:
            devices = json.loads(payload).get("devices", {})
        except ValueError:
            continue
        for name, dev in sorted(devices.items()):
            state = str(dev.get("state", "unknown")) if isinstance(dev, dict) else "unknown"
            if last.get(name) != state:
                out.append({"ts": float(ts), "kind": "device", "device": name, "state": state,
                            "previous": last.get(name)})
                last[name] = state
    return out


def timeline(conn: Connection, terminal_id: str, since: float) -> list[dict[str, Any]]:
    """Everything that happened to the terminal since ``since`` (see module docstring)."""
    events = device_changes(conn, terminal_id, since)
    for a in conn.execute(select(alerts).where(alerts.c.terminal_id == terminal_id,
                                               alerts.c.opened_at >= since)):
        events.append({"ts": a.opened_at, "kind": "alert", "alert": a.kind,
                       "detail": a.detail, "state": "opened"})
        if a.resolved_at is not None:
            events.append({"ts": a.resolved_at, "kind": "alert", "alert": a.kind,
                           "detail": a.detail, "state": "resolved"})
    for c in conn.execute(select(commands).where(commands.c.terminal_id == terminal_id,
                                                 commands.c.created_at >= since)):
        events.append({"ts": c.created_at, "kind": "command", "command": c.kind,
                       "state": c.status, "by": c.created_by, "id": c.id})
    for r in conn.execute(select(paper_refills).where(paper_refills.c.terminal_id == terminal_id,
                                                      paper_refills.c.ts >= since)):
        events.append({"ts": r.ts, "kind": "refill", "state": "refilled",
                       "previous": r.level_before})
    events.sort(key=lambda e: e["ts"])
    return events


def last_screenshots(conn: Connection, terminal_id: str, limit: int = 3
                     ) -> list[dict[str, Any]]:
    """The newest screenshots' ids and times (the images: ``/api/ops/screenshots/{id}``)."""
    rows = conn.execute(select(screenshots.c.id, screenshots.c.ts)
                        .where(screenshots.c.terminal_id == terminal_id)
                        .order_by(screenshots.c.id.desc()).limit(limit))
    return [dict(r._mapping) for r in rows]
