"""Alert lifecycle in the store: open on a new condition, resolve when it ends, acknowledge.

An alert is *open* while ``resolved_at`` is NULL; an operator may acknowledge an open alert
(it stays open until the condition ends — acknowledging means "someone is on it").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, and_, func, select, update

from fleet.alert_groups import escalate_in_place
from fleet.db import alerts, terminals
from fleet.rules import decode_conditions, encode_conditions, health_of

OFFLINE_KEY = "offline:"


def _split(key: str) -> tuple[str, str]:
    kind, _, subject = key.partition(":")
    return kind, subject


def apply_condition_changes(
    conn: Connection,
    terminal_id: str,
    old: set[str],
    new: Mapping[str, str],
    now: float,
) -> None:
    """Open alerts for keys new in ``new``; resolve open alerts whose key left (paper low →
    out escalates the open alert instead, see :func:`fleet.alert_groups.escalate_in_place`)."""
    opened = [key for key in new if key not in old]
    closed = old - set(new)
    if opened and closed:
        opened, closed = escalate_in_place(conn, terminal_id, opened, closed, dict(new))
    if opened:
        conn.execute(
            alerts.insert(),
            [
                {
                    "terminal_id": terminal_id,
                    "kind": _split(key)[0],
                    "subject": _split(key)[1],
                    "detail": new[key],
                    "opened_at": now,
                }
                for key in opened
            ],
        )
    for key in closed:
        kind, subject = _split(key)
        conn.execute(
            update(alerts)
            .where(
                alerts.c.terminal_id == terminal_id,
                alerts.c.kind == kind,
                alerts.c.subject == subject,
                alerts.c.resolved_at.is_(None),
            )
            .values(resolved_at=now)
        )


def sweep_offline(conn: Connection, now: float, offline_after_s: float) -> list[str]:
    """Mark terminals silent for ``offline_after_s`` offline; return their ids."""
    cutoff = now - offline_after_s
    rows = conn.execute(
        select(terminals.c.id, terminals.c.conditions).where(
            terminals.c.last_seen < cutoff, terminals.c.health != "offline"
        )
    ).all()
    gone: list[str] = []
    for terminal_id, text in rows:
        old = decode_conditions(text)
        new = old | {OFFLINE_KEY}
        result = conn.execute(
            update(terminals)
            .where(terminals.c.id == terminal_id, terminals.c.conditions == text)
            .values(conditions=encode_conditions(new), health=health_of(new, False))
        )
        if result.rowcount == 1:
            detail = f"离线 offline: no heartbeat for {int(offline_after_s)} s"
            keep = {key: "" for key in old}
            apply_condition_changes(conn, terminal_id, old, keep | {OFFLINE_KEY: detail}, now)
            gone.append(terminal_id)
    return gone


def acknowledge(conn: Connection, alert_id: int, operator: str, now: float) -> bool:
    """Acknowledge an open, not yet acknowledged alert; False when there is none."""
    result = conn.execute(
        update(alerts)
        .where(alerts.c.id == alert_id, alerts.c.resolved_at.is_(None), alerts.c.acked_at.is_(None))
        .values(acked_by=operator, acked_at=now)
    )
    return result.rowcount == 1


def alert_row(row: Any) -> dict[str, Any]:
    """An alert row as a dict with its ``state`` (open / acknowledged / resolved)."""
    d = dict(row._mapping)
    d["state"] = (
        "resolved" if d["resolved_at"] is not None
        else "acknowledged" if d["acked_at"] is not None
        else "open"
    )
    return d


def list_alerts(
    conn: Connection, *, open_only: bool = True, terminal_id: str | None = None, limit: int = 500
) -> list[dict[str, Any]]:
    """Alerts, newest first."""
    query = select(alerts)
    conds: list[Any] = []
    if open_only:
        conds.append(alerts.c.resolved_at.is_(None))
    if terminal_id is not None:
        conds.append(alerts.c.terminal_id == terminal_id)
    if conds:
        query = query.where(and_(*conds))
    query = query.order_by(alerts.c.opened_at.desc(), alerts.c.id.desc()).limit(limit)
    return [alert_row(r) for r in conn.execute(query)]


def open_counts_by_kind(conn: Connection) -> dict[str, int]:
    """Number of open alerts per kind."""
    rows = conn.execute(
        select(alerts.c.kind, func.count())
        .where(alerts.c.resolved_at.is_(None))
        .group_by(alerts.c.kind)
    )
    return {kind: int(n) for kind, n in rows}
