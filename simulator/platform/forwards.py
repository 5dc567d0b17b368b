"""Cross-province applications sent on to another province's office (跨省通办, simulated).

When a 异地代收代办 or 多地联办 application is submitted by a citizen registered in another
province (:func:`simulator.platform.where.forwarding_for`), the case is recorded here as
forwarded: to which office, in which mode, who decides. The application answer, the
progress answer and the terminal's receipt say so.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from simulator.platform.store import Store
from simulator.platform.where import Forwarding

SCHEMA = """
CREATE TABLE IF NOT EXISTS forwards (
    case_no TEXT PRIMARY KEY, mode TEXT NOT NULL, province TEXT NOT NULL,
    office TEXT NOT NULL, decided_by TEXT NOT NULL, note TEXT NOT NULL,
    forwarded_at REAL NOT NULL);
"""


class Forwards:
    """Which cases went to another province's office."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.ensure(SCHEMA)

    def record(self, case_no: str, forwarding: Forwarding, now: float) -> dict[str, Any]:
        """Note the case as forwarded (again for the same case: the first record stands)."""
        with self.store.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO forwards VALUES (?,?,?,?,?,?,?)",
                         (case_no, forwarding.mode, forwarding.province, forwarding.office,
                          forwarding.decided_by, forwarding.note, now))
        found = self.get(case_no)
        return found if found is not None else asdict(forwarding)

    def get(self, case_no: str) -> dict[str, Any] | None:
        """The forwarding of a case, or None (a local case)."""
        rows = self.store.query("SELECT mode, province, office, decided_by, note "
                                "FROM forwards WHERE case_no=?", (case_no,))
        return dict(rows[0]) if rows else None
