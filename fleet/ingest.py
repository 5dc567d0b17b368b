"""Heartbeat ingest with group commit: one writer thread, one transaction per batch.

HTTP handlers hand a :class:`Submission` (a terminal's heartbeats, usage events and command
results) to :meth:`Ingestor.submit`; the writer takes everything queued, stores it in one
transaction (history rows, terminal state, alert open/resolve, usage, results), picks up
the terminals' pending commands, commits, and only then answers each submission — so an
accepted heartbeat is a stored heartbeat. The same thread runs the periodic sweeps
(offline detection, command expiry, retention) so SQLite never sees two writers.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from fleet.alerts import apply_condition_changes, sweep_offline
from fleet.commands import apply_results, expire_stale, take_pending
from fleet.db import heartbeats, terminals, usage_events
from fleet.replay import claim_nonces
from fleet.rules import RuleConfig, conditions_of, encode_conditions, health_of
from fleet.stats import downsample_and_prune, prune_screenshots

log = logging.getLogger(__name__)

Answer = dict[str, Any] | BaseException


@dataclass
class Submission:
    """What one terminal request delivers; ``done`` receives the answer or the error."""

    terminal_id: str
    heartbeats: list[dict[str, Any]]
    usage: list[dict[str, Any]] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    done: Callable[[Answer], None] = lambda _answer: None
    #: ``(nonce, expires)`` of the signed request, claimed in the batch's transaction
    #: (fleet/replay.py); a replay is answered ``{"replayed": True}`` and changes nothing
    nonce: tuple[str, float] | None = None


@dataclass
class IngestStats:
    """Counters read by the metrics endpoint."""

    heartbeats: int = 0
    batches: int = 0
    failures: int = 0


class Ingestor:
    """The single writer of heartbeats and sweeps (see module docstring)."""

    def __init__(
        self,
        engine: Engine,
        rules: RuleConfig,
        *,
        max_batch: int = 1000,
        sweep_interval_s: float = 5.0,
        retention_interval_s: float = 3600.0,
        keep_raw_s: float = 7 * 86400.0,
        interval_hint_s: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._engine = engine
        self._rules = rules
        self._max_batch = max_batch
        self._sweep_interval = sweep_interval_s
        self._retention_interval = retention_interval_s
        self._keep_raw = keep_raw_s
        self._interval_hint = interval_hint_s
        self._clock = clock
        self._queue: queue.Queue[Submission | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._insert = (postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert)
        self.stats = IngestStats()

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Start the writer thread."""
        self._thread = threading.Thread(target=self._run, name="fleet-ingest", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Finish queued work and stop the writer thread."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None

    @property
    def backlog(self) -> int:
        """Submissions waiting for the writer."""
        return self._queue.qsize()

    def submit(self, sub: Submission) -> None:
        """Queue a submission; its ``done`` is called from the writer thread."""
        self._queue.put(sub)

    # -- the writer ------------------------------------------------------------------------
    def _run(self) -> None:
        next_sweep = self._clock() + self._sweep_interval
        next_retention = self._clock() + self._retention_interval
        while True:
            wait = max(0.0, next_sweep - self._clock())
            try:
                first = self._queue.get(timeout=wait)
            except queue.Empty:
                first = None
                stop = False
            else:
                stop = first is None
            batch: list[Submission] = [] if first is None else [first]
            while len(batch) < self._max_batch and not stop:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                else:
                    batch.append(item)
            if batch:
                self.process(batch)
            now = self._clock()
            if now >= next_sweep:
                self.sweep(now, retention=now >= next_retention)
                next_sweep = now + self._sweep_interval
                if now >= next_retention:
                    next_retention = now + self._retention_interval
            if stop:
                return

    def sweep(self, now: float | None = None, retention: bool = False) -> None:
        """Offline detection, command expiry and (optionally) retention, in one transaction."""
        now = self._clock() if now is None else now
        try:
            with self._engine.begin() as conn:
                sweep_offline(conn, now, self._rules.offline_after_s)
                expire_stale(conn, now)
                if retention:
                    downsample_and_prune(conn, now, self._keep_raw)
                    prune_screenshots(conn, now, self._keep_raw)
        except Exception:  # the sweeper must outlive a database hiccup
            log.exception("fleet sweep failed")

    def process(self, batch: list[Submission]) -> None:
        """Store a batch in one transaction and answer every submission."""
        try:
            with self._engine.begin() as conn:
                answers = self._store(conn, batch)
        except Exception as exc:
            if len(batch) > 1:  # isolate the bad one, keep the others
                for sub in batch:
                    self.process([sub])
                return
            self.stats.failures += 1
            log.warning("heartbeat from %s not stored: %s", batch[0].terminal_id, exc)
            _answer(batch[0], exc)
            return
        self.stats.batches += 1
        for sub, answer in zip(batch, answers, strict=True):
            self.stats.heartbeats += int(answer["accepted"])
            _answer(sub, answer)

    def _store(self, conn: Connection, batch: list[Submission]) -> list[dict[str, Any]]:
        now = self._clock()
        replayed = claim_nonces(conn, self._insert, [
            None if sub.nonce is None else (sub.terminal_id, *sub.nonce) for sub in batch])
        ids = sorted({sub.terminal_id for sub in batch})
        state = {
            r.id: {"conditions": r.conditions, "errors": r.errors, "last_seq": r.last_seq}
            for r in conn.execute(
                select(terminals.c.id, terminals.c.conditions, terminals.c.errors,
                       terminals.c.last_seq).where(terminals.c.id.in_(ids)))
        }
        history: list[dict[str, Any]] = []
        changed: dict[str, dict[str, Any]] = {}
        accepted: list[int] = []
        for sub, again in zip(batch, replayed, strict=True):
            if again:
                accepted.append(0)
                continue
            st = state.get(sub.terminal_id)
            if st is None:
                raise LookupError(f"unknown terminal {sub.terminal_id}")
            fresh = [hb for hb in sorted(sub.heartbeats, key=lambda h: h["seq"])
                     if hb["seq"] > st["last_seq"]]
            accepted.append(len(fresh))
            for hb in fresh:
                first = st["last_seq"] < 0
                conds = conditions_of(hb, -1 if first else st["errors"], self._rules)
                health = health_of(set(conds), hb["maintenance"])
                history.append({
                    "terminal_id": sub.terminal_id, "seq": hb["seq"], "ts": hb["ts"],
                    "received": now, "health": health, "paper_level": hb["paper"]["level"],
                    "sessions": hb["counters"]["sessions"], "errors": hb["counters"]["errors"],
                    "payload": json.dumps(hb, ensure_ascii=False, separators=(",", ":")),
                })
                st.update(last_seq=hb["seq"], errors=hb["counters"]["errors"])
                changed[sub.terminal_id] = {"hb": hb, "conds": conds, "health": health}
            if sub.usage:
                conn.execute(
                    self._insert(usage_events).on_conflict_do_nothing(),
                    [dict(u, terminal_id=sub.terminal_id) for u in sub.usage],
                )
            if sub.results:
                apply_results(conn, sub.terminal_id, sub.results, now)
        if history:
            conn.execute(self._insert(heartbeats).on_conflict_do_nothing(), history)
        rows = []
        for tid, ch in changed.items():
            st = state[tid]
            old = {k for k in (st["conditions"] or "").split("\n") if k}
            new_keys = set(ch["conds"])
            if new_keys != old:
                apply_condition_changes(conn, tid, old, ch["conds"], now)
            hb = ch["hb"]
            rows.append({
                "b_id": tid, "b_last_seen": now, "b_last_seq": hb["seq"],
                "b_app_version": hb["app_version"], "b_uptime_s": hb["uptime_s"],
                "b_screen": hb["screen"], "b_maintenance": hb["maintenance"],
                "b_paper_state": hb["paper"]["state"], "b_paper_level": hb["paper"]["level"],
                "b_devices": json.dumps(hb["devices"], ensure_ascii=False),
                "b_counters": json.dumps(hb["counters"]), "b_errors": hb["counters"]["errors"],
                "b_health": ch["health"], "b_conditions": encode_conditions(new_keys),
            })
        if rows:
            conn.execute(_STATE_UPDATE, rows)
        pending = take_pending(
            conn, sorted({s.terminal_id for s, r in zip(batch, replayed, strict=True) if not r}),
            now)
        return [
            {"accepted": 0, "commands": [], "interval": self._interval_hint, "replayed": True}
            if again else
            {"accepted": n, "commands": pending.pop(sub.terminal_id, []),
             "interval": self._interval_hint}
            for sub, n, again in zip(batch, accepted, replayed, strict=True)
        ]


def _answer(sub: Submission, answer: Answer) -> None:
    """Hand the answer over; a caller that went away (server shutting down) is ignored."""
    try:
        sub.done(answer)
    except Exception as exc:
        log.debug("answer for %s not delivered: %s", sub.terminal_id, exc)


_STATE_UPDATE = (
    update(terminals)
    .where(terminals.c.id == bindparam("b_id"))
    .values(**{name: bindparam(f"b_{name}") for name in (
        "last_seen", "last_seq", "app_version", "uptime_s", "screen", "maintenance",
        "paper_state", "paper_level", "devices", "counters", "errors", "health", "conditions",
    )})
)
