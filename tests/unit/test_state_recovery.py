"""Damaged state: caches moved aside and rebuilt, the outbox quarantined (never deleted)
with the operators told how many entries it held, a vanished outbox reported, state files
owner-only; the technician CLIs answer in one line."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.agent.buffer import DurableBuffer
from kiosk.faults import FaultLog
from kiosk.platform.catalog_cache import CatalogCache
from kiosk.platform.outbox import Outbox
from kiosk.platform.pinyin import PinyinStore
from kiosk.storage import DamagedState, open_rebuildable, sqlite_problem
from kiosk.voice.backends import RecordingBackend

ROOT = Path(__file__).resolve().parents[2]


def sender(kind: str, payload: dict[str, Any], key: str) -> dict[str, Any]:
    return {"case_no": f"C-{key}"}


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 100])


def bad_header(path: Path) -> None:
    with path.open("r+b") as fh:
        fh.write(b"NOT SQLITE AT ALL")


def damaged_page(path: Path) -> None:
    with path.open("r+b") as fh:   # page 2 onwards: the tables' b-tree pages
        fh.seek(4096 + 8)
        fh.write(os.urandom(3000))


DAMAGE = {"truncated": truncate, "bad header": bad_header, "damaged page": damaged_page}


def filled_outbox(db: Path, pending: int) -> None:
    outbox = Outbox(db, sender)
    for n in range(pending):
        outbox.put("application", {"item_code": "X", "form": {"note": "x" * 3000}}, f"k{n}")
    outbox.checkpoint()
    outbox.close()


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_outbox_is_quarantined_counted_and_replaced(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "platform" / "outbox.sqlite3"
    filled_outbox(db, 5)
    DAMAGE[damage](db)
    faults = FaultLog(tmp_path / "faults.json")
    outbox = Outbox(db, sender, faults=faults)          # before: sqlite3.DatabaseError
    assert outbox.counts() == {}
    outbox.put("evaluation", {"case_no": "1", "level": 5}, "fresh")
    outbox.close()
    (kept,) = [p for p in (db.parent / "quarantine").iterdir() if not p.name.endswith("-shm")]
    assert kept.name.startswith("outbox.sqlite3.") and kept.stat().st_size > 0
    (fault,) = faults.active()
    assert fault.kind == "outbox_quarantined" and fault.subject == "outbox"
    if damage == "bad header":
        assert "unknown number" in fault.detail
    else:
        assert "undelivered entries" in fault.detail and "quarantine/" in fault.detail
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_quarantine_counts_the_entries_the_file_held(tmp_path: Path) -> None:
    db = tmp_path / "outbox.sqlite3"
    filled_outbox(db, 7)
    with db.open("r+b") as fh:      # an index page: the table itself stays readable
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(size - 4096 + 8)
        fh.write(b"\xff" * 200)
    if sqlite_problem(db) is None:
        pytest.skip("this damage went unnoticed by quick_check on this SQLite")
    faults = FaultLog(tmp_path / "faults.json")
    Outbox(db, sender, faults=faults).close()
    assert faults.active()[0].detail.startswith("7 undelivered entries")


@pytest.mark.parametrize("how", ["deleted", "zero bytes"])
def test_a_vanished_outbox_is_reported(tmp_path: Path, how: str) -> None:
    db = tmp_path / "outbox.sqlite3"
    filled_outbox(db, 2)
    if how == "deleted":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    else:
        db.write_bytes(b"")
    faults = FaultLog(tmp_path / "faults.json")
    Outbox(db, sender, faults=faults).close()   # before: started silently empty
    (fault,) = faults.active()
    assert fault.kind == "state_missing" and "vanished" in fault.detail
    if how == "zero bytes":
        assert list((tmp_path / "quarantine").glob("outbox.sqlite3.*"))


def test_a_first_start_reports_nothing(tmp_path: Path) -> None:
    faults = FaultLog(tmp_path / "faults.json")
    Outbox(tmp_path / "outbox.sqlite3", sender, faults=faults).close()
    Outbox(tmp_path / "outbox.sqlite3", sender, faults=faults).close()
    assert faults.all() == []


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_catalog_and_pinyin_caches_are_moved_aside_and_rebuilt(
        tmp_path: Path, damage: str) -> None:
    catalog_db, pinyin_db = tmp_path / "catalog.sqlite3", tmp_path / "pinyin.sqlite3"
    cache = CatalogCache(catalog_db)
    cache._conn.executemany("INSERT INTO items VALUES (?,?,?,?)",
                            [(f"c{n}", "d", n, "{}" + " " * 500) for n in range(60)])
    cache._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cache.close()
    store = PinyinStore(pinyin_db, compute=lambda texts: {t: ("x",) for t in texts})
    store([f"名称{n}" * 40 for n in range(60)])
    store.close()
    for path in (catalog_db, pinyin_db):
        DAMAGE[damage](path)
        with pytest.raises(DamagedState):
            CatalogCache(path) if path == catalog_db else PinyinStore(path)
    damaged: list[str] = []
    cache = open_rebuildable(catalog_db, CatalogCache, lambda exc: damaged.append(exc.reason))
    store = open_rebuildable(pinyin_db, PinyinStore, lambda exc: damaged.append(exc.reason))
    assert cache.version == 0 and cache.items() == []
    assert store(["住房"]) is not None
    cache.close()
    store.close()
    assert len(damaged) == 2
    assert len(list((tmp_path / "quarantine").glob("catalog.sqlite3.*"))) >= 1


def test_a_damaged_voice_cache_file_is_rendered_again(tmp_path: Path) -> None:
    backend = RecordingBackend(tmp_path)
    first = backend.render("您好", language="zh_CN", rate="normal")
    truncate(first)
    again = backend.render("您好", language="zh_CN", rate="normal")
    assert again == first and len(backend.rendered) == 2
    assert list((tmp_path / "quarantine").iterdir())


def test_a_damaged_telemetry_buffer_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "buffer.sqlite3"
    buffer = DurableBuffer(path)
    for n in range(200):
        buffer.put("usage", {"n": n, "pad": "x" * 100})
    buffer.close()
    bad_header(path)
    fresh = DurableBuffer(path)
    assert fresh.count() == 0
    fresh.close()


def test_state_files_are_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        outbox = Outbox(tmp_path / "p" / "outbox.sqlite3", sender)
        outbox.put("evaluation", {"case_no": "1", "level": 5}, "k")
        cache = CatalogCache(tmp_path / "p" / "catalog.sqlite3")
        store = PinyinStore(tmp_path / "p" / "pinyin.sqlite3", compute=lambda t: {})
        buffer = DurableBuffer(tmp_path / "f" / "buffer.sqlite3")
        buffer.put("usage", {"n": 1})
        FaultLog(tmp_path / "faults.json").record("state_damaged", "catalog", "test")
        files = [p for p in tmp_path.rglob("*") if p.is_file()]
        assert any(p.name.endswith("-wal") for p in files)
        loose = {str(p.relative_to(tmp_path)): oct(stat.S_IMODE(p.stat().st_mode))
                 for p in files if stat.S_IMODE(p.stat().st_mode) & 0o077}
        assert loose == {}
        for each in (outbox, cache, store, buffer):
            each.close()
    finally:
        os.umask(old)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("damage", DAMAGE)
def test_clis_answer_damaged_files_in_one_line(tmp_path: Path, damage: str) -> None:
    outbox_db, catalog_db = tmp_path / "outbox.sqlite3", tmp_path / "catalog.sqlite3"
    filled_outbox(outbox_db, 3)
    cache = CatalogCache(catalog_db)
    cache._conn.executemany("INSERT INTO items VALUES (?,?,?,?)",
                            [(f"c{n}", "d", n, "{}" + " " * 500) for n in range(60)])
    cache._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cache.close()
    for path in (outbox_db, catalog_db):
        DAMAGE[damage](path)
    for done in (run_cli("outbox", "status", "--db", str(outbox_db)),
                 run_cli("catalog", "stats", "--db", str(catalog_db))):
        output = (done.stdout + done.stderr).strip()
        assert done.returncode == 2, output
        assert "Traceback" not in output and len(output.splitlines()) == 1, output
        assert "integrity" in output or "damaged" in output or "header" in output
    # the CLIs only look: the damaged files stay where they are for the terminal to handle
    assert not (tmp_path / "quarantine").exists()
    assert sqlite_problem(outbox_db) is not None


def test_wal_file_keeps_the_same_owner_only_mode(tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite3"
    outbox = Outbox(db, sender)
    outbox.put("evaluation", {"case_no": "1", "level": 5}, "k")
    wal = Path(f"{db}-wal")
    assert wal.exists() and stat.S_IMODE(wal.stat().st_mode) == 0o600
    outbox.close()
