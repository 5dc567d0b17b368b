"""The terminal's local state files: private permissions, integrity checks, quarantine.

Every SQLite file the terminal keeps (outbox, catalog cache, pinyin cache, telemetry buffer)
is opened through :func:`open_sqlite`, which creates it owner-only (0600; SQLite gives its
``-wal`` and ``-shm`` files the same mode), turns on ``secure_delete`` (what is deleted or
overwritten is zeroed on disk, not left in free pages) and runs ``PRAGMA quick_check``.
A file that fails — truncated, a bad header, a damaged page — raises :class:`DamagedState`
naming the file and the reason. The owner then decides:

* a rebuildable file (catalog, pinyin, voice cache) is moved aside with :func:`quarantine`
  and built again (:func:`open_rebuildable` does both);
* the outbox is quarantined too — never deleted — and a fresh one started; the owner
  counts what the damaged file held (:func:`count_rows`) for the operators' alert.

Quarantined files go to ``<dir>/quarantine/<name>.<UTC time>`` (0600); of rebuildable
files only the newest few are kept, the outbox's are kept for good.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
SQLITE_HEADER = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm", "-journal")
KEEP_REBUILDABLE = 3

T = TypeVar("T")


class DamagedState(Exception):
    """A state file failed its integrity check."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if missing; a new directory is owner-only."""
    path = Path(path)
    if not path.is_dir():
        path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty if missing and make it owner-only (0600)."""
    path = Path(path)
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE)
    os.close(fd)
    os.chmod(path, PRIVATE_FILE)
    for suffix in SIDE_FILES:
        side = Path(f"{path}{suffix}")
        with contextlib.suppress(FileNotFoundError):
            os.chmod(side, PRIVATE_FILE)
    return path


def write_private(path: Path, text: str, *, durable: bool = False) -> None:
    """Replace ``path`` atomically with ``text`` in a new owner-only file (``durable``:
    fsync before the rename, so a power cut leaves the old or the new content)."""
    path = Path(path)
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, PRIVATE_FILE)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def sqlite_problem(path: Path) -> str | None:
    """Why ``path`` is not a usable SQLite database, or None (a missing file is fine)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    if size == 0:
        return "empty file (truncated to zero bytes)"
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        return "not a SQLite database (bad header)"
    try:
        conn = sqlite3.connect(str(path), timeout=5)
    except sqlite3.Error as exc:
        return f"cannot open: {exc}"
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return f"damaged: {exc}"
    finally:
        conn.close()
    verdict = "; ".join(str(r[0]) for r in rows[:3])
    return None if verdict == "ok" else f"damaged: {verdict}"


def open_sqlite(path: Path, *, check_same_thread: bool = False, isolation_level: Any = "",
                timeout: float = 5.0) -> sqlite3.Connection:
    """Open (creating 0600) a checked SQLite database; raises :class:`DamagedState`."""
    path = Path(path)
    problem = sqlite_problem(path)
    if problem is not None:
        raise DamagedState(path, problem)
    private_file(path)
    conn = sqlite3.connect(str(path), check_same_thread=check_same_thread,
                           isolation_level=isolation_level, timeout=timeout)
    try:
        conn.execute("PRAGMA secure_delete=ON")
    except sqlite3.DatabaseError as exc:  # damaged between the check and the open
        conn.close()
        raise DamagedState(path, f"damaged: {exc}") from None
    return conn


def open_ledger(path: Path | str, schema: str) -> sqlite3.Connection:
    """A durable ledger (payments, A4 jobs): checked and 0600 like every state file (or
    ``":memory:"`` for tests), rows by name, WAL with full sync, ``schema`` applied."""
    if str(path) == ":memory:":
        conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = open_sqlite(Path(path), isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.executescript(schema)
    return conn


def count_rows(path: Path, table: str, where: str = "") -> int | None:
    """Rows in ``table`` of a (possibly damaged) database, or None when unreadable."""
    try:
        conn = sqlite3.connect(str(path), timeout=2)
    except sqlite3.Error:
        return None
    try:
        sql = f"SELECT count(*) FROM {table}" + (f" WHERE {where}" if where else "")
        return int(conn.execute(sql).fetchone()[0])
    except (sqlite3.Error, TypeError):
        return None
    finally:
        conn.close()


def quarantine(path: Path, *, keep: int | None = None, clock: Callable[[], float] = time.time
               ) -> Path:
    """Move ``path`` and its side files to ``quarantine/``; return where the file went.

    ``keep``: how many quarantined copies of this file to keep (None: all, for data that
    must never be deleted)."""
    path = Path(path)
    folder = private_dir(path.parent / "quarantine")
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(clock()))
    target = folder / f"{path.name}.{stamp}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{path.name}.{stamp}-{n}"
    for suffix in ("", *SIDE_FILES):
        source = Path(f"{path}{suffix}")
        if source.exists():
            moved = Path(f"{target}{suffix}")
            os.replace(source, moved)
            os.chmod(moved, PRIVATE_FILE)
    if keep is not None:
        copies = sorted(p for p in folder.glob(f"{path.name}.*")
                        if not p.name.endswith(SIDE_FILES))
        for old in copies[:-keep] if keep else copies:
            for suffix in ("", *SIDE_FILES):
                with contextlib.suppress(FileNotFoundError):
                    Path(f"{old}{suffix}").unlink()
    log.warning("state file %s quarantined as %s", path.name, target)
    return target


def open_rebuildable(path: Path, opener: Callable[[Path], T],
                     on_damage: Callable[[DamagedState], None] | None = None) -> T:
    """``opener(path)``; if the file is damaged, move it aside, report it, open afresh."""
    try:
        return opener(path)
    except DamagedState as exc:
        quarantine(path, keep=KEEP_REBUILDABLE)
        log.warning("rebuilding %s: %s", path.name, exc.reason)
        if on_damage is not None:
            on_damage(exc)
        return opener(path)
