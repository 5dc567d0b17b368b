"""The operations loop of one server replica: refused list, alert groups, notifications.

Two daemon threads, started and stopped with the app:

- ``fleet-ops`` every ``tick_s``: writes the gathered refusals and beacons
  (:class:`fleet.refused.RefusedLog`), then — only on the replica that holds the
  ``alert-groups`` lease in the store, so several replicas never notify twice —
  reconciles the alert groups and queues their notifications in the same transaction;
- ``fleet-notify``: delivers due notifications (any replica; rows are claimed first), so
  a slow mail relay never holds up grouping.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from fleet.alert_groups import reconcile
from fleet.alerting import AlertingConfig
from fleet.db_ops import leases
from fleet.notify import Notifier, enqueue
from fleet.refused import RefusedLog

log = logging.getLogger(__name__)

LEASE = "alert-groups"


def take_lease(conn: Connection, name: str, holder: str, now: float, ttl_s: float) -> bool:
    """Hold (or renew) the lease ``name``; True when ``holder`` has it until ``now + ttl_s``."""
    renewed = conn.execute(update(leases).where(
        leases.c.name == name,
        (leases.c.holder == holder) | (leases.c.expires_at < now))
        .values(holder=holder, expires_at=now + ttl_s))
    if renewed.rowcount == 1:
        return True
    if conn.execute(select(leases.c.name).where(leases.c.name == name)).first() is not None:
        return False
    conn.execute(leases.insert().values(name=name, holder=holder, expires_at=now + ttl_s))
    return True


class OpsLoop:
    """See the module docstring; :meth:`tick` and :meth:`deliver` also run synchronously."""

    def __init__(self, engine: Engine, refused: RefusedLog, cfg: AlertingConfig, *,
                 clock: Callable[[], float] = time.time) -> None:
        self._engine = engine
        self._refused = refused
        self.cfg = cfg
        self._clock = clock
        self.holder = f"replica-{uuid.uuid4().hex[:12]}"
        self.notifier = Notifier(engine, cfg, self.holder)
        self._stop = threading.Event()
        self._wake_notify = threading.Event()
        self._threads: list[threading.Thread] = []
        self.ticks = 0

    def start(self) -> None:
        """Start both threads."""
        self._stop.clear()
        self._threads = [
            threading.Thread(target=self._loop, args=(self.tick,), name="fleet-ops",
                             daemon=True),
            threading.Thread(target=self._loop, args=(self.deliver,), name="fleet-notify",
                             daemon=True)]
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop both threads."""
        self._stop.set()
        self._wake_notify.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    def _loop(self, step: Callable[[], Any]) -> None:
        while not self._stop.is_set():
            try:
                step()
            except Exception:  # a database hiccup must not end the loop
                log.exception("fleet operations step failed")
            wake = self._wake_notify if step == self.deliver else self._stop
            wake.wait(self.cfg.tick_s)
            if step == self.deliver:
                self._wake_notify.clear()

    def tick(self, now: float | None = None) -> None:
        """Write refusals; reconcile alert groups when this replica holds the lease."""
        now = self._clock() if now is None else now
        self._refused.flush(self._engine, now)
        queued = 0
        with self._engine.begin() as conn:
            if not take_lease(conn, LEASE, self.holder, now, max(10.0, self.cfg.tick_s * 5)):
                return

            def notify(group: dict[str, Any], event: str, role: str) -> None:
                nonlocal queued
                queued += enqueue(conn, self.cfg, group, event, role, now)

            reconcile(conn, self.cfg, now, notify)
        self.ticks += 1
        if queued:
            self._wake_notify.set()

    def deliver(self) -> None:
        """Deliver due notifications."""
        while self.notifier.deliver_due(self._clock()) and not self._stop.is_set():
            pass
