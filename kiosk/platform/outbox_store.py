"""Opening the outbox's SQLite file safely: damaged files quarantined, a vanished one reported.

The outbox holds applications and evaluations the platform has not confirmed yet, so it is
never deleted and never silently replaced:

* a file that fails its integrity check (see :mod:`kiosk.storage`) is moved to
  ``quarantine/`` with its side files, the entries it still holds are counted, a fresh
  outbox is started and the operators are told (fault ``outbox_quarantined`` with the
  count — the entries can be recovered from the quarantined copy by hand);
* a marker ``<outbox>.seen`` is written once the outbox exists; if the marker is there but
  the outbox is gone or zero bytes long, the fault ``state_missing`` says so (the
  zero-length file is quarantined too, so nothing is deleted).

The schema is created or brought up to date here; columns added since the first release
(``payload_sha256``, ``case_no``) are added in place, and delivered rows written by older
releases lose their stored answers (only the case number stays).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

from kiosk.faults import FaultLog
from kiosk.storage import DamagedState, count_rows, open_sqlite, quarantine, sqlite_problem

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, payload TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE, state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL,
    created_at REAL NOT NULL, sent_at REAL, result TEXT, last_error TEXT,
    payload_sha256 TEXT, case_no TEXT);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, next_attempt_at);
"""
ADDED_COLUMNS = {"payload_sha256": "TEXT", "case_no": "TEXT"}
UNDELIVERED = "state IN ('pending', 'dead')"


def marker_for(db_path: Path) -> Path:
    """The file that says an outbox existed at ``db_path``."""
    return db_path.with_name(db_path.name + ".seen")


def open_outbox(db_path: Path, faults: FaultLog | None = None) -> sqlite3.Connection:
    """A connection to a checked, current outbox at ``db_path`` (see module docstring)."""
    marker = marker_for(db_path)
    missing = not db_path.exists() or db_path.stat().st_size == 0
    if missing and marker.exists():
        since = marker.read_text(encoding="utf-8").strip() or "?"
        if db_path.exists():
            quarantine(db_path)
        _tell(faults, "state_missing", "outbox",
              f"outbox {db_path.name} vanished or emptied (in use since {since}); "
              "undelivered entries it held are lost unless a backup exists; a fresh outbox "
              "was started")
    problem = sqlite_problem(db_path)
    if problem is not None:
        _quarantine(db_path, problem, faults)
    try:
        conn = open_sqlite(db_path, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.executescript(SCHEMA)
        _migrate(conn)
    except (DamagedState, sqlite3.DatabaseError) as exc:  # damaged past quick_check
        reason = exc.reason if isinstance(exc, DamagedState) else f"damaged: {exc}"
        _quarantine(db_path, reason, faults)
        conn = open_sqlite(db_path, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.executescript(SCHEMA)
    if not marker.exists():
        marker.write_text(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), encoding="utf-8")
        marker.chmod(0o600)
    return conn


def _quarantine(db_path: Path, reason: str, faults: FaultLog | None) -> None:
    moved = quarantine(db_path)
    held = count_rows(moved, "outbox", UNDELIVERED)
    count = "an unknown number of" if held is None else str(held)
    _tell(faults, "outbox_quarantined", "outbox",
          f"{count} undelivered entries held by a damaged outbox, moved to "
          f"quarantine/{moved.name}; a fresh outbox was started ({_short(reason)})")


def _short(reason: str) -> str:
    return reason if len(reason) <= 80 else "…" + reason[-79:]


def _tell(faults: FaultLog | None, kind: str, subject: str, detail: str) -> None:
    if faults is not None:
        faults.record(kind, subject, detail)
    else:
        log.warning("%s:%s %s", kind, subject, detail)


def _migrate(conn: sqlite3.Connection) -> None:
    have = {row[1] for row in conn.execute("PRAGMA table_info(outbox)")}
    for name, kind in ADDED_COLUMNS.items():
        if name not in have:
            conn.execute(f"ALTER TABLE outbox ADD COLUMN {name} {kind}")
    conn.execute("UPDATE outbox SET case_no=json_extract(result, '$.case_no'), result=NULL, "
                 "payload='{}' WHERE state='sent' AND result IS NOT NULL")
