"""The terminal-secret cache and the SQLite pool behind it (fleet/context.py, fleet/db.py)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from sqlalchemy import event, text

from fleet.context import SecretCache
from fleet.db import SQLITE_POOL_SIZE, make_engine
from fleet.terminals import create_enrol_token, enrol


def test_concurrent_misses_are_read_in_one_batch(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'f.db'}")
    token = create_enrol_token(engine, uses=None)
    creds = {f"KM-{i}": enrol(engine, token, f"KM-{i}") for i in range(20)}
    cache = SecretCache(engine)

    async def main() -> list[str | None]:
        ids = [*creds, *creds, "nobody"]  # every id twice, one unknown
        return await asyncio.gather(*(cache.get(tid) for tid in ids))

    got = asyncio.run(main())
    assert got == [*creds.values(), *creds.values(), None]
    assert cache.lookups <= 2  # one read for all of them (plus at most one straggler batch)
    before = cache.lookups
    assert asyncio.run(cache.get("KM-3")) == creds["KM-3"]  # now a hit
    assert cache.lookups == before
    engine.dispose()


def test_forget_during_a_lookup_is_not_undone_by_it() -> None:
    """A read that began before a re-enrolment must not put the old secret back."""
    secrets = {"KM-1": "old"}
    started, release = threading.Event(), threading.Event()
    calls: list[list[str]] = []

    def loader(ids: list[str]) -> dict[str, str | None]:
        calls.append(ids)
        value = secrets["KM-1"]
        if len(calls) == 1:
            started.set()
            release.wait(5)
        return {tid: value for tid in ids}

    cache = SecretCache(None, loader=loader)  # type: ignore[arg-type]

    async def main() -> tuple[str | None, str | None]:
        first = asyncio.ensure_future(cache.get("KM-1"))
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 5)
        secrets["KM-1"] = "new"  # re-enrolled while the read was under way
        cache.forget("KM-1")
        release.set()
        return await first, await cache.get("KM-1")

    during, after = asyncio.run(main())
    assert during == "old"  # the request that was already waiting
    assert after == "new" and len(calls) == 2


def test_forget_and_refresh_read_the_store_again() -> None:
    secrets = {"KM-1": "a"}
    cache = SecretCache(None, loader=lambda ids: {t: secrets.get(t) for t in ids})  # type: ignore[arg-type]
    assert asyncio.run(cache.get("KM-1")) == "a"
    secrets["KM-1"] = "b"
    assert asyncio.run(cache.get("KM-1")) == "a"  # cached
    assert asyncio.run(cache.get("KM-1", refresh=True)) == "b"
    secrets["KM-1"] = "c"
    cache.forget("KM-1")
    assert asyncio.run(cache.get("KM-1")) == "c"


def test_sqlite_connections_are_kept_and_reused(tmp_path: Path) -> None:
    """Busy request threads reuse pooled connections instead of opening new ones."""
    engine = make_engine(f"sqlite:///{tmp_path / 'f.db'}")
    opened = []
    event.listen(engine, "connect", lambda *_: opened.append(1))
    width = min(12, SQLITE_POOL_SIZE)
    for _ in range(3):
        barrier = threading.Barrier(width)

        def work(barrier: threading.Barrier = barrier) -> None:
            with engine.connect() as conn:
                barrier.wait(10)  # all connections checked out at once
                conn.execute(text("SELECT 1"))

        threads = [threading.Thread(target=work) for _ in range(width)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(opened) <= width  # the default pool (5) reopened 7 on every round
    engine.dispose()
