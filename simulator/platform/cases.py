"""Applications and their progress: case numbers, idempotent submission, state over time.

A case number (办件编号) is ``530100`` + YYYYMMDD + 6 random digits, unique across cases and
service records (never a serial: a number says nothing of how many came before, and
progress and evaluation answer only the case's own citizen — ``ownership.py``). The same
terminal + idempotency key always yields the same case (and the same key with different
content is a conflict). A case moves 已提交 → 已受理 → 审查中 → 已办结 as time passes
(``step_s`` seconds per state, so demos and tests can watch it move). The promised date
(承诺办结) is that many working days after submission on the Chinese holiday calendar
(:mod:`kiosk.calendar_cn`), so it never falls on a weekend or a public holiday.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import sqlite3
from collections.abc import Callable
from typing import Any

from kiosk.calendar_cn import WorkingCalendar
from simulator.platform.store import Store

STATES = [("submitted", "已提交", "Submitted"), ("accepted", "已受理", "Accepted"),
          ("reviewing", "审查中", "Under review"), ("completed", "已办结", "Completed")]


class CaseError(Exception):
    """A submission or lookup that cannot be served; ``code`` and HTTP ``status``."""

    def __init__(self, code: str, status: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class Cases:
    """Submits applications and answers progress from the store."""

    def __init__(self, store: Store, step_s: float = 120.0,
                 calendar: WorkingCalendar | None = None) -> None:
        self.store = store
        self.step_s = step_s
        self.calendar = calendar or WorkingCalendar()

    def submit(self, item: dict[str, Any], holder_hash: str, terminal_id: str, key: str,
               form: dict[str, Any], materials: list[dict[str, Any]],
               now: float) -> tuple[str, bool]:
        """Create the case (or find the one this key already made); return (case_no, dup)."""
        body = json.dumps({"item": item["code"], "holder": holder_hash, "form": form,
                           "materials": materials}, sort_keys=True, ensure_ascii=False)
        body_hash = hashlib.sha256(body.encode()).hexdigest()
        day = dt.datetime.fromtimestamp(now).strftime("%Y%m%d")
        with self.store.transaction() as conn:
            row = conn.execute(
                "SELECT case_no, body_hash FROM cases WHERE terminal_id=? AND idempotency_key=?",
                (terminal_id, key)).fetchone()
            if row is not None:
                if row["body_hash"] != body_hash:
                    raise CaseError("idempotency_conflict", 409,
                                    "idempotency key already used for a different application")
                return str(row["case_no"]), True
            case_no = fresh_number(conn, day)
            serial = int(case_no[-6:])
            conn.execute(
                "INSERT INTO cases VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (case_no, day, serial, item["code"], item["name"], item["flow"], holder_hash,
                 terminal_id, key, body_hash, json.dumps(form, ensure_ascii=False), now))
        return case_no, False

    def get(self, case_no: str) -> dict[str, Any] | None:
        """The stored case, or None."""
        rows = self.store.query("SELECT * FROM cases WHERE case_no=?", (case_no,))
        return dict(rows[0]) if rows else None

    def progress(self, case_no: str, now: float, promised_days: int = 0) -> dict[str, Any]:
        """Where the case is now and how it got there."""
        case = self.get(case_no)
        if case is None:
            raise CaseError("case_not_found", 404, "no case with this number")
        created = float(case["created_at"])
        reached = min(len(STATES) - 1, int(max(0.0, now - created) // self.step_s))
        history = [{"state": s, "state_name": zh, "state_name_en": en,
                    "at": iso_time(created + i * self.step_s)}
                   for i, (s, zh, en) in enumerate(STATES[:reached + 1])]
        promised = self.calendar.add_working_days(dt.datetime.fromtimestamp(created),
                                                  max(promised_days, 0))
        return {"case_no": case_no, "item_code": case["item_code"],
                "item_name": case["item_name"], "state": STATES[reached][0],
                "state_name": STATES[reached][1], "state_name_en": STATES[reached][2],
                "completed": reached == len(STATES) - 1, "submitted_at": iso_time(created),
                "promised_by": promised.isoformat(), "history": history}

    def all_cases(self) -> list[dict[str, Any]]:
        """Every case (for the simulator's control surface and tests)."""
        rows = self.store.query("SELECT case_no, item_code, terminal_id, idempotency_key, "
                                "created_at FROM cases ORDER BY case_no")
        return [dict(r) for r in rows]


def fresh_number(conn: sqlite3.Connection, day: str,
                 draw: Callable[[int], int] = secrets.randbelow) -> str:
    """A number of ``day`` not yet used by a case or a service record (random, not serial)."""
    has_services = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='services'").fetchone()
    for _ in range(64):
        number = f"530100{day}{draw(1_000_000):06d}"
        if conn.execute("SELECT 1 FROM cases WHERE case_no=?", (number,)).fetchone():
            continue
        if has_services and conn.execute("SELECT 1 FROM services WHERE service_no=?",
                                         (number,)).fetchone():
            continue
        return number
    raise CaseError("capacity", 503, "no free case number today")


def iso_time(ts: float) -> str:
    """ISO-8601 local time with offset, to the second."""
    return dt.datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")
