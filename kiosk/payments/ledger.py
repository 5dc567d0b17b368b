"""The terminal's durable record of every payment intent and its order (SQLite).

An intent is written *before* the platform is asked for an order, under its idempotency
key, so a crash at any moment leaves a row that start-up reconciliation can finish: the key
finds the order again (never a second one). Rows keep no personal data: kind, reference
(decision number, year or item code), amount in fen, 缴款码, states and times. WAL with
``synchronous=FULL``: a committed state survives a power cut.

States: ``creating`` → ``open`` → ``paid`` → ``delivered`` (the business step is done)
or ``refund_pending`` → ``refunded``; ``failed``, ``cancelled``, ``expired``, ``abandoned``
(no order was ever made) end an intent that was not paid.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.storage import open_ledger

SCHEMA = """
CREATE TABLE IF NOT EXISTS intents (
    intent_key TEXT PRIMARY KEY, kind TEXT NOT NULL, reference TEXT NOT NULL,
    title TEXT NOT NULL, amount_fen INTEGER NOT NULL, pay_code TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL, receipt_no TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS intents_code ON intents (pay_code);
"""
OPEN_STATES = ("creating", "open", "paid", "refund_pending")
CLOSED_UNPAID = ("failed", "cancelled", "expired")


@dataclass(frozen=True)
class IntentRow:
    """One intent as stored."""

    intent_key: str
    kind: str
    reference: str
    title: str
    amount_fen: int
    pay_code: str
    state: str
    receipt_no: str
    note: str
    created_at: float
    updated_at: float


class Ledger:
    """Thread-safe SQLite ledger of payment intents."""

    def __init__(self, path: Path | str, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._conn = open_ledger(path, SCHEMA)
        self._lock = threading.Lock()

    def begin(self, key: str, kind: str, reference: str, title: str,
              amount_fen: int) -> tuple[IntentRow, bool]:
        """Record an intent (``creating``) unless the key exists; (row, created now)."""
        now = self._clock()
        with self._lock:
            done = self._conn.execute(
                "INSERT OR IGNORE INTO intents (intent_key, kind, reference, title, amount_fen,"
                " state, created_at, updated_at) VALUES (?,?,?,?,?,'creating',?,?)",
                (key, kind, reference, title, amount_fen, now, now)).rowcount
        row = self.get(key)
        assert row is not None
        return row, bool(done)

    def get(self, key: str) -> IntentRow | None:
        """One intent by key."""
        with self._lock:
            row = self._conn.execute("SELECT * FROM intents WHERE intent_key=?",
                                     (key,)).fetchone()
        return IntentRow(**dict(row)) if row else None

    def by_code(self, pay_code: str) -> IntentRow | None:
        """The intent an order belongs to."""
        with self._lock:
            row = self._conn.execute("SELECT * FROM intents WHERE pay_code=?",
                                     (pay_code,)).fetchone()
        return IntentRow(**dict(row)) if row else None

    def update(self, key: str, state: str, *, expect: tuple[str, ...] = (),
               **values: object) -> bool:
        """Move an intent to ``state`` (only from ``expect`` states when given)."""
        sets = ", ".join(["state=?", "updated_at=?", *(f"{k}=?" for k in values)])
        sql = f"UPDATE intents SET {sets} WHERE intent_key=?"
        params: list[object] = [state, self._clock(), *values.values(), key]
        if expect:
            sql += f" AND state IN ({','.join('?' * len(expect))})"
            params += list(expect)
        with self._lock:
            return bool(self._conn.execute(sql, params).rowcount)

    def unfinished(self) -> list[IntentRow]:
        """Intents a restart must look at again."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT * FROM intents WHERE state IN ({','.join('?' * len(OPEN_STATES))}) "
                "ORDER BY created_at", OPEN_STATES).fetchall()
        return [IntentRow(**dict(r)) for r in rows]

    def recently_closed(self, horizon_s: float) -> list[IntentRow]:
        """Unpaid intents closed within ``horizon_s``: a late payment may still arrive."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM intents WHERE state IN ('cancelled','expired') AND pay_code!='' "
                "AND updated_at>=?", (self._clock() - horizon_s,)).fetchall()
        return [IntentRow(**dict(r)) for r in rows]

    def counts(self) -> dict[str, int]:
        """Intents per state."""
        with self._lock:
            rows = self._conn.execute("SELECT state, COUNT(*) FROM intents GROUP BY state")
            return {r[0]: r[1] for r in rows}

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()
