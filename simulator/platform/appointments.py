"""Appointments (预约): venues with counters, working days, half-hour slots with capacity,
holds that expire, confirm, cancel, one active booking per citizen per item.

Venues are the district government-service centres (the halls with counters, not the
24-hour self-service zones). A slot's capacity is the venue's counters for the item's
department × 2 (15 minutes a citizen). Days come from the Chinese working-day calendar
(``workdays.py``). A hold keeps one place for ``hold_ttl_s`` (default 3 min) while the
citizen confirms; an expired hold frees the place. Every decision about a place is taken
inside one ``BEGIN IMMEDIATE`` transaction, so two terminals racing for the last place get
exactly one booking.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import secrets
import sqlite3
from typing import Any

from simulator.platform import workdays
from simulator.platform.cases import CaseError
from simulator.platform.payloads import sig16
from simulator.platform.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS appointment_holds (
    hold_id TEXT PRIMARY KEY, terminal_id TEXT NOT NULL, idempotency_key TEXT NOT NULL,
    item_code TEXT NOT NULL, venue_id TEXT NOT NULL, day TEXT NOT NULL, start TEXT NOT NULL,
    holder_hash TEXT NOT NULL, created_at REAL NOT NULL, expires_at REAL NOT NULL,
    status TEXT NOT NULL, booking_no TEXT NOT NULL DEFAULT '',
    UNIQUE (terminal_id, idempotency_key));
CREATE TABLE IF NOT EXISTS appointments (
    booking_no TEXT PRIMARY KEY, item_code TEXT NOT NULL, item_name TEXT NOT NULL,
    venue_id TEXT NOT NULL, day TEXT NOT NULL, start TEXT NOT NULL, holder_hash TEXT NOT NULL,
    status TEXT NOT NULL, created_at REAL NOT NULL, cancelled_at REAL);
CREATE INDEX IF NOT EXISTS appointments_slot ON appointments (venue_id, day, start, status);
CREATE INDEX IF NOT EXISTS holds_slot ON appointment_holds (venue_id, day, start, status);
"""
STARTS = ("09:00", "09:30", "10:00", "10:30", "11:00", "11:30",
          "13:30", "14:00", "14:30", "15:00", "15:30", "16:00", "16:30")
PER_COUNTER = 2
LEAD_MIN = 30          # a slot today must start at least this far ahead


def _end(start: str) -> str:
    h, m = map(int, start.split(":"))
    m += 30
    return f"{h + m // 60:02d}:{m % 60:02d}"


class Appointments:
    """Venues, slots and bookings over the store."""

    def __init__(self, store: Store, points: list[dict[str, Any]], key: bytes,
                 hold_ttl_s: float = 180.0, seed: int = 0) -> None:
        self.store = store
        self.key = key
        self.hold_ttl_s = hold_ttl_s
        self.venues = [self._venue(p, seed) for p in points if str(p["id"]).endswith("00")]
        store.ensure(SCHEMA)

    @staticmethod
    def _venue(point: dict[str, Any], seed: int) -> dict[str, Any]:
        rng = random.Random(int(hashlib.sha256(f"{seed}:venue:{point['id']}".encode())
                                .hexdigest(), 16))
        return {"id": point["id"], "name": str(point["name"]).replace("24小时自助服务区", ""),
                "district": point["district"], "address": point["address"],
                "lat": point["lat"], "lon": point["lon"],
                "hours": "工作日 09:00-12:00 13:30-17:00", "seed": rng.randint(0, 10**9)}

    def counters(self, venue: dict[str, Any], item: dict[str, Any]) -> int:
        """Counters serving the item's department at a venue (0 = not offered there)."""
        rng = random.Random(f"{venue['seed']}:{item['department_code']}")
        if venue is not self.venues[0] and rng.random() < 0.25:
            return 0
        return rng.randint(1, 3)

    def venue(self, venue_id: str) -> dict[str, Any]:
        """One venue; 404 if unknown."""
        for venue in self.venues:
            if venue["id"] == venue_id:
                return venue
        raise CaseError("venue_not_found", 404, "no venue with this id")

    # -- reading -------------------------------------------------------------------------
    def offering(self, item: dict[str, Any]) -> list[dict[str, Any]]:
        """Venues that take appointments for the item, with their counters."""
        return [dict({k: v for k, v in venue.items() if k != "seed"},
                     counters=self.counters(venue, item))
                for venue in self.venues if self.counters(venue, item)]

    def slots(self, item: dict[str, Any], venue_id: str, now: float,
              days: int = 5) -> list[dict[str, Any]]:
        """The next ``days`` working days with every slot's capacity and places left."""
        venue = self.venue(venue_id)
        capacity = self.counters(venue, item) * PER_COUNTER
        if not capacity:
            raise CaseError("not_offered", 404, "this venue takes no appointments for the item")
        moment = dt.datetime.fromtimestamp(now)
        taken = self._taken(venue_id, now)
        out = []
        for day in workdays.next_workdays(moment.date(), days):
            iso = day.isoformat()
            slots = []
            for start in STARTS:
                if not self._bookable(iso, start, moment):
                    continue
                left = max(0, capacity - taken.get((iso, start), 0))
                slots.append({"start": start, "end": _end(start), "capacity": capacity,
                              "left": left})
            out.append({"date": iso, "weekday": day.isoweekday(),
                        "calendar_known": workdays.is_workday(day)[1], "slots": slots})
        return out

    @staticmethod
    def _bookable(day: str, start: str, moment: dt.datetime) -> bool:
        at = dt.datetime.fromisoformat(f"{day}T{start}")
        return at - moment >= dt.timedelta(minutes=LEAD_MIN)

    def _taken(self, venue_id: str, now: float, conn: sqlite3.Connection | None = None
               ) -> dict[tuple[str, str], int]:
        run = conn.execute if conn is not None else self.store.query
        rows = list(run("SELECT day, start, COUNT(*) AS n FROM appointments WHERE venue_id=? "
                        "AND status='active' GROUP BY day, start", (venue_id,)))
        rows += list(run("SELECT day, start, COUNT(*) AS n FROM appointment_holds WHERE "
                         "venue_id=? AND status='held' AND expires_at>? GROUP BY day, start",
                         (venue_id, now)))
        taken: dict[tuple[str, str], int] = {}
        for row in rows:
            taken[(row["day"], row["start"])] = taken.get((row["day"], row["start"]), 0) + row["n"]
        return taken

    def mine(self, holder_hash: str, now: float) -> list[dict[str, Any]]:
        """The citizen's active bookings from today on."""
        today = dt.datetime.fromtimestamp(now).date().isoformat()
        rows = self.store.query("SELECT * FROM appointments WHERE holder_hash=? AND "
                                "status='active' AND day>=? ORDER BY day, start",
                                (holder_hash, today))
        return [self._booking(r) for r in rows]

    def _booking(self, row: sqlite3.Row) -> dict[str, Any]:
        venue = self.venue(row["venue_id"])
        return {"booking_no": row["booking_no"], "item_code": row["item_code"],
                "item_name": row["item_name"], "venue_id": venue["id"],
                "venue_name": venue["name"], "address": venue["address"], "date": row["day"],
                "start": row["start"], "end": _end(row["start"]), "status": row["status"],
                "checkin_qr": self.checkin_qr(row["booking_no"])}

    def checkin_qr(self, booking_no: str) -> str:
        """The check-in QR payload shown at the venue's queue machine."""
        return f"EBT1:APPT:{booking_no}:{sig16(self.key, f'APPT:{booking_no}')}"

    # -- holding, confirming, cancelling -------------------------------------------------
    def hold(self, item: dict[str, Any], venue_id: str, day: str, start: str,
             holder_hash: str, terminal_id: str, key: str, now: float
             ) -> tuple[dict[str, Any], bool]:
        """Keep one place for the citizen; (hold, duplicate)."""
        venue = self.venue(venue_id)
        capacity = self.counters(venue, item) * PER_COUNTER
        try:
            on = dt.date.fromisoformat(day)
        except ValueError:
            raise CaseError("bad_date", 400, "date must be YYYY-MM-DD") from None
        if not capacity or start not in STARTS or not workdays.is_workday(on)[0] or \
                not self._bookable(day, start, dt.datetime.fromtimestamp(now)):
            raise CaseError("slot_not_offered", 409, "this time cannot be booked")
        with self.store.transaction() as conn:
            row = conn.execute("SELECT * FROM appointment_holds WHERE terminal_id=? AND "
                               "idempotency_key=?", (terminal_id, key)).fetchone()
            if row is not None:
                if (row["venue_id"], row["day"], row["start"], row["holder_hash"]) != (
                        venue_id, day, start, holder_hash):
                    raise CaseError("idempotency_conflict", 409, "key reused for another hold")
                return self._hold(row), True
            self._check_no_booking(conn, holder_hash, item["code"], now)
            conn.execute("UPDATE appointment_holds SET status='released' WHERE holder_hash=? "
                         "AND item_code=? AND status='held'", (holder_hash, item["code"]))
            if self._taken(venue_id, now, conn).get((day, start), 0) >= capacity:
                raise CaseError("slot_full", 409, "no place left at this time")
            hold_id = "H" + secrets.token_hex(8)
            conn.execute("INSERT INTO appointment_holds VALUES (?,?,?,?,?,?,?,?,?,?, 'held', '')",
                         (hold_id, terminal_id, key, item["code"], venue_id, day, start,
                          holder_hash, now, now + self.hold_ttl_s))
            row = conn.execute("SELECT * FROM appointment_holds WHERE hold_id=?",
                               (hold_id,)).fetchone()
        return self._hold(row), False

    def _hold(self, row: sqlite3.Row) -> dict[str, Any]:
        return {"hold_id": row["hold_id"], "item_code": row["item_code"],
                "venue_id": row["venue_id"], "date": row["day"], "start": row["start"],
                "end": _end(row["start"]), "expires_at": row["expires_at"],
                "status": row["status"], "booking_no": row["booking_no"] or None}

    def _check_no_booking(self, conn: sqlite3.Connection, holder_hash: str, item_code: str,
                          now: float) -> None:
        today = dt.datetime.fromtimestamp(now).date().isoformat()
        row = conn.execute("SELECT booking_no FROM appointments WHERE holder_hash=? AND "
                           "item_code=? AND status='active' AND day>=?",
                           (holder_hash, item_code, today)).fetchone()
        if row is not None:
            raise CaseError("already_booked", 409, "you already have a booking for this item; "
                            "cancel it first to choose another time")

    def confirm(self, hold_id: str, holder_hash: str, item_name: str,
                now: float) -> tuple[dict[str, Any], bool]:
        """Turn a live hold into a booking; (booking, duplicate)."""
        with self.store.transaction() as conn:
            row = conn.execute("SELECT * FROM appointment_holds WHERE hold_id=? AND "
                               "holder_hash=?", (hold_id, holder_hash)).fetchone()
            if row is None:
                raise CaseError("hold_not_found", 404, "no such hold")
            if row["status"] == "confirmed":
                booking = conn.execute("SELECT * FROM appointments WHERE booking_no=?",
                                       (row["booking_no"],)).fetchone()
                return self._booking(booking), True
            if row["status"] != "held" or row["expires_at"] <= now:
                raise CaseError("hold_expired", 410, "the place was kept for a limited time "
                                "and has been released; please choose a time again")
            self._check_no_booking(conn, holder_hash, row["item_code"], now)
            day = dt.datetime.fromtimestamp(now).strftime("%Y%m%d")
            serial = conn.execute("SELECT COUNT(*) FROM appointments WHERE booking_no LIKE ?",
                                  (f"Y{day}%",)).fetchone()[0] + 1
            booking_no = f"Y{day}{serial:06d}"
            conn.execute("INSERT INTO appointments VALUES (?,?,?,?,?,?,?, 'active', ?, NULL)",
                         (booking_no, row["item_code"], item_name, row["venue_id"],
                          row["day"], row["start"], holder_hash, now))
            conn.execute("UPDATE appointment_holds SET status='confirmed', booking_no=? "
                         "WHERE hold_id=?", (booking_no, hold_id))
            booking = conn.execute("SELECT * FROM appointments WHERE booking_no=?",
                                   (booking_no,)).fetchone()
        return self._booking(booking), False

    def release(self, hold_id: str, holder_hash: str) -> None:
        """Give a held place back (the citizen went back or left)."""
        with self.store.transaction() as conn:
            conn.execute("UPDATE appointment_holds SET status='released' WHERE hold_id=? AND "
                         "holder_hash=? AND status='held'", (hold_id, holder_hash))

    def cancel(self, booking_no: str, holder_hash: str, now: float) -> dict[str, Any]:
        """Cancel one's own booking (idempotent)."""
        with self.store.transaction() as conn:
            row = conn.execute("SELECT * FROM appointments WHERE booking_no=? AND "
                               "holder_hash=?", (booking_no, holder_hash)).fetchone()
            if row is None:
                raise CaseError("booking_not_found", 404, "no such booking")
            conn.execute("UPDATE appointments SET status='cancelled', cancelled_at=? WHERE "
                         "booking_no=? AND status='active'", (now, booking_no))
            row = conn.execute("SELECT * FROM appointments WHERE booking_no=?",
                               (booking_no,)).fetchone()
        return self._booking(row)

    def fill(self, item: dict[str, Any], venue_id: str, day: str, start: str,
             now: float) -> int:
        """Control surface: book every place left in a slot for synthetic citizens."""
        capacity = self.counters(self.venue(venue_id), item) * PER_COUNTER
        with self.store.transaction() as conn:
            left = capacity - self._taken(venue_id, now, conn).get((day, start), 0)
            for n in range(max(0, left)):
                conn.execute("INSERT INTO appointments VALUES (?,?,?,?,?,?,?, 'active', ?, NULL)",
                             (f"Z{secrets.token_hex(7)}", item["code"], item["name"], venue_id,
                              day, start, f"synthetic-{n}-{secrets.token_hex(4)}", now))
        return max(0, left)
