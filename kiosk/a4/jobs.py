"""The terminal's record of A4 jobs, so nothing is printed twice (SQLite, WAL, FULL sync).

One row per document key (a certificate's verification code): ``submitting`` is written
before the job is sent, ``submitted`` with the CUPS job id, then ``printed`` or
``fallback``. A job the terminal gave up on while CUPS could not be reached is
``abandoned``: when CUPS answers again it is cancelled (``canceled``) so it never comes
out of the printer later, for the next citizen to find.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.storage import open_ledger

SCHEMA = """
CREATE TABLE IF NOT EXISTS a4_jobs (
    doc_key TEXT PRIMARY KEY, job_id INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '', created_at REAL NOT NULL, updated_at REAL NOT NULL);
"""


@dataclass(frozen=True)
class JobRow:
    """One document's A4 job as recorded."""

    doc_key: str
    job_id: int
    state: str
    reason: str
    created_at: float
    updated_at: float


class JobLedger:
    """Thread-safe ledger of A4 jobs."""

    def __init__(self, path: Path | str, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._conn = open_ledger(path, SCHEMA)
        self._lock = threading.Lock()

    def get(self, key: str) -> JobRow | None:
        """The row for a document, if any."""
        with self._lock:
            row = self._conn.execute("SELECT * FROM a4_jobs WHERE doc_key=?", (key,)).fetchone()
        return JobRow(**dict(row)) if row else None

    def set(self, key: str, state: str, job_id: int | None = None, reason: str = "") -> None:
        """Insert or move a document's job to ``state``."""
        now = self._clock()
        with self._lock:
            self._conn.execute(
                "INSERT INTO a4_jobs (doc_key, job_id, state, reason, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?) ON CONFLICT(doc_key) DO UPDATE SET state=excluded.state,"
                " reason=excluded.reason, updated_at=excluded.updated_at, job_id=CASE WHEN "
                "excluded.job_id>0 THEN excluded.job_id ELSE a4_jobs.job_id END",
                (key, job_id or 0, state, reason, now, now))

    def in_state(self, *states: str) -> list[JobRow]:
        """Rows in any of these states."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT * FROM a4_jobs WHERE state IN ({','.join('?' * len(states))})",
                states).fetchall()
        return [JobRow(**dict(r)) for r in rows]

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()
