"""Alerts people can act on: per-terminal alerts grouped by kind and district.

Per-terminal alerts (:mod:`fleet.alerts`) stay the record; operators see and are notified
about *groups*, one per alert family and district ("纸张 paper: 23 terminals in 五华区"
instead of 23 rows). :func:`reconcile` — run by one replica at a time, every second or so
(:mod:`fleet.ops_loop`) — rebuilds the groups from the open alerts and decides what to
tell whom:

- a new group waits ``group_wait_s`` (from its oldest alert) so a wave of alerts becomes
  one notification;
- each group is notified once when it opens, again only when its severity rises (paper low
  → out: the acknowledgement is cleared and a new deadline set), when its acknowledgement
  deadline is missed (to the second role) and when it resolves;
- alerts of terminals in maintenance (a window, or the terminal's own maintenance mode)
  are counted as suppressed: not notified, no deadline;
- a terminal whose paper goes from low to out keeps one alert that escalates
  (:func:`escalate_in_place`, called by :func:`fleet.alerts.apply_condition_changes`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select, update

from fleet.alerting import AlertingConfig
from fleet.db import alerts, terminals
from fleet.db_ops import alert_groups
from fleet.maintenance_windows import active_windows

FAMILY = {"paper_low": "paper", "paper_out": "paper", "offline": "offline",
          "device_fault": "device_fault", "error_burst": "error_burst",
          "credentials_refused": "credentials_refused"}
SEVERITY = {"paper_low": "warning", "paper_out": "critical", "offline": "critical",
            "device_fault": "critical", "error_burst": "warning",
            "credentials_refused": "critical"}
RANK = {"warning": 1, "critical": 2}
TITLES = {"paper": "纸张 paper", "offline": "离线 offline",
          "device_fault": "设备故障 device fault",
          "error_burst": "错误激增 error burst",
          "credentials_refused": "凭据被拒 credentials refused"}
#: a per-terminal alert of the key kind replaces (escalates) an open one of the value kind
ESCALATES = {"paper_out": "paper_low"}


def family_of(kind: str) -> str:
    """The group family of an alert kind."""
    return FAMILY.get(kind, kind)


def escalate_in_place(conn: Connection, terminal_id: str, opened: list[str], closed: set[str],
                      details: dict[str, str]) -> tuple[list[str], set[str]]:
    """Turn "paper_low closes + paper_out opens" into one escalated alert; return what is
    left to open and to close."""
    for key in list(opened):
        kind, _, subject = key.partition(":")
        lower = ESCALATES.get(kind)
        if lower is None or f"{lower}:{subject}" not in closed:
            continue
        done = conn.execute(update(alerts).where(
            alerts.c.terminal_id == terminal_id, alerts.c.kind == lower,
            alerts.c.subject == subject, alerts.c.resolved_at.is_(None))
            .values(kind=kind, detail=details[key] + " ↑ escalated from " + lower,
                    acked_by=None, acked_at=None))
        if done.rowcount:
            opened.remove(key)
            closed = closed - {f"{lower}:{subject}"}
    return opened, closed


@dataclass
class Bucket:
    """Open alerts of one family in one district."""

    active: dict[str, str] = field(default_factory=dict)      # terminal id → kind
    suppressed: dict[str, str] = field(default_factory=dict)
    first: float = float("inf")  # when the oldest member alert opened

    def severity(self) -> str:
        kinds = self.active.values() or self.suppressed.values()
        return max((SEVERITY.get(k, "warning") for k in kinds), key=RANK.__getitem__)

    def kinds(self) -> str:
        counts: dict[str, int] = {}
        for kind in [*self.active.values(), *self.suppressed.values()]:
            counts[kind] = counts.get(kind, 0) + 1
        return ",".join(f"{k}={n}" for k, n in sorted(counts.items()))


Notify = Callable[[dict[str, Any], str, str], None]  # (group row, event, role)


def _buckets(conn: Connection, now: float) -> dict[tuple[str, str], Bucket]:
    windows = active_windows(conn, now)
    rows = conn.execute(
        select(alerts.c.terminal_id, alerts.c.kind, alerts.c.opened_at, terminals.c.district,
               terminals.c.maintenance)
        .select_from(alerts.outerjoin(terminals, terminals.c.id == alerts.c.terminal_id))
        .where(alerts.c.resolved_at.is_(None))).all()
    out: dict[tuple[str, str], Bucket] = {}
    for tid, kind, opened_at, district, maintenance in rows:
        district = district or ""
        bucket = out.setdefault((family_of(kind), district), Bucket())
        bucket.first = min(bucket.first, opened_at)
        quiet = bool(maintenance) or windows.covers(tid, district)
        target = bucket.suppressed if quiet else bucket.active
        if RANK[SEVERITY.get(kind, "warning")] >= RANK[SEVERITY.get(target.get(tid, kind),
                                                                      "warning")]:
            target[tid] = kind
    return out


def reconcile(conn: Connection, cfg: AlertingConfig, now: float, notify: Notify) -> None:
    """Bring ``alert_groups`` in line with the open alerts; call ``notify`` for what to tell."""
    buckets = _buckets(conn, now)
    open_groups = {(g.family, g.district): dict(g._mapping) for g in conn.execute(
        select(alert_groups).where(alert_groups.c.resolved_at.is_(None)))}
    for key, bucket in buckets.items():
        group = open_groups.pop(key, None)
        values = {"severity": bucket.severity(), "kinds": bucket.kinds(),
                  "count": len(bucket.active), "suppressed": len(bucket.suppressed),
                  "terminals": "\n".join(sorted(bucket.active))}
        if group is None:
            group = {"family": key[0], "district": key[1], "updated_at": now,
                     "opened_at": min(now, bucket.first),
                     "peak": values["count"], **values}
            inserted = conn.execute(alert_groups.insert().values(**group)).inserted_primary_key
            assert inserted is not None
            group.update(id=int(inserted[0]), notified_at=None, notified_severity=None,
                         acked_at=None, acked_by=None, ack_due=None, escalated_at=None)
        changes = {k: v for k, v in values.items() if group.get(k) != v}
        if values["count"] > group.get("peak", 0):
            changes["peak"] = values["count"]
        changes.update(_decide(group | values, cfg, now, notify))
        if changes:
            changes["updated_at"] = now
            conn.execute(update(alert_groups).where(alert_groups.c.id == group["id"])
                         .values(**changes))
    for group in open_groups.values():  # no open alert left: resolved
        conn.execute(update(alert_groups).where(alert_groups.c.id == group["id"])
                     .values(resolved_at=now, updated_at=now))
        if group["notified_at"] is not None:
            resolved = group | {"resolved_at": now}
            notify(resolved, "resolved", cfg.first_role)
            if group["escalated_at"] is not None:
                notify(resolved, "resolved", cfg.second_role)


def _decide(g: dict[str, Any], cfg: AlertingConfig, now: float,
            notify: Notify) -> dict[str, Any]:
    """Notifications due for one open group; returns the columns that change."""
    if not g["count"]:  # only suppressed members: nobody is told, no deadline runs
        return {}
    severity = g["severity"]
    if g["notified_at"] is None:
        if now - g["opened_at"] < cfg.group_wait_s:
            return {}
        notify(g, "opened", cfg.first_role)
        return {"notified_at": now, "notified_severity": severity,
                "ack_due": now + cfg.ack_deadline(severity)}
    if RANK[severity] > RANK.get(g["notified_severity"] or "warning", 1):
        notify(g, "escalated", cfg.first_role)
        if g["escalated_at"] is not None:
            notify(g, "escalated", cfg.second_role)
        return {"notified_severity": severity, "acked_at": None, "acked_by": None,
                "ack_due": now + cfg.ack_deadline(severity)}
    if (g["acked_at"] is None and g["escalated_at"] is None and g["ack_due"] is not None
            and now >= g["ack_due"]):
        notify(g, "overdue", cfg.second_role)
        return {"escalated_at": now}
    return {}


def acknowledge_group(conn: Connection, group_id: int, operator: str, now: float) -> bool:
    """Acknowledge an open group and its members' open alerts; False when not open."""
    row = conn.execute(select(alert_groups).where(
        alert_groups.c.id == group_id, alert_groups.c.resolved_at.is_(None),
        alert_groups.c.acked_at.is_(None))).first()
    if row is None:
        return False
    conn.execute(update(alert_groups).where(alert_groups.c.id == group_id)
                 .values(acked_by=operator, acked_at=now, updated_at=now))
    members = [t for t in row.terminals.split("\n") if t]
    kinds = [k for k, f in FAMILY.items() if f == row.family] or [row.family]
    for chunk in _chunks(members, 500):
        conn.execute(update(alerts).where(
            alerts.c.terminal_id.in_(chunk), alerts.c.kind.in_(kinds),
            alerts.c.resolved_at.is_(None), alerts.c.acked_at.is_(None))
            .values(acked_by=operator, acked_at=now))
    return True


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def group_state(g: dict[str, Any]) -> str:
    """``resolved`` | ``suppressed`` | ``acknowledged`` | ``escalated`` | ``pending`` |
    ``open``."""
    if g.get("resolved_at") is not None:
        return "resolved"
    if not g["count"]:
        return "suppressed"
    if g.get("acked_at") is not None:
        return "acknowledged"
    if g.get("escalated_at") is not None:
        return "escalated"
    return "open" if g.get("notified_at") is not None else "pending"


def title(g: dict[str, Any]) -> str:
    """One line: "纸张 paper: 23 terminals in 五华区 (paper_low=18,paper_out=5)"."""
    where = g["district"] or "未知区县 unknown district"
    n = g["count"] + g["suppressed"]
    return f"{TITLES.get(g['family'], g['family'])}: {n} terminals in {where} ({g['kinds']})"


def list_groups(conn: Connection, *, include_resolved: bool = False,
                limit: int = 300) -> list[dict[str, Any]]:
    """Groups, open first (by severity, size), then recently resolved."""
    query = select(alert_groups)
    if not include_resolved:
        query = query.where(alert_groups.c.resolved_at.is_(None))
    rows = [dict(r._mapping) for r in conn.execute(
        query.order_by(alert_groups.c.updated_at.desc()).limit(limit))]
    for g in rows:
        g["state"] = group_state(g)
        g["title"] = title(g)
        g["terminals"] = [t for t in g["terminals"].split("\n") if t]
    rows.sort(key=lambda g: (g["resolved_at"] is not None, -RANK.get(g["severity"], 0),
                             -(g["count"] + g["suppressed"])))
    return rows
