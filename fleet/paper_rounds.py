"""Paper rounds: which terminals run out of receipt paper within N hours, per district, in the
order a technician would visit them from the district's depot; marking one refilled.

Paper-use rate: the paper the terminal used (sum of drops in ``paper_level`` between
consecutive heartbeats — a refill is a rise and is not counted) over the time its
heartbeats span in the last ``lookback_h`` hours, in percent per hour. Hours left = current
level ÷ rate (0 when out). Terminals without a rate yet (too few heartbeats, no use) are
left out unless already out of paper.

Route: nearest neighbour from the depot, then 2-opt, on great-circle distances (straight
lines, not roads). Positions come from ``terminal_locations`` (``python -m fleet location
import FILE.csv``); a terminal without one is placed at its district's centre and marked
``estimated``. Depots come from ``depots``, else the district's centre (fleet/districts.py).
"""

from __future__ import annotations

import csv
import io
import math
import time
from typing import Any

from sqlalchemy import Connection, select, text, update

from fleet.alerts import apply_condition_changes
from fleet.db import terminals
from fleet.db_ops import depots, paper_refills, terminal_locations
from fleet.districts import DISTRICTS
from fleet.rules import decode_conditions, encode_conditions, health_of

CENTRES = {d.zh: (d.lat, d.lon) for d in DISTRICTS}
CSV_COLUMNS = ["district", "stop", "terminal_id", "name", "address", "paper_percent",
               "use_per_hour", "hours_left", "leg_km", "total_km", "position"]

_RATES = text("""
SELECT terminal_id,
       SUM(CASE WHEN prev > paper_level THEN prev - paper_level ELSE 0 END) AS used,
       MIN(ts) AS t0, MAX(ts) AS t1
FROM (SELECT terminal_id, ts, paper_level,
             LAG(paper_level) OVER (PARTITION BY terminal_id ORDER BY ts) AS prev
      FROM heartbeats WHERE ts >= :since AND paper_level IS NOT NULL) AS h
GROUP BY terminal_id
""")


def use_rates(conn: Connection, now: float, lookback_h: float = 12.0) -> dict[str, float]:
    """Paper use per terminal, percent per hour (only terminals with a measurable rate)."""
    out: dict[str, float] = {}
    for tid, used, t0, t1 in conn.execute(_RATES, {"since": int(now - lookback_h * 3600)}):
        span_h = (int(t1) - int(t0)) / 3600.0
        if used and span_h >= 0.05:
            out[tid] = float(used) / span_h
    return out


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (math.sin((la2 - la1) / 2) ** 2
         + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def route(depot: tuple[float, float], points: list[tuple[float, float]]) -> list[int]:
    """Visiting order (indexes into ``points``) from ``depot``: nearest neighbour + 2-opt."""
    left, order, here = set(range(len(points))), [], depot
    while left:
        nxt = min(left, key=lambda i: (km(here, points[i]), i))
        order.append(nxt)
        left.remove(nxt)
        here = points[nxt]
    path = [depot] + [points[i] for i in order]

    def length(p: list[tuple[float, float]]) -> float:
        return sum(km(p[i], p[i + 1]) for i in range(len(p) - 1))

    improved = True
    while improved:
        improved = False
        for i in range(1, len(order) - 1):
            for j in range(i + 1, len(order)):
                cand = order[:i] + order[i:j + 1][::-1] + order[j + 1:]
                if length([depot] + [points[k] for k in cand]) + 1e-9 < length(path):
                    order, path, improved = cand, [depot] + [points[k] for k in cand], True
    return order


def plan(conn: Connection, hours: float, district: str | None = None,
         now: float | None = None, lookback_h: float = 12.0) -> list[dict[str, Any]]:
    """Per district: depot and the ordered stops of terminals out of paper within ``hours``."""
    now = time.time() if now is None else now
    rates = use_rates(conn, now, lookback_h)
    query = select(terminals.c.id, terminals.c.name, terminals.c.district,
                   terminals.c.address, terminals.c.paper_level, terminal_locations.c.lat,
                   terminal_locations.c.lon).select_from(terminals.outerjoin(
                       terminal_locations, terminal_locations.c.terminal_id == terminals.c.id))
    if district:
        query = query.where(terminals.c.district == district)
    due: dict[str, list[dict[str, Any]]] = {}
    for tid, name, dist, address, level, lat, lon in conn.execute(query):
        if level is None:
            continue
        rate = rates.get(tid, 0.0)
        left = 0.0 if level <= 0 else (level / rate if rate > 0 else math.inf)
        if left > hours:
            continue
        centre = CENTRES.get(dist, (25.04, 102.71))
        due.setdefault(dist, []).append({
            "terminal_id": tid, "name": name, "address": address, "paper_percent": level,
            "use_per_hour": round(rate, 2), "hours_left": round(left, 1),
            "position": "surveyed" if lat is not None else "estimated",
            "at": (lat, lon) if lat is not None else centre})
    homes = {r.district: r for r in conn.execute(select(depots))}
    out = []
    for dist in sorted(due):
        stops = due[dist]
        home = homes.get(dist)
        depot = (home.lat, home.lon) if home else CENTRES.get(dist, (25.04, 102.71))
        order = route(depot, [s["at"] for s in stops])
        total, here, ordered = 0.0, depot, []
        for n, i in enumerate(order, 1):
            stop = stops[i]
            leg = km(here, stop["at"])
            total += leg
            here = stop["at"]
            ordered.append({**{k: v for k, v in stop.items() if k != "at"}, "stop": n,
                            "lat": stop["at"][0], "lon": stop["at"][1],
                            "leg_km": round(leg, 2), "total_km": round(total, 2)})
        depot_name = home.name if home else f"{dist}政务服务中心"
        out.append({"district": dist, "stops": ordered,
                    "depot": {"name": depot_name, "lat": depot[0], "lon": depot[1]}})
    return out


def _cell(value: Any) -> Any:
    """Keep a spreadsheet from reading a cell as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def plan_csv(rounds: list[dict[str, Any]]) -> str:
    """The rounds as CSV (one row per stop, header first)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rounds:
        for s in r["stops"]:
            writer.writerow([_cell(r["district"] if c == "district" else s[c])
                             for c in CSV_COLUMNS])
    return out.getvalue()


def mark_refilled(conn: Connection, terminal_id: str, operator: str, now: float) -> bool:
    """Record a refill and close the terminal's paper alerts (its next heartbeat is the truth
    again: still low → a new alert). False for an unknown terminal."""
    row = conn.execute(select(terminals.c.conditions, terminals.c.paper_level,
                              terminals.c.maintenance).where(terminals.c.id == terminal_id)
                       ).first()
    if row is None:
        return False
    old = decode_conditions(row.conditions)
    keep = {k for k in old if not k.startswith(("paper_low:", "paper_out:"))}
    apply_condition_changes(conn, terminal_id, old, {k: "" for k in keep}, now)
    conn.execute(update(terminals).where(terminals.c.id == terminal_id).values(
        conditions=encode_conditions(keep), paper_state="full", paper_level=100,
        health=health_of(keep, bool(row.maintenance))))
    conn.execute(paper_refills.insert().values(terminal_id=terminal_id, ts=now, by=operator,
                                               level_before=row.paper_level))
    return True


def refills(conn: Connection, terminal_id: str, limit: int = 20) -> list[dict[str, Any]]:
    """The terminal's last refills, newest first (without who did them)."""
    rows = conn.execute(select(paper_refills.c.ts, paper_refills.c.level_before)
                        .where(paper_refills.c.terminal_id == terminal_id)
                        .order_by(paper_refills.c.ts.desc()).limit(limit))
    return [dict(r._mapping) for r in rows]


def import_locations(conn: Connection, text_csv: str) -> int:
    """Load ``terminal_id,lat,lon`` rows (header optional); return how many were stored."""
    n = 0
    for row in csv.reader(io.StringIO(text_csv)):
        if len(row) < 3 or row[0].strip().lower() == "terminal_id":
            continue
        tid, lat, lon = row[0].strip(), float(row[1]), float(row[2])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"{tid}: bad coordinates")
        conn.execute(terminal_locations.delete().where(terminal_locations.c.terminal_id == tid))
        conn.execute(terminal_locations.insert().values(terminal_id=tid, lat=lat, lon=lon))
        n += 1
    return n


def set_depot(conn: Connection, district: str, name: str, lat: float, lon: float) -> None:
    """Set (or replace) a district's depot."""
    conn.execute(depots.delete().where(depots.c.district == district))
    conn.execute(depots.insert().values(district=district, name=name, lat=lat, lon=lon))
