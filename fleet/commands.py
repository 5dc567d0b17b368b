"""Remote commands: queued by operators, pulled by terminals with their heartbeat, acknowledged.

Life of a command: ``pending`` → ``sent`` (handed out in a heartbeat answer) → ``succeeded``
or ``failed`` (the terminal's result) — or ``expired`` when no result came back in time.
Every command is audited (who, what, when) and the audit record gets the result.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, desc, select, update

from fleet.accounts import audit_log
from fleet.db import audit, commands, terminals
from fleet.protocol import COMMAND_KINDS

EXPIRE_AFTER_S = 600.0


class CommandError(ValueError):
    """A command that cannot be queued (unknown kind or terminal)."""


def create_command(
    engine: Engine, operator: str, terminal_id: str, kind: str, args: dict[str, Any] | None = None
) -> int:
    """Queue ``kind`` for ``terminal_id`` on behalf of ``operator``; return the command id."""
    if kind not in COMMAND_KINDS:
        raise CommandError(f"unknown command {kind!r}; known: {', '.join(COMMAND_KINDS)}")
    now = time.time()
    with engine.begin() as conn:
        known = conn.execute(select(terminals.c.id).where(terminals.c.id == terminal_id)).first()
        if known is None:
            raise CommandError(f"unknown terminal {terminal_id!r}")
        inserted = conn.execute(
            commands.insert().values(
                terminal_id=terminal_id, kind=kind, args=json.dumps(args or {}),
                status="pending", created_by=operator, created_at=now,
            )
        ).inserted_primary_key
        assert inserted is not None
        command_id = inserted[0]
        audit_log(conn, operator, f"command.{kind}", terminal_id, json.dumps(args or {}),
                  "pending", command_id=int(command_id), now=now)
    return int(command_id)


def take_pending(
    conn: Connection, terminal_ids: Iterable[str], now: float
) -> dict[str, list[dict[str, Any]]]:
    """Pending commands of these terminals, marked ``sent``; grouped by terminal.

    The UPDATE is conditional (still ``pending``) and says which rows it changed: when two
    server workers answer heartbeats of one terminal at the same time, the second waits on
    the first's row lock, finds the command no longer pending and hands out nothing."""
    ids = list(terminal_ids)
    rows = conn.execute(
        select(commands.c.id, commands.c.terminal_id, commands.c.kind, commands.c.args)
        .where(commands.c.terminal_id.in_(ids), commands.c.status == "pending")
        .order_by(commands.c.id)
    ).all()
    out: dict[str, list[dict[str, Any]]] = {}
    if not rows:
        return out
    taken = {int(i) for (i,) in conn.execute(
        update(commands)
        .where(commands.c.id.in_([r.id for r in rows]), commands.c.status == "pending")
        .values(status="sent", sent_at=now)
        .returning(commands.c.id)
    )}
    for r in rows:
        if int(r.id) not in taken:
            continue
        out.setdefault(r.terminal_id, []).append(
            {"id": int(r.id), "kind": r.kind, "args": json.loads(r.args)}
        )
    return out


def apply_results(
    conn: Connection, terminal_id: str, results: list[dict[str, Any]], now: float
) -> None:
    """Record the terminal's results (``{"id", "ok", "result"}``) and complete the audit."""
    for res in results:
        status = "succeeded" if res.get("ok") else "failed"
        body = json.dumps(res.get("result", {}), ensure_ascii=False)[:4000]
        done = conn.execute(
            update(commands)
            .where(commands.c.id == int(res["id"]), commands.c.terminal_id == terminal_id,
                   commands.c.status.in_(("pending", "sent")))
            .values(status=status, result=body, done_at=now)
        )
        if done.rowcount == 1:
            conn.execute(
                update(audit).where(audit.c.command_id == int(res["id"]))
                .values(result=f"{status}: {body}"[:4000])
            )


def expire_stale(conn: Connection, now: float, after_s: float = EXPIRE_AFTER_S) -> int:
    """Mark commands sent long ago without a result as ``expired``; return how many."""
    stale = [
        int(r[0]) for r in conn.execute(
            select(commands.c.id).where(commands.c.status == "sent",
                                        commands.c.sent_at < now - after_s))
    ]
    if stale:
        conn.execute(update(commands).where(commands.c.id.in_(stale))
                     .values(status="expired", done_at=now))
        conn.execute(update(audit).where(audit.c.command_id.in_(stale))
                     .values(result="expired: no result from the terminal"))
    return len(stale)


def list_commands(engine: Engine, terminal_id: str | None = None,
                  limit: int = 100) -> list[dict[str, Any]]:
    """Commands, newest first."""
    query = select(commands).order_by(desc(commands.c.id)).limit(limit)
    if terminal_id is not None:
        query = query.where(commands.c.terminal_id == terminal_id)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]
