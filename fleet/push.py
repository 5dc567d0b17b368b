"""Dashboard updates by push: server-sent events at ``GET /api/ops/events`` (viewer session).

One watcher task per replica looks at the store every ``interval_s`` (so changes written by
any replica are seen) and fans out to every connected dashboard:

- ``terminals`` ``{"rows": [[id, name, district, health, paper, last_seen, screen], …],
  "removed": [ids], "now"}`` — only the overview rows that changed since the last look;
- ``changed`` ``{"topics": ["alerts", "groups", "commands", "refused", "screenshots",
  "windows"],
  "terminals": [ids whose commands, alerts or screenshots changed]}`` — the page refetches
  only what it shows;
- ``hello`` on (re)connection: the page reloads its view once.

A comment line every 15 s keeps proxies from closing the stream; a stream ends after
``max_stream_s`` and the browser's EventSource reconnects (and the session is checked
again). The watcher costs the same whether one dashboard or fifty are open.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import AsyncGenerator, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import Engine, func, select
from starlette.concurrency import run_in_threadpool

from fleet import accounts
from fleet.db import alerts, commands, screenshots
from fleet.db_ops import alert_groups, maintenance_windows, refused_terminals
from fleet.terminals import overview

log = logging.getLogger(__name__)
Need = Callable[[Request, str], accounts.Operator]


def _event(name: str, data: Any) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


class PushHub:
    """The watcher and the connected streams (see module docstring)."""

    def __init__(self, engine: Engine, offline_after: float, interval_s: float = 1.0,
                 max_stream_s: float = 300.0) -> None:
        self._engine = engine
        self._offline_after = offline_after
        self.interval_s = interval_s
        self.max_stream_s = max_stream_s
        self._clients: set[asyncio.Queue[bytes | None]] = set()
        self._task: asyncio.Task[None] | None = None
        self._rows: dict[str, tuple[Any, ...]] | None = None
        self._versions: dict[str, Any] = {}
        self._per_terminal: dict[str, Any] = {}
        self._scan_lock = threading.Lock()

    # -- the watcher ---------------------------------------------------------------------
    def start(self) -> None:
        """Start the watcher on the running event loop."""
        self._task = asyncio.get_running_loop().create_task(self._watch())

    async def stop(self) -> None:
        """Stop the watcher and end every stream."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        for queue in list(self._clients):
            queue.put_nowait(None)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            if not self._clients:
                self._rows = None  # nobody listens: look again from scratch when they do
                continue
            try:
                events = await run_in_threadpool(self.scan)
            except Exception:  # a database hiccup must not end the watcher
                log.exception("push scan failed")
                continue
            for event in events:
                for queue in list(self._clients):
                    if queue.qsize() < 100:  # a stuck browser does not grow memory
                        queue.put_nowait(event)

    def scan(self, now: float | None = None) -> list[bytes]:
        """What changed since the last scan, as encoded events (first scan: nothing)."""
        with self._scan_lock:
            return self._scan(now)

    async def baseline(self) -> None:
        """Take the first look now if none is held, so that a dashboard told ``hello`` (and
        loading its view) is sent every change made after that; otherwise a change made
        between its load and the watcher's first look would never be pushed."""
        if self._rows is None:
            await run_in_threadpool(self._first_look)

    def _first_look(self) -> None:
        with self._scan_lock:  # two dashboards connecting at once: only one first look
            if self._rows is None:
                self._scan(None)

    def _scan(self, now: float | None) -> list[bytes]:
        data = overview(self._engine, self._offline_after, now)
        rows = {r[0]: tuple(r) for r in data["terminals"]}
        with self._engine.connect() as conn:
            versions = {
                "alerts": tuple(conn.execute(select(
                    func.max(alerts.c.id), func.max(alerts.c.resolved_at),
                    func.max(alerts.c.acked_at))).one()),
                "groups": conn.execute(select(func.max(alert_groups.c.updated_at))).scalar(),
                "commands": tuple(conn.execute(select(
                    func.max(commands.c.id), func.max(commands.c.sent_at),
                    func.max(commands.c.done_at))).one()),
                "refused": tuple(conn.execute(select(
                    func.count(), func.max(refused_terminals.c.last_seen),
                    func.max(refused_terminals.c.dismissed_at))).one()),
                "screenshots": conn.execute(select(func.max(screenshots.c.id))).scalar(),
                "windows": tuple(conn.execute(select(
                    func.max(maintenance_windows.c.id),
                    func.sum(maintenance_windows.c.ends_at))).one()),
            }
            topics = [k for k, v in versions.items() if self._versions.get(k) != v]
            touched: set[str] = set()
            if topics and self._rows is not None:
                touched = self._touched(conn, topics)
        first = self._rows is None
        old = self._rows or {}
        self._rows, self._versions = rows, versions
        if first:
            return []
        out = []
        changed = [list(r) for tid, r in rows.items() if old.get(tid) != r]
        removed = [tid for tid in old if tid not in rows]
        if changed or removed:
            out.append(_event("terminals", {"rows": changed, "removed": removed,
                                            "now": data["now"]}))
        if topics:
            out.append(_event("changed", {"topics": topics, "terminals": sorted(touched)}))
        return out

    def _touched(self, conn: Any, topics: list[str]) -> set[str]:
        """Terminals whose alerts, commands or screenshots changed since the last scan."""
        since = self._per_terminal.get("since", time.time() - 5)
        now = time.time()
        self._per_terminal["since"] = now - 1.0  # overlap: writes committed late still count
        ids: set[str] = set()
        if "commands" in topics:
            ids |= {r[0] for r in conn.execute(select(commands.c.terminal_id).where(
                (commands.c.created_at >= since) | (commands.c.sent_at >= since)
                | (commands.c.done_at >= since)))}
        if "alerts" in topics:
            ids |= {r[0] for r in conn.execute(select(alerts.c.terminal_id).where(
                (alerts.c.opened_at >= since) | (alerts.c.resolved_at >= since)
                | (alerts.c.acked_at >= since)))}
        if "screenshots" in topics:
            ids |= {r[0] for r in conn.execute(select(screenshots.c.terminal_id).where(
                screenshots.c.ts >= since))}
        return ids

    # -- the streams ---------------------------------------------------------------------
    async def stream(self, request: Request) -> AsyncGenerator[bytes, None]:
        """One dashboard's event stream."""
        queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._clients.add(queue)
        ends = time.monotonic() + self.max_stream_s
        try:
            await self.baseline()
            yield b"retry: 2000\n\n" + _event("hello", {"interval_s": self.interval_s})
            while time.monotonic() < ends:
                try:
                    item = await asyncio.wait_for(queue.get(), timeout=15.0)
                except TimeoutError:
                    if await request.is_disconnected():
                        return
                    yield b": keep-alive\n\n"
                    continue
                if item is None:
                    return
                yield item
        finally:
            self._clients.discard(queue)

    @property
    def clients(self) -> int:
        """Connected dashboards."""
        return len(self._clients)


def install(app: FastAPI, hub: PushHub, need: Need) -> None:
    """Add ``GET /api/ops/events``."""

    @app.get("/api/ops/events")
    def events(request: Request) -> StreamingResponse:
        need(request, "viewer")
        return StreamingResponse(hub.stream(request), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache",
                                          "X-Accel-Buffering": "no"})
