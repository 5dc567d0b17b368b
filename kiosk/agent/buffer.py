"""The agent's durable buffer (SQLite): heartbeats, usage events and command results that
have not reached the fleet server yet, plus the heartbeat sequence, done command ids and
small notes (the link state).

Entries are deleted only after the server acknowledged them, so a crash, a power cut or a
long network outage loses nothing (up to a cap per kind; beyond it the oldest heartbeats go
first — they are the least useful). Safe to use from several threads. The file
is owner-only and integrity-checked (:mod:`kiosk.storage`); a damaged buffer is moved to
``quarantine/`` and a fresh one started (what it held was telemetry, not citizens' data).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from kiosk.storage import KEEP_REBUILDABLE, DamagedState, open_sqlite, quarantine

CAPS = {"heartbeat": 20_000, "usage": 200_000, "result": 1_000}


class DurableBuffer:
    """Outbox rows ``(id, kind, body)`` and small persistent counters."""

    def __init__(self, path: str | Path, caps: dict[str, int] | None = None) -> None:
        if str(path) == ":memory:":
            self._db = sqlite3.connect(":memory:", check_same_thread=False)
        else:
            try:
                self._db = open_sqlite(Path(path), timeout=10)
            except DamagedState:
                quarantine(Path(path), keep=KEEP_REBUILDABLE)
                self._db = open_sqlite(Path(path), timeout=10)
        self._lock = threading.Lock()
        self._caps = dict(CAPS, **(caps or {}))
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY "
                             "AUTOINCREMENT, kind TEXT NOT NULL, body TEXT NOT NULL)")
            self._db.execute("CREATE INDEX IF NOT EXISTS ix_outbox_kind ON outbox(kind, id)")
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, "
                             "value INTEGER NOT NULL)")
            self._db.execute("CREATE TABLE IF NOT EXISTS done_commands (id INTEGER PRIMARY KEY)")
            self._db.execute("CREATE TABLE IF NOT EXISTS notes (key TEXT PRIMARY KEY, "
                             "value TEXT NOT NULL)")

    def put(self, kind: str, body: dict[str, Any]) -> None:
        """Append one entry (dropping the oldest of its kind beyond the cap)."""
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        with self._lock, self._db:
            self._db.execute("INSERT INTO outbox(kind, body) VALUES (?, ?)", (kind, text))
            cap = self._caps.get(kind)
            if cap is not None:
                self._db.execute(
                    "DELETE FROM outbox WHERE kind = ? AND id <= (SELECT id FROM outbox "
                    "WHERE kind = ? ORDER BY id DESC LIMIT 1 OFFSET ?)", (kind, kind, cap))

    def peek(self, kind: str, limit: int) -> list[tuple[int, dict[str, Any]]]:
        """The oldest ``limit`` entries of ``kind``."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, body FROM outbox WHERE kind = ? ORDER BY id LIMIT ?", (kind, limit)
            ).fetchall()
        return [(int(i), json.loads(b)) for i, b in rows]

    def delete(self, ids: list[int]) -> None:
        """Remove acknowledged entries."""
        if not ids:
            return
        with self._lock, self._db:
            self._db.executemany("DELETE FROM outbox WHERE id = ?", [(i,) for i in ids])

    def count(self, kind: str | None = None) -> int:
        """Entries waiting (of one kind, or all)."""
        with self._lock:
            if kind is None:
                row = self._db.execute("SELECT count(*) FROM outbox").fetchone()
            else:
                row = self._db.execute("SELECT count(*) FROM outbox WHERE kind = ?",
                                       (kind,)).fetchone()
        return int(row[0])

    def next_seq(self) -> int:
        """The next heartbeat sequence number (persists across restarts)."""
        with self._lock, self._db:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()
            seq = 0 if row is None else int(row[0]) + 1
            self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('seq', ?)", (seq,))
        return seq

    def command_seen(self, command_id: int) -> bool:
        """Remember ``command_id``; True when it was already seen (run commands once)."""
        with self._lock, self._db:
            cur = self._db.execute("INSERT OR IGNORE INTO done_commands(id) VALUES (?)",
                                   (command_id,))
            self._db.execute("DELETE FROM done_commands WHERE id < (SELECT max(id) - 10000 "
                             "FROM done_commands)")
            return cur.rowcount == 0

    def set_note(self, key: str, value: dict[str, Any]) -> None:
        """Keep a small JSON record (e.g. the link state) for tools that read the buffer."""
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO notes(key, value) VALUES (?, ?)",
                             (key, text))

    def note(self, key: str) -> dict[str, Any] | None:
        """A record kept by :meth:`set_note`, or None."""
        with self._lock:
            row = self._db.execute("SELECT value FROM notes WHERE key = ?", (key,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
