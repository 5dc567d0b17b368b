"""A durable outbox for what must reach the platform: applications and evaluations.

``put`` returns only after the entry is committed to SQLite (WAL, synchronous=FULL), so the
terminal may tell the citizen "submitted" as soon as it returns; a power cut after that
loses nothing. A drainer (``drain_once`` or the background thread of ``start``) sends the
oldest due entries with their idempotency keys. If the process dies between the platform
accepting an entry and the outbox marking it sent, the entry is sent again after restart
and the platform recognises the key: one case, never two. Failures the platform may get
over (network, timeouts, 5xx, malformed answers, auth) are retried with exponential
backoff; a definite refusal (4xx) marks the entry ``dead`` for an operator to look at.

Data at rest: once delivered, a row keeps only what proves delivery — the idempotency key,
the case number and the SHA-256 of the payload that was sent; the platform's full answer
is kept in memory for the visit that is waiting for it and dropped by :meth:`end_of_visit`,
which also checkpoints the WAL with TRUNCATE (the ``-wal`` file would otherwise still hold
the sent payload) and expires refused entries older than ``refused_expire_days`` (their
payload is wiped, the operators are told). ``secure_delete`` is on, so wiped payloads are
zeroed on disk. Opening the file is :func:`kiosk.platform.outbox_store.open_outbox`:
a damaged outbox is quarantined, never deleted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.faults import FaultLog
from kiosk.platform import errors
from kiosk.platform.client import PlatformClient
from kiosk.platform.outbox_store import open_outbox
from kiosk.platform.service_client import ServiceClient

log = logging.getLogger(__name__)
#: sends one entry; returns the platform's typed answer (a dataclass) or a plain dict
Sender = Callable[[str, dict[str, Any], str], Any]
DAY_S = 86400.0



@dataclass(frozen=True)
class OutboxEntry:
    """One queued message (payload wiped once sent)."""

    id: int
    kind: str
    idempotency_key: str
    state: str
    attempts: int
    created_at: float
    result: dict[str, Any] | None
    last_error: str | None


@dataclass(frozen=True)
class DrainReport:
    """What one drain pass did."""

    sent: int = 0
    retry_later: int = 0
    dead: int = 0


@dataclass(frozen=True)
class Refusal:
    """The platform's refusal of an entry: its error code and message (no personal data:
    the platform names fields and materials, never their values)."""

    code: str
    message: str

    @classmethod
    def of(cls, exc: errors.PlatformError) -> Refusal:
        """From a refused request's exception."""
        text = str(exc)
        return cls(exc.code, text.partition(f" {exc.code} ")[2] if exc.code else text)


class PlatformSender:
    """Sends outbox entries with a :class:`PlatformClient`.

    Kinds: ``application`` (item_code, session_token, form, materials) and ``evaluation``
    (case_no, level, reason, and the proof of ownership: the receipt's signed payload
    ``proof`` or a ``session_token``; ``visit_id`` for one rating per visit)."""

    def __init__(self, client: PlatformClient) -> None:
        self.client = client

    def __call__(self, kind: str, payload: dict[str, Any], key: str) -> Any:
        if kind == "application":
            return ServiceClient(self.client).submit_application(
                payload["item_code"], payload["session_token"], payload.get("form", {}),
                payload.get("materials", []), key, payload.get("commitment"))
        if kind == "evaluation":
            return ServiceClient(self.client).evaluate(
                payload["case_no"], int(payload["level"]), payload.get("reason", ""), key,
                proof=payload.get("proof", ""), visit_id=payload.get("visit_id", ""),
                token=payload.get("session_token"))
        raise ValueError(f"unknown outbox kind {kind!r}")


class Outbox:
    """SQLite-backed outbox at ``db_path`` sending through ``sender``."""

    def __init__(self, db_path: str | Path, sender: Sender, *, base_delay_s: float = 1.0,
                 max_delay_s: float = 300.0, poll_s: float = 1.0,
                 refused_expire_days: float = 30.0, faults: FaultLog | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.db_path = Path(db_path)
        self._sender = sender
        self._base = base_delay_s
        self._max = max_delay_s
        self._poll = poll_s
        self._expire_s = refused_expire_days * DAY_S
        self._faults = faults
        self._clock = clock
        self._conn: sqlite3.Connection = open_outbox(self.db_path, faults)
        #: the platform's full answers for this visit (key → answer), see end_of_visit
        self._recent: dict[str, Any] = {}
        self._refusals: dict[str, Refusal] = {}     # this visit's refused entries, in memory
        #: notified whenever an entry is delivered, refused or put off (see deliver)
        self._changed = threading.Condition(threading.Lock())
        self._db_lock = threading.Lock()
        self._drain_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def put(self, kind: str, payload: dict[str, Any], idempotency_key: str) -> int:
        """Queue a message durably and return its id (the same key again: the same id)."""
        text = json.dumps(payload, ensure_ascii=False)
        digest = hashlib.sha256(text.encode()).hexdigest()
        now = self._clock()
        with self._db_lock:
            self._conn.execute(
                "INSERT OR IGNORE INTO outbox (kind, payload, idempotency_key, next_attempt_at,"
                " created_at, payload_sha256) VALUES (?,?,?,?,?,?)",
                (kind, text, idempotency_key, now, now, digest))
            row = self._conn.execute("SELECT id FROM outbox WHERE idempotency_key=?",
                                     (idempotency_key,)).fetchone()
        self._wake.set()
        return int(row[0])

    def _due(self, limit: int) -> list[tuple[int, str, str, str, int]]:
        with self._db_lock:
            return self._conn.execute(
                "SELECT id, kind, payload, idempotency_key, attempts FROM outbox WHERE "
                "state='pending' AND next_attempt_at<=? ORDER BY id LIMIT ?",
                (self._clock(), limit)).fetchall()

    def drain_once(self, limit: int = 50) -> DrainReport:
        """Send the due entries (oldest first); stop early when the platform is away."""
        sent = retry = dead = 0
        with self._drain_lock:
            for entry_id, kind, payload, key, attempts in self._due(limit):
                try:
                    result = self._sender(kind, json.loads(payload), key)
                except errors.PlatformError as exc:
                    if exc.retryable or isinstance(exc, errors.AuthError):
                        retry += 1
                        self._retry_later(entry_id, attempts, exc)
                        if isinstance(exc, errors.NetworkError | errors.MaintenanceError):
                            break
                        continue
                    dead += 1
                    with self._db_lock:
                        self._refusals[key] = Refusal.of(exc)
                    self._mark(entry_id, "dead", attempts + 1, None, exc)
                    continue
                except (KeyError, ValueError, TypeError) as exc:
                    dead += 1
                    self._mark(entry_id, "dead", attempts + 1, None, exc)
                    continue
                sent += 1
                self._delivered(entry_id, key, attempts + 1, result)
        return DrainReport(sent, retry, dead)

    def _retry_later(self, entry_id: int, attempts: int, exc: Exception) -> None:
        delay = min(self._max, self._base * (2 ** attempts))
        with self._db_lock:
            self._conn.execute(
                "UPDATE outbox SET attempts=?, next_attempt_at=?, last_error=? WHERE id=?",
                (attempts + 1, self._clock() + delay, _describe(exc), entry_id))
        log.info("outbox entry %d failed (%s); retry in %.1fs", entry_id, _describe(exc), delay)
        self._notify()

    def _delivered(self, entry_id: int, key: str, attempts: int, result: Any) -> None:
        case_no = result.get("case_no") if isinstance(result, dict) else getattr(
            result, "case_no", None)
        with self._db_lock:
            self._recent[key] = result
            self._conn.execute(
                "UPDATE outbox SET state='sent', attempts=?, sent_at=?, payload='{}', "
                "result=NULL, last_error=NULL, case_no=? WHERE id=?",
                (attempts, self._clock(), None if case_no is None else str(case_no), entry_id))
        self._notify()

    def _mark(self, entry_id: int, state: str, attempts: int, result: dict[str, Any] | None,
              exc: Exception | None) -> None:
        with self._db_lock:
            self._conn.execute(
                "UPDATE outbox SET state=?, attempts=?, sent_at=?, result=?, last_error=? "
                "WHERE id=?",
                (state, attempts, self._clock(),
                 None if result is None else json.dumps(result, ensure_ascii=False),
                 None if exc is None else _describe(exc), entry_id))
        if state == "dead":
            log.warning("outbox entry %d refused by the platform: %s", entry_id,
                        _describe(exc) if exc else "")
        self._notify()

    def _notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def deliver(self, idempotency_key: str, timeout_s: float) -> Any | None:
        """Send this entry now and wait up to ``timeout_s`` for the platform's answer.

        Returns the sender's typed answer (e.g. an ``ApplicationReceipt``) once delivered;
        None when the platform refused it, when one attempt failed (it stays queued and is
        retried with backoff), or when ``timeout_s`` passed first — the wait never exceeds
        ``timeout_s``, even against a platform that hangs, because the sending happens on
        the drainer's thread (or a one-shot one), never the caller's."""
        deadline = time.monotonic() + timeout_s
        with self._db_lock:
            row = self._conn.execute("SELECT state, attempts FROM outbox WHERE "
                                     "idempotency_key=?", (idempotency_key,)).fetchone()
            if row is None:
                raise KeyError(f"no outbox entry with key {idempotency_key!r}")
            if row[0] == "pending":      # "now": skip whatever backoff it was waiting out
                self._conn.execute("UPDATE outbox SET next_attempt_at=? WHERE "
                                   "idempotency_key=?", (self._clock(), idempotency_key))
        attempts_before = int(row[1])
        if self._thread is None:
            threading.Thread(target=self._drain_for_deliver, name="outbox-deliver",
                             daemon=True).start()
        else:
            self._wake.set()
        with self._changed:
            while True:
                answer, state, attempts = self._answer(idempotency_key)
                if answer is not None or state in ("sent", "dead") or attempts > attempts_before:
                    return answer
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._changed.wait(remaining)

    def _drain_for_deliver(self) -> None:
        try:
            self.drain_once()
        except sqlite3.ProgrammingError:   # the outbox was closed meanwhile; nothing lost
            log.debug("outbox closed while delivering")

    def _answer(self, key: str) -> tuple[Any | None, str, int]:
        with self._db_lock:
            if key in self._recent:
                return self._recent[key], "sent", 0
            row = self._conn.execute("SELECT state, attempts FROM outbox WHERE "
                                     "idempotency_key=?", (key,)).fetchone()
        return None, str(row[0]), int(row[1])

    def refusal(self, idempotency_key: str) -> Refusal | None:
        """Why the platform refused this entry, if it did during this visit (the reason is
        kept in memory only, for the citizen's screen; the entry itself stays, 'dead')."""
        with self._db_lock:
            return self._refusals.get(idempotency_key)

    def entries(self, state: str | None = None) -> list[OutboxEntry]:
        """Entries (in a given state), oldest first."""
        sql = ("SELECT id, kind, idempotency_key, state, attempts, created_at, result, "
               "last_error, case_no FROM outbox")
        params: tuple[Any, ...] = ()
        if state:
            sql += " WHERE state=?"
            params = (state,)
        with self._db_lock:
            rows = self._conn.execute(sql + " ORDER BY id", params).fetchall()
            recent = {k: _as_dict(v) for k, v in self._recent.items()}
        return [OutboxEntry(r[0], r[1], r[2], r[3], r[4], r[5],
                            recent.get(r[2]) or _proof(r[8], r[6]), r[7]) for r in rows]

    def pending(self) -> list[OutboxEntry]:
        """Entries not yet delivered."""
        return self.entries("pending")

    def result(self, idempotency_key: str) -> dict[str, Any] | None:
        """The platform's answer for a delivered entry, or None.

        Within the visit that delivered it, the whole answer; later only ``case_no``."""
        with self._db_lock:
            if idempotency_key in self._recent:
                return _as_dict(self._recent[idempotency_key])
            row = self._conn.execute("SELECT case_no, result FROM outbox WHERE "
                                     "idempotency_key=? AND state='sent'",
                                     (idempotency_key,)).fetchone()
        return None if row is None else _proof(row[0], row[1]) or {}

    def proof(self, idempotency_key: str) -> dict[str, Any] | None:
        """What the outbox keeps of a delivered entry: key, case number, payload hash."""
        with self._db_lock:
            row = self._conn.execute("SELECT case_no, payload_sha256, sent_at FROM outbox "
                                     "WHERE idempotency_key=? AND state='sent'",
                                     (idempotency_key,)).fetchone()
        if row is None:
            return None
        return {"idempotency_key": idempotency_key, "case_no": row[0],
                "payload_sha256": row[1], "sent_at": row[2]}

    # -- the end of a visit ---------------------------------------------------------------
    def end_of_visit(self) -> None:
        """Forget this visit's answers, expire old refused entries, truncate the WAL.

        Call when a visit's session is wiped (after its last ``put``)."""
        with self._db_lock:
            self._recent.clear()
            self._refusals.clear()
        self.expire_refused()
        self.checkpoint()

    def checkpoint(self) -> None:
        """Copy the WAL into the database and truncate it to zero bytes."""
        with self._db_lock:
            busy = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy and busy[0]:
            log.info("outbox WAL checkpoint incomplete (busy); the next visit retries")

    def expire_refused(self) -> int:
        """Wipe refused entries older than ``refused_expire_days``; tell the operators."""
        cutoff = self._clock() - self._expire_s
        with self._db_lock:
            cur = self._conn.execute(
                "UPDATE outbox SET state='expired', payload='{}' WHERE state='dead' AND "
                "sent_at<=?", (cutoff,))
            expired = cur.rowcount
        if expired:
            detail = (f"{expired} refused outbox entries older than "
                      f"{self._expire_s / DAY_S:g} days expired; their contents were wiped")
            if self._faults is not None:
                self._faults.record("refused_expired", "outbox", detail)
            else:
                log.warning("%s", detail)
        return expired

    def counts(self) -> dict[str, int]:
        """Number of entries per state."""
        with self._db_lock:
            rows = self._conn.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state")
            return {str(s): int(n) for s, n in rows.fetchall()}

    # -- background drainer -------------------------------------------------------------
    def start(self) -> None:
        """Drain in a background thread until :meth:`stop`."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="outbox-drainer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.drain_once()
            except Exception:  # keep draining whatever one pass hit
                log.exception("outbox drain pass failed")
            self._wake.wait(self._poll)
            self._wake.clear()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop the background drainer (entries stay queued)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def close(self) -> None:
        """Stop and close the database."""
        self.stop()
        with self._db_lock:
            self._conn.close()


def _proof(case_no: str | None, legacy: str | None) -> dict[str, Any] | None:
    if case_no is not None:
        return {"case_no": case_no}
    return json.loads(legacy) if legacy else None


def _describe(exc: BaseException) -> str:
    code = getattr(exc, "code", "")
    return f"{type(exc).__name__}{f' [{code}]' if code else ''}"


def _as_dict(answer: Any) -> dict[str, Any]:
    """A typed answer as the dict the outbox's readers (CLI, operators) see."""
    if dataclasses.is_dataclass(answer) and not isinstance(answer, type):
        return dataclasses.asdict(answer)
    return dict(answer)
