"""Data at rest in the outbox: after delivery only key, case number and payload hash remain,
on disk as well as in the WAL once the visit ends; refused entries expire and the operators
are told."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

from common.events import EventBus
from kiosk.faults import FaultLog
from kiosk.platform import errors
from kiosk.platform.outbox import Outbox

PHONE = "13987654321"
TOKEN = "sess-7f3c9a51d2e84b6a"
PAYLOAD = {"item_code": "HPF-01", "session_token": TOKEN,
           "form": {"phone": PHONE, "address": "昆明市五华区某某路88号"}, "materials": []}


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def platform(kind: str, payload: dict[str, Any], key: str) -> dict[str, Any]:
    return {"case_no": "KM2026000123", "state": "accepted", "state_name": "已受理",
            "progress_qr": "EBT1:progress", "duplicate": False, "submitted_at": "now"}


def disk_bytes(db: Path) -> bytes:
    return b"".join(Path(f"{db}{s}").read_bytes() for s in ("", "-wal")
                    if Path(f"{db}{s}").exists())


def test_after_the_visit_neither_database_nor_wal_holds_the_phone_or_token(tmp_path: Path
                                                                           ) -> None:
    db = tmp_path / "outbox.sqlite3"
    outbox = Outbox(db, platform)
    outbox.put("application", PAYLOAD, "key-1")
    assert PHONE.encode() in disk_bytes(db)
    assert outbox.drain_once().sent == 1
    assert outbox.result("key-1")["state_name"] == "已受理"  # the waiting visit sees it all
    outbox.end_of_visit()                                   # before: the WAL kept both
    data = disk_bytes(db)
    assert PHONE.encode() not in data and TOKEN.encode() not in data
    assert "五华区某某路".encode() not in data
    assert Path(f"{db}-wal").stat().st_size == 0
    assert outbox.result("key-1") == {"case_no": "KM2026000123"}
    outbox.close()


def test_a_delivered_row_keeps_only_key_case_number_and_hash(tmp_path: Path) -> None:
    db = tmp_path / "outbox.sqlite3"
    outbox = Outbox(db, platform)
    outbox.put("application", PAYLOAD, "key-1")
    outbox.drain_once()
    proof = outbox.proof("key-1")
    outbox.close()
    text = json.dumps(PAYLOAD, ensure_ascii=False)
    assert proof is not None
    assert proof["case_no"] == "KM2026000123"
    assert proof["payload_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("SELECT * FROM outbox").fetchone())
    assert row["payload"] == "{}" and row["result"] is None
    assert row["idempotency_key"] == "key-1" and row["case_no"] == "KM2026000123"


def test_the_session_wipe_ends_the_visit_for_the_outbox(tmp_path: Path) -> None:
    db = tmp_path / "outbox.sqlite3"
    outbox = Outbox(db, platform)
    bus = EventBus()
    bus.subscribe("session.wiped", lambda _t, _p: outbox.end_of_visit())
    outbox.put("application", PAYLOAD, "key-1")
    outbox.drain_once()
    bus.publish("session.wiped", None)
    assert PHONE.encode() not in disk_bytes(db)
    outbox.close()


def test_refused_entries_expire_after_the_configured_days_and_operators_are_told(
        tmp_path: Path) -> None:
    clock = Clock()

    def refuse(kind: str, payload: dict[str, Any], key: str) -> dict[str, Any]:
        raise errors.RequestRejected("400", code="invalid")

    faults = FaultLog(tmp_path / "faults.json", clock=clock)
    db = tmp_path / "outbox.sqlite3"
    outbox = Outbox(db, refuse, refused_expire_days=7, faults=faults, clock=clock)
    outbox.put("application", PAYLOAD, "key-1")
    outbox.put("application", PAYLOAD, "key-2")
    assert outbox.drain_once().dead == 2
    clock.now += 6 * 86400
    outbox.end_of_visit()
    assert outbox.counts() == {"dead": 2} and faults.all() == []
    clock.now += 2 * 86400
    outbox.end_of_visit()                # before: refused payloads were kept for ever
    assert outbox.counts() == {"expired": 2}
    (fault,) = faults.active()
    assert fault.kind == "refused_expired" and fault.detail.startswith("2 refused")
    assert PHONE.encode() not in disk_bytes(db)
    outbox.close()


def test_rows_delivered_by_an_older_release_lose_their_stored_answer(tmp_path: Path) -> None:
    db = tmp_path / "outbox.sqlite3"
    with sqlite3.connect(db) as conn:   # the first release's schema and a delivered row
        conn.executescript("""
            CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
            payload TEXT NOT NULL, idempotency_key TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL, created_at REAL NOT NULL, sent_at REAL,
            result TEXT, last_error TEXT);""")
        conn.execute("INSERT INTO outbox (kind, payload, idempotency_key, state, "
                     "next_attempt_at, created_at, result) VALUES ('application', '{}', 'old',"
                     " 'sent', 0, 0, ?)", (json.dumps({"case_no": "C-1", "phone": PHONE}),))
    outbox = Outbox(db, platform)
    assert outbox.result("old") == {"case_no": "C-1"}
    outbox.end_of_visit()
    outbox.close()
    assert PHONE.encode() not in disk_bytes(db)
