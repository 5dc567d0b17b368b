"""The simulator's durable state: cases, evaluations and issued certificates in SQLite.

With a ``state_dir`` the database is a file there (survives restarts); without one it is
in memory. One connection guarded by a lock: the simulator's load is small.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (
    case_no TEXT PRIMARY KEY, day TEXT NOT NULL, serial INTEGER NOT NULL,
    item_code TEXT NOT NULL, item_name TEXT NOT NULL, flow TEXT NOT NULL,
    holder_hash TEXT NOT NULL, terminal_id TEXT NOT NULL, idempotency_key TEXT NOT NULL,
    body_hash TEXT NOT NULL, form TEXT NOT NULL, created_at REAL NOT NULL,
    UNIQUE (terminal_id, idempotency_key));
CREATE TABLE IF NOT EXISTS evaluations (
    case_no TEXT PRIMARY KEY, level INTEGER NOT NULL, reason TEXT NOT NULL,
    idempotency_key TEXT NOT NULL, channel TEXT NOT NULL, created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS certificates (
    code TEXT PRIMARY KEY, item_code TEXT NOT NULL, item_name TEXT NOT NULL,
    holder_masked TEXT NOT NULL, issued_at REAL NOT NULL);
"""


class Store:
    """SQLite database of the simulator's state."""

    def __init__(self, state_dir: Path | None = None) -> None:
        path = ":memory:"
        if state_dir is not None:
            state_dir.mkdir(parents=True, exist_ok=True)
            path = str(state_dir / "platform.sqlite3")
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        if path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(SCHEMA)
        self._lock = threading.RLock()

    def ensure(self, schema: str) -> None:
        """Create a component's tables (``CREATE TABLE IF NOT EXISTS …``)."""
        with self._lock:
            self._conn.executescript(schema)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run statements atomically (BEGIN IMMEDIATE … COMMIT)."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        """Run a read-only statement and return all rows."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()
