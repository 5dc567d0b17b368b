"""Service records (好差评 办件信息): what a citizen did at a terminal, so it can be rated.

The national 好差评 system rates *services*, not only applications: a query, a certificate,
a guide read, a payment or an appointment is a service too ("凡办必评"). The terminal
registers each one it completes (``POST /v1/services``) and gets back a number in the case
numbers' format (random, never a serial — :func:`~simulator.platform.cases.fresh_number`)
and a signed evaluation payload. Applications need no record: their case is the service.

The same table keeps which service each visit rated, so a visit is rated once
(``evaluation_visits``): a second rating from the same terminal and visit is refused.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from typing import Any

from simulator.platform.cases import CaseError, fresh_number
from simulator.platform.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS services (
    service_no TEXT PRIMARY KEY, kind TEXT NOT NULL, item_code TEXT NOT NULL,
    item_name TEXT NOT NULL, department TEXT NOT NULL, holder_hash TEXT NOT NULL,
    terminal_id TEXT NOT NULL, visit_id TEXT NOT NULL, reference TEXT NOT NULL,
    idempotency_key TEXT NOT NULL, created_at REAL NOT NULL,
    UNIQUE (terminal_id, idempotency_key));
CREATE TABLE IF NOT EXISTS evaluation_visits (
    terminal_id TEXT NOT NULL, visit_id TEXT NOT NULL, number TEXT NOT NULL,
    PRIMARY KEY (terminal_id, visit_id));
"""

#: kinds of service a terminal may register (applications are cases already)
KINDS = ("query", "certificate", "guide", "payment", "appointment", "progress")
#: kinds that only an identified citizen can have done
IDENTIFIED_KINDS = frozenset({"query", "certificate"})


@dataclass(frozen=True)
class ServiceRecord:
    """One registered service."""

    service_no: str
    kind: str
    item_code: str
    item_name: str
    department: str
    holder_hash: str
    terminal_id: str
    visit_id: str
    created_at: float


class ServiceRecords:
    """Registers services and remembers which service each visit rated."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.ensure(SCHEMA)

    def register(self, item: dict[str, Any], kind: str, holder_hash: str, terminal_id: str,
                 visit_id: str, reference: str, key: str,
                 now: float) -> tuple[ServiceRecord, bool]:
        """Create the record (or return the one this terminal's key already made)."""
        if kind not in KINDS:
            raise CaseError("bad_kind", 422, f"kind must be one of {', '.join(KINDS)}")
        day = dt.datetime.fromtimestamp(now).strftime("%Y%m%d")
        with self.store.transaction() as conn:
            row = conn.execute("SELECT * FROM services WHERE terminal_id=? AND "
                               "idempotency_key=?", (terminal_id, key)).fetchone()
            if row is not None:
                if (row["item_code"], row["kind"]) != (item["code"], kind):
                    raise CaseError("idempotency_conflict", 409,
                                    "idempotency key already used for another service")
                return _record(row), True
            number = fresh_number(conn, day)
            conn.execute("INSERT INTO services VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                         (number, kind, item["code"], item["name"], item["department"],
                          holder_hash, terminal_id, visit_id, reference, key, now))
            row = conn.execute("SELECT * FROM services WHERE service_no=?",
                               (number,)).fetchone()
        return _record(row), False

    def get(self, number: str) -> ServiceRecord | None:
        """The record with this number, or None."""
        rows = self.store.query("SELECT * FROM services WHERE service_no=?", (number,))
        return _record(rows[0]) if rows else None

    @staticmethod
    def claim_visit(conn: sqlite3.Connection, terminal_id: str, visit_id: str,
                    number: str) -> None:
        """Bind a visit's one evaluation to ``number`` inside the caller's transaction;
        a second, different one is refused."""
        if not visit_id:
            return
        row = conn.execute("SELECT number FROM evaluation_visits WHERE terminal_id=? AND "
                           "visit_id=?", (terminal_id, visit_id)).fetchone()
        if row is not None and row["number"] != number:
            raise CaseError("visit_already_evaluated", 409, "this visit was already rated")
        if row is None:
            conn.execute("INSERT INTO evaluation_visits VALUES (?,?,?)",
                         (terminal_id, visit_id, number))


def _record(row: sqlite3.Row) -> ServiceRecord:
    return ServiceRecord(row["service_no"], row["kind"], row["item_code"], row["item_name"],
                         row["department"], row["holder_hash"], row["terminal_id"],
                         row["visit_id"], float(row["created_at"]))
