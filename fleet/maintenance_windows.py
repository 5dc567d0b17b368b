"""Maintenance windows: planned work during which a terminal's alerts are suppressed.

A window covers the whole fleet, one district or one terminal between two times. A terminal
that reports maintenance mode itself (``maintenance_on`` command, the technician's switch)
is suppressed too. Suppressed alerts stay visible (counted as ``suppressed`` in their
group) but are not notified and have no acknowledgement deadline; if the condition outlasts
the window the group becomes active and is notified then.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from fleet.db_ops import maintenance_windows

SCOPES = ("fleet", "district", "terminal")


@dataclass(frozen=True)
class ActiveWindows:
    """The windows in force at one moment, for quick membership tests."""

    fleet: bool
    districts: frozenset[str]
    terminals: frozenset[str]

    def covers(self, terminal_id: str, district: str) -> bool:
        """True when ``terminal_id`` (in ``district``) is inside a window."""
        return self.fleet or district in self.districts or terminal_id in self.terminals


def active_windows(conn: Connection, now: float) -> ActiveWindows:
    """Windows in force at ``now``."""
    rows = conn.execute(select(maintenance_windows.c.scope, maintenance_windows.c.target).where(
        maintenance_windows.c.starts_at <= now, maintenance_windows.c.ends_at > now)).all()
    return ActiveWindows(
        fleet=any(r.scope == "fleet" for r in rows),
        districts=frozenset(r.target for r in rows if r.scope == "district"),
        terminals=frozenset(r.target for r in rows if r.scope == "terminal"))


def add_window(conn: Connection, scope: str, target: str, starts_at: float, ends_at: float,
               reason: str, operator: str) -> int:
    """Plan a window; return its id (ValueError on a bad scope or times)."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
    if scope != "fleet" and not target:
        raise ValueError("a district or terminal window needs a target")
    if not ends_at > starts_at:
        raise ValueError("a window must end after it starts")
    if ends_at - starts_at > 14 * 86400:
        raise ValueError("a window may last at most 14 days")
    key = conn.execute(maintenance_windows.insert().values(
        scope=scope, target="" if scope == "fleet" else target[:64], starts_at=starts_at,
        ends_at=ends_at, reason=reason[:200], created_by=operator,
        created_at=time.time())).inserted_primary_key
    assert key is not None
    return int(key[0])


def end_window(conn: Connection, window_id: int, now: float) -> bool:
    """End a window now (False when it is not running or planned)."""
    result = conn.execute(update(maintenance_windows).where(
        maintenance_windows.c.id == window_id, maintenance_windows.c.ends_at > now)
        .values(ends_at=now))
    return result.rowcount == 1


def list_windows(conn: Connection, now: float, include_past: bool = False
                 ) -> list[dict[str, Any]]:
    """Running and planned windows (``include_past``: the last 200 too)."""
    query = select(maintenance_windows).order_by(maintenance_windows.c.starts_at.desc())
    if not include_past:
        query = query.where(maintenance_windows.c.ends_at > now)
    out = []
    for row in conn.execute(query.limit(200)):
        d = dict(row._mapping)
        d["active"] = d["starts_at"] <= now < d["ends_at"]
        out.append(d)
    return out
