"""The terminal's SQLite cache of the item catalog: full and incremental sync, offline use.

The first sync (or one after the platform's catalog lineage changed) replaces everything;
later syncs ask only for what changed since the cached version and apply it in one
transaction, so a failed sync leaves the previous catalog intact. Everything the UI reads
(items, one item, departments, life events) comes from the cache, so it works while the
platform is down. The file is opened through :func:`kiosk.storage.open_sqlite` (0600,
integrity-checked): a damaged cache raises :class:`kiosk.storage.DamagedState`, and the
composition root moves it aside and starts an empty one that the next sync fills.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.platform.client import PlatformClient
from kiosk.platform.models import CatalogItem
from kiosk.storage import open_sqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (code TEXT PRIMARY KEY, department TEXT NOT NULL,
    popularity INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class SyncResult:
    """What a sync did."""

    version: int
    full: bool
    changed: int
    removed: int
    not_modified: bool


@dataclass(frozen=True)
class Department:
    """A department with how many items it offers."""

    name: str
    name_en: str
    count: int


@dataclass(frozen=True)
class LifeEvent:
    """A life event (出生, 住房 …) with how many items belong to it."""

    code: str
    name: str
    count: int


class CatalogCache:
    """Catalog items kept in SQLite at ``db_path``."""

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = Path(db_path)
        self._conn = open_sqlite(self.db_path, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._conn.close()

    def _meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @property
    def version(self) -> int:
        """The cached catalog version (0 = empty cache)."""
        with self._lock:
            return int(self._meta("version") or 0)

    @property
    def synced_at(self) -> float | None:
        """Unix time of the last successful sync, or None."""
        with self._lock:
            value = self._meta("synced_at")
        return float(value) if value else None

    def sync(self, client: PlatformClient) -> SyncResult:
        """Bring the cache up to date; raises PlatformError (cache untouched) on failure."""
        since = self.version
        page = client.catalog(since_version=since or None)
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                if page.full:
                    self._conn.execute("DELETE FROM items")
                self._conn.executemany(
                    "INSERT OR REPLACE INTO items VALUES (?,?,?,?)",
                    [(i.code, i.department, i.popularity, json.dumps(i.raw, ensure_ascii=False))
                     for i in page.items])
                self._conn.executemany("DELETE FROM items WHERE code=?",
                                       [(c,) for c in page.removed])
                if not page.not_modified:
                    self._conn.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)",
                                       (str(page.version),))
                self._conn.execute("INSERT OR REPLACE INTO meta VALUES ('synced_at', ?)",
                                   (str(time.time()),))
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        return SyncResult(page.version if not page.not_modified else since, page.full,
                          len(page.items), len(page.removed), page.not_modified)

    def items(self) -> list[CatalogItem]:
        """Every cached item, most popular first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT json FROM items ORDER BY popularity DESC, code").fetchall()
        return [CatalogItem.from_json(json.loads(r[0])) for r in rows]

    def get(self, code: str) -> CatalogItem | None:
        """One cached item, or None."""
        with self._lock:
            row = self._conn.execute("SELECT json FROM items WHERE code=?", (code,)).fetchone()
        return None if row is None else CatalogItem.from_json(json.loads(row[0]))

    def departments(self) -> list[Department]:
        """Departments with item counts, largest first."""
        counts: dict[str, list[str | int]] = {}
        for item in self.items():
            entry = counts.setdefault(item.department, [item.department_en, 0])
            entry[1] = int(entry[1]) + 1
        return sorted((Department(name, str(en), int(n)) for name, (en, n) in counts.items()),
                      key=lambda d: (-d.count, d.name))

    def life_events(self) -> list[LifeEvent]:
        """Life events with item counts, largest first."""
        counts: dict[tuple[str, str], int] = {}
        for item in self.items():
            for code, name in zip(item.life_events, item.life_event_names, strict=False):
                counts[(code, name)] = counts.get((code, name), 0) + 1
        return sorted((LifeEvent(c, n, k) for (c, n), k in counts.items()),
                      key=lambda e: (-e.count, e.code))
