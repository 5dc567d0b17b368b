"""What the fleet server's request handlers share: config, store engine, ingest, caches.

One :class:`FleetContext` is built per app by :func:`fleet.app.create_app`; nothing here is
global. The secret cache only saves database reads — the store stays the truth, so several
server replicas behind a load balancer can share one PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from fleet.alerting import AlertingConfig
from fleet.enrolment import terminal_secrets
from fleet.ingest import Ingestor
from fleet.refused import RefusedLog
from fleet.rules import RuleConfig


@dataclass(frozen=True)
class FleetConfig:
    """Settings of one fleet server."""

    db_url: str | None = None
    rules: RuleConfig = field(default_factory=RuleConfig)
    interval_s: float = 30.0
    sweep_interval_s: float = 5.0
    keep_raw_s: float = 7 * 86400.0
    retention_interval_s: float = 3600.0
    enrol_token: str | None = None
    secure_cookies: bool = False
    #: security settings (issue 17, docs/security.md)
    production: bool = True  # False (``serve --dev``): /openapi.json and /docs, open /metrics
    metrics_token: str | None = None  # /metrics needs "Authorization: Bearer <token>"
    key_file: str | None = None  # the key sealing terminal secrets (fleet/secretbox.py)
    enrol_token_uses: int | None = 1  # how many terminals the --enrol-token may enrol
    enrol_token_ttl_s: float = 86400.0
    alerting: AlertingConfig = field(default_factory=AlertingConfig)
    push_interval_s: float = 1.0  # how often the dashboard push looks for changes


class _Misses:
    """The secret lookups of one event loop that wait for the store."""

    def __init__(self) -> None:
        self.queued: list[str] = []
        self.waiting: dict[str, asyncio.Future[str | None]] = {}
        self.task: asyncio.Task[None] | None = None


class SecretCache:
    """Decrypted terminal secrets, remembered in memory for ``ttl_s`` seconds.

    The store (sealed, fleet/secretbox.py) stays the truth; the cache only saves reads.
    Misses that arrive together are read in one query on one pooled connection (one
    worker-thread hop per batch, one lookup per terminal however many requests wait for
    it), not one connection and thread hop per request. :meth:`forget` (re-enrolment,
    approval) drops an entry, and a lookup that was under way when something was
    forgotten answers its waiters but is not remembered, so a replaced secret cannot be
    put back by a read that started before the replacement.
    """

    MAX_BATCH = 500

    def __init__(self, engine: Engine, ttl_s: float = 60.0, *, unknown_ttl_s: float = 2.0,
                 max_items: int = 200_000,
                 loader: Callable[[list[str]], dict[str, str | None]] | None = None) -> None:
        self._engine = engine
        self._ttl = ttl_s
        self._unknown_ttl = unknown_ttl_s
        self._max_items = max_items
        self._load = loader or (lambda ids: terminal_secrets(engine, ids))
        self._lock = threading.Lock()
        self._items: dict[str, tuple[str | None, float]] = {}
        self._generation = 0  # bumped by forget()
        self._misses: dict[int, _Misses] = {}  # by id() of the event loop
        self.lookups = 0  # batches read from the store (tests, diagnostics)

    async def get(self, terminal_id: str, refresh: bool = False) -> str | None:
        """The secret of ``terminal_id`` (None when not enrolled); ``refresh`` reads the
        store even when an entry is cached."""
        if not terminal_id:
            return None
        if not refresh:
            with self._lock:
                hit = self._items.get(terminal_id)
            if hit is not None and hit[1] > time.monotonic():
                return hit[0]
        else:  # after a bad signature: never share a read that began earlier
            found = await run_in_threadpool(self._fetch, [terminal_id])
            return found.get(terminal_id)
        loop = asyncio.get_running_loop()
        misses = self._misses.get(id(loop))
        if misses is None:
            misses = self._misses[id(loop)] = _Misses()
        future = misses.waiting.get(terminal_id)
        if future is None:
            future = misses.waiting[terminal_id] = loop.create_future()
            misses.queued.append(terminal_id)
            if misses.task is None:
                misses.task = loop.create_task(self._drain(loop, misses))
        # shielded: a caller that goes away must not cancel the others' lookup
        return await asyncio.shield(future)

    async def _drain(self, loop: asyncio.AbstractEventLoop, misses: _Misses) -> None:
        try:
            while misses.queued:
                ids = misses.queued[:self.MAX_BATCH]
                del misses.queued[:self.MAX_BATCH]
                try:
                    found = await run_in_threadpool(self._fetch, ids)
                except Exception as exc:
                    for tid in ids:
                        future = misses.waiting.pop(tid)
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for tid in ids:
                    future = misses.waiting.pop(tid)
                    if not future.done():
                        future.set_result(found.get(tid))
        finally:
            misses.task = None
            for future in misses.waiting.values():  # only when cancelled (loop closing)
                if not future.done():
                    future.cancel()
            misses.waiting.clear()
            misses.queued.clear()
            self._misses.pop(id(loop), None)

    def _fetch(self, ids: list[str]) -> dict[str, str | None]:
        """Read ``ids`` from the store (worker thread) and remember them."""
        with self._lock:
            generation = self._generation
        now = time.monotonic()
        found = self._load(ids)
        with self._lock:
            self.lookups += 1
            if self._generation == generation:  # nothing forgotten meanwhile
                if len(self._items) + len(found) > self._max_items:
                    self._items.clear()
                for tid, secret in found.items():
                    # unknown ids are remembered briefly so floods of them stay cheap
                    self._items[tid] = (secret, now + (self._ttl if secret else self._unknown_ttl))
        return found

    def forget(self, terminal_id: str) -> None:
        """Drop a cached secret (after re-enrolment or an approved request)."""
        with self._lock:
            self._generation += 1
            self._items.pop(terminal_id, None)


class FleetContext:
    """Collaborators of the request handlers."""

    def __init__(self, config: FleetConfig, engine: Engine, ingestor: Ingestor,
                 session_key: bytes = b"") -> None:
        self.config = config
        self.engine = engine
        self.ingestor = ingestor
        self.session_key = session_key
        self.secrets = SecretCache(engine)
        self.refused = RefusedLog()  # refused credentials and "I am refused" beacons
        self._rejected: dict[str, int] = {}
        self._lock = threading.Lock()

    def reject(self, reason: str) -> None:
        """Count a refused terminal request."""
        with self._lock:
            self._rejected[reason] = self._rejected.get(reason, 0) + 1

    def rejected(self) -> dict[str, int]:
        """Refused terminal requests by reason."""
        with self._lock:
            return dict(self._rejected)
