"""Terminals whose credentials are refused, so none of them can go silent unnoticed.

Two sources feed :class:`RefusedLog`: the server's own 401 answers to signed requests
(``note_refusal``) and the terminals' unauthenticated "I am refused" beacon
(``POST /api/v1/refused`` with only ``{"terminal_id", "reason"}``, rate-limited per terminal
and overall, and trusted for nothing else: it only lands in this list). Both are gathered
in memory and written by :meth:`RefusedLog.flush` (the operations loop, every second or so)
into ``refused_terminals``; a refused *enrolled* terminal, or an unknown one that sent a
beacon, gets a ``credentials_refused`` alert, resolved once its heartbeats are accepted
again (or an operator dismisses the entry).

Status shown to operators: ``refused`` (enrolled here, but its signature is not accepted),
``unknown`` (this id is not enrolled at this server), ``recovered`` (accepted since).
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy import Connection, Engine, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from fleet.db import alerts, terminals
from fleet.db_ops import refused_terminals
from fleet.protocol import REFUSAL_REASONS, REFUSED_PATH
from fleet.terminals import TERMINAL_ID_CHARS

ALERT_KIND = "credentials_refused"
MAX_BEACON_BODY = 512
STALE_S = 24 * 3600.0  # an entry without refusals for this long no longer counts


def valid_terminal_id(terminal_id: Any) -> bool:
    """True for an id an enrolment could have issued."""
    return (isinstance(terminal_id, str) and 0 < len(terminal_id) <= 64
            and not set(terminal_id) - TERMINAL_ID_CHARS)


def protocol_reason(internal: str, message: str) -> str:
    """The reason told to the terminal for a 401 (see ``fleet.protocol.REFUSAL_REASONS``)."""
    if internal == "unknown_terminal":
        return "unknown_terminal"
    if "timestamp" in message.lower():
        return "clock_skew"
    return "bad_signature" if internal == "bad_signature" else "other"


class RefusedLog:
    """In-memory gathering of refusals and beacons, written by :meth:`flush`."""

    def __init__(self, *, per_terminal_s: float = 10.0, beacons_per_s: float = 20.0,
                 burst: float = 200.0, max_pending: int = 5000) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, dict[str, Any]] = {}
        self._last_beacon: dict[str, float] = {}
        self._per_terminal = per_terminal_s
        self._rate = beacons_per_s
        self._burst = burst
        self._tokens = burst
        self._refill_at = time.monotonic()
        self._max_pending = max_pending
        self.beacons = {"accepted": 0, "rate_limited": 0, "invalid": 0}

    def _entry(self, terminal_id: str, reason: str, addr: str, now: float) -> dict[str, Any] | None:
        entry = self._pending.get(terminal_id)
        if entry is None:
            if len(self._pending) >= self._max_pending:
                return None
            entry = self._pending[terminal_id] = {"refusals": 0, "beacons": 0, "first": now}
        entry.update(reason=reason, last=now, addr=addr[:64])
        return entry

    def note_refusal(self, terminal_id: str, internal: str, message: str, addr: str) -> str:
        """Record a 401 the server answered; return the reason to tell the terminal."""
        reason = protocol_reason(internal, message)
        if valid_terminal_id(terminal_id):
            with self._lock:
                entry = self._entry(terminal_id, reason, addr, time.time())
                if entry is not None:
                    entry["refusals"] += 1
        return reason

    def beacon(self, terminal_id: str, reason: str, addr: str) -> bool:
        """Record a beacon; False when it is rate-limited (the caller answers 429)."""
        mono = time.monotonic()
        with self._lock:
            self._tokens = min(self._burst, self._tokens + (mono - self._refill_at) * self._rate)
            self._refill_at = mono
            last = self._last_beacon.get(terminal_id)
            if self._tokens < 1 or (last is not None and mono - last < self._per_terminal):
                self.beacons["rate_limited"] += 1
                return False
            self._tokens -= 1
            if len(self._last_beacon) > 50_000:
                self._last_beacon.clear()
            self._last_beacon[terminal_id] = mono
            entry = self._entry(terminal_id, reason, addr, time.time())
            if entry is not None:
                entry["beacons"] += 1
            self.beacons["accepted"] += 1
            return True

    def flush(self, engine: Engine, now: float | None = None) -> int:
        """Write what was gathered, open and resolve alerts; return the entries written."""
        with self._lock:
            pending, self._pending = self._pending, {}
        now = time.time() if now is None else now
        with engine.begin() as conn:
            if pending:
                _upsert(conn, pending)
            _sync_alerts(conn, now)
        return len(pending)


def _upsert(conn: Connection, pending: dict[str, dict[str, Any]]) -> None:
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    t = refused_terminals
    for tid, e in pending.items():
        stmt = insert(t).values(
            terminal_id=tid, reason=e["reason"], first_seen=e["first"], last_seen=e["last"],
            refusals=e["refusals"], beacons=e["beacons"], remote_addr=e["addr"])
        conn.execute(stmt.on_conflict_do_update(index_elements=[t.c.terminal_id], set_={
            "reason": stmt.excluded.reason, "last_seen": stmt.excluded.last_seen,
            "refusals": t.c.refusals + stmt.excluded.refusals,
            "beacons": t.c.beacons + stmt.excluded.beacons,
            "remote_addr": stmt.excluded.remote_addr,
        }))


def _sync_alerts(conn: Connection, now: float) -> None:
    """Open a ``credentials_refused`` alert per currently refused entry; resolve the rest."""
    active = {row["terminal_id"]: row for row in list_refused(conn, now)
              if row["status"] == "refused" or (row["status"] == "unknown" and row["beacons"])}
    open_rows = conn.execute(select(alerts.c.id, alerts.c.terminal_id).where(
        alerts.c.kind == ALERT_KIND, alerts.c.resolved_at.is_(None))).all()
    have = {r.terminal_id for r in open_rows}
    gone = [r.id for r in open_rows if r.terminal_id not in active]
    if gone:
        conn.execute(update(alerts).where(alerts.c.id.in_(gone)).values(resolved_at=now))
    new = [{"terminal_id": tid, "kind": ALERT_KIND, "subject": row["reason"],
            "detail": f"凭据被拒 credentials refused ({row['status']}: {row['reason']})",
            "opened_at": now} for tid, row in active.items() if tid not in have]
    if new:
        conn.execute(alerts.insert(), new)


def list_refused(conn: Connection, now: float | None = None, *,
                 include_all: bool = False) -> list[dict[str, Any]]:
    """Refused and unknown terminals (``include_all``: recovered, dismissed, stale too)."""
    now = time.time() if now is None else now
    r, t = refused_terminals, terminals
    query = (select(r, t.c.id.label("known"), t.c.name, t.c.district,
                    t.c.last_seen.label("accepted_at"))
             .select_from(r.outerjoin(t, t.c.id == r.c.terminal_id)))
    if not include_all:
        query = query.where(
            r.c.last_seen > now - STALE_S,
            or_(r.c.dismissed_at.is_(None), r.c.dismissed_at < r.c.last_seen),
            or_(t.c.last_seen.is_(None), t.c.last_seen < r.c.last_seen))
    out = []
    for row in conn.execute(query.order_by(r.c.last_seen.desc()).limit(5000)):
        d = dict(row._mapping)
        known = d.pop("known") is not None
        recovered = known and d["accepted_at"] is not None and d["accepted_at"] > d["last_seen"]
        d["status"] = "recovered" if recovered else "refused" if known else "unknown"
        d["name"], d["district"] = d["name"] or "", d["district"] or ""
        out.append(d)
    return out


def refused_counts(conn: Connection, now: float | None = None) -> dict[str, int]:
    """Currently refused and unknown terminals, for the metrics."""
    counts = {"refused": 0, "unknown": 0}
    for row in list_refused(conn, now):
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return counts


def dismiss(conn: Connection, terminal_id: str, operator: str, now: float) -> bool:
    """Hide an entry until the terminal is refused again."""
    result = conn.execute(update(refused_terminals).where(
        refused_terminals.c.terminal_id == terminal_id).values(
        dismissed_at=now, dismissed_by=operator))
    return result.rowcount == 1


def install(app: FastAPI, log: RefusedLog) -> None:
    """Add the unauthenticated beacon route ``POST /api/v1/refused``."""

    async def beacon(request: Request) -> Response:
        def answer(status: int, body: dict[str, Any]) -> Response:
            return Response(json.dumps(body), status_code=status, media_type="application/json")

        if int(request.headers.get("content-length") or 0) > MAX_BEACON_BODY:
            log.beacons["invalid"] += 1
            return answer(413, {"error": "beacon too large"})
        body = await request.body()
        try:
            data = json.loads(body[: MAX_BEACON_BODY + 1]) if len(body) <= MAX_BEACON_BODY else None
        except ValueError:
            data = None
        if not (isinstance(data, dict) and set(data) <= {"terminal_id", "reason"}
                and valid_terminal_id(data.get("terminal_id"))
                and data.get("reason", "other") in REFUSAL_REASONS):
            log.beacons["invalid"] += 1
            return answer(400, {"error": "a beacon is {terminal_id, reason} and nothing else"})
        addr = request.client.host if request.client else ""
        if not log.beacon(data["terminal_id"], data.get("reason", "other"), addr):
            return Response(json.dumps({"error": "rate limited"}), status_code=429,
                            media_type="application/json", headers={"Retry-After": "10"})
        return answer(202, {"ok": True})

    app.router.add_route(REFUSED_PATH, beacon, methods=["POST"])
