"""Replay protection for signed terminal requests: each nonce is accepted once, in the store.

A signed request stays valid for ``MAX_SKEW_S`` either side of its timestamp, so a request
captured on the wire could be sent again inside that window — and a replayed heartbeat used
to receive the terminal's queued commands. Every signed request carries a random
``X-Nonce``; the server inserts ``(terminal_id, nonce)`` into ``request_nonces`` (primary
key) in the *same transaction* that stores the heartbeat and hands out commands. A nonce
already there means a replay: nothing is stored, no command is handed out, the answer is
401. Because the check is a unique key in the database, it holds across server processes
and replicas sharing one store. Rows are kept until the request's timestamp has left the
window (then the timestamp check alone refuses it) and pruned after that.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, delete

from fleet.protocol import MAX_SKEW_S
from fleet.security_schema import request_nonces

#: seconds between two prunes of expired nonces (per process)
PRUNE_EVERY_S = 30.0
_last_prune = [0.0]


def expiry_of(timestamp: float) -> float:
    """When a nonce of a request signed at ``timestamp`` may be forgotten."""
    return float(timestamp) + MAX_SKEW_S + 5.0


def claim_nonces(conn: Connection, insert: Callable[[Any], Any],
                 claims: Sequence[tuple[str, str, float] | None],
                 now: float | None = None) -> list[bool]:
    """Claim ``(terminal_id, nonce, expires)`` for each request; True where it is a replay.

    ``insert`` is the dialect's ``insert`` (SQLite or PostgreSQL, for ON CONFLICT DO
    NOTHING … RETURNING). ``None`` entries (unsigned internal submissions) are never replays.
    """
    now = time.time() if now is None else now
    replayed = [False] * len(claims)
    rows: list[dict[str, Any]] = []
    first: dict[tuple[str, str], int] = {}
    for i, claim in enumerate(claims):
        if claim is None:
            continue
        key = (claim[0], claim[1])
        if key in first:  # the same nonce twice in one batch
            replayed[i] = True
            continue
        first[key] = i
        rows.append({"terminal_id": claim[0], "nonce": claim[1], "expires": claim[2]})
    if rows:
        taken = _insert_new(conn, insert, rows)
        for key, i in first.items():
            if key not in taken:
                replayed[i] = True
    if now - _last_prune[0] > PRUNE_EVERY_S:
        _last_prune[0] = now
        conn.execute(delete(request_nonces).where(request_nonces.c.expires < now))
    return replayed


_SQLITE_CLAIM = ("INSERT OR IGNORE INTO request_nonces (terminal_id, nonce, expires) "
                 "VALUES (?, ?, ?)")


def _insert_new(conn: Connection, insert: Callable[[Any], Any],
                rows: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """Insert the rows that are new; return their keys (the others were already there)."""
    if conn.dialect.name == "sqlite":
        # the hot path: the DBAPI cursor of this very transaction, ~5 µs a row; a row that
        # was already there is ignored and reports rowcount 0
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            taken = set()
            for row in rows:
                cursor.execute(_SQLITE_CLAIM, (row["terminal_id"], row["nonce"], row["expires"]))
                if cursor.rowcount == 1:
                    taken.add((row["terminal_id"], row["nonce"]))
            return taken
        finally:
            cursor.close()
    stmt = (insert(request_nonces).on_conflict_do_nothing()
            .returning(request_nonces.c.terminal_id, request_nonces.c.nonce))
    return {(r[0], r[1]) for r in conn.execute(stmt, rows)}  # one batched statement


def claim_one(engine: Engine, terminal_id: str, nonce: str, timestamp: float) -> bool:
    """Claim one nonce in its own transaction (requests outside the ingest path).

    True when the nonce was fresh; False for a replay.
    """
    from sqlalchemy.dialects import postgresql, sqlite

    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    with engine.begin() as conn:
        replayed = claim_nonces(conn, insert, [(terminal_id, nonce, expiry_of(timestamp))])
    return not replayed[0]
