"""What the fleet server's request handlers share: config, store engine, ingest, caches.

One :class:`FleetContext` is built per app by :func:`fleet.app.create_app`; nothing here is
global. The secret cache only saves database reads — the store stays the truth, so several
server replicas behind a load balancer can share one PostgreSQL database.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from fleet.alerting import AlertingConfig
from fleet.ingest import Ingestor
from fleet.refused import RefusedLog
from fleet.rules import RuleConfig
from fleet.terminals import terminal_secret


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


class SecretCache:
    """Terminal secrets read from the store, remembered for ``ttl_s`` seconds."""

    def __init__(self, engine: Engine, ttl_s: float = 60.0) -> None:
        self._engine = engine
        self._ttl = ttl_s
        self._lock = threading.Lock()
        self._items: dict[str, tuple[str | None, float]] = {}

    async def get(self, terminal_id: str, refresh: bool = False) -> str | None:
        """The secret of ``terminal_id`` (None when not enrolled)."""
        if not terminal_id:
            return None
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(terminal_id)
        if hit is not None and hit[1] > now and not refresh:
            return hit[0]
        secret = await run_in_threadpool(terminal_secret, self._engine, terminal_id)
        with self._lock:
            if len(self._items) > 200_000:
                self._items.clear()
            # unknown ids are remembered briefly so floods of them stay cheap
            self._items[terminal_id] = (secret, now + (self._ttl if secret else 2.0))
        return secret

    def forget(self, terminal_id: str) -> None:
        """Drop a cached secret (after re-enrolment)."""
        with self._lock:
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
