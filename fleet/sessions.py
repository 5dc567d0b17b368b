"""Operator sessions kept server-side, and a login that resists guessing and floods.

Sessions: the cookie is 256 random bits; the store keeps only its SHA-256 with the user,
an absolute expiry (8 h) and the last use (idle timeout 30 min). Logout deletes the row;
a password change, an account replacement or disabling an account deletes all the user's
rows — the cookie stops working at once, on every replica. Nothing in the store can be
turned into a valid cookie, so there is no signing key to protect.

Login (:class:`LoginGuard`):

- failures are counted per user (5 in 15 min) and per address (20 in 15 min) in the store,
  so every replica sees them; attempts per address are also capped (30 per minute, in
  memory). Over a limit the answer is 429 with Retry-After, before any password work;
- unknown and disabled users cost the same scrypt as real ones (a dummy hash);
- at most one password hash runs at a time, at most a few wait, and at most 8 run per
  second server-wide, so even a flood spread over many addresses costs under half a core
  and cannot starve the heartbeat path (503 beyond that);
- refused and throttled answers are held back (0.5 s, up to 2 s; an asyncio sleep, so it
  costs no CPU), which turns a flood from one client into a trickle.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass

from fastapi import HTTPException
from sqlalchemy import Engine, delete, func, select, update
from starlette.requests import Request

from common.http_limits import ASGIApp, Receive, Scope, Send, json_error_body, send_simple
from fleet.accounts import Operator, check_password, hash_password, role_allows
from fleet.db import operators
from fleet.security_schema import login_failures, operator_sessions

COOKIE = "fleet_session"
SESSION_TTL_S = 8 * 3600
IDLE_TTL_S = 30 * 60
TOUCH_EVERY_S = 60.0
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")
#: a refused or throttled login is answered after this long (cheap asyncio sleep), so a
#: flood of guesses from one client makes a few requests a second instead of thousands
FAILURE_DELAY_S = 0.5
TARPIT_S = 2.0
TARPIT_SLOTS = 200


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def valid_token(token: str | None) -> str | None:
    """``token`` when it looks like one of our cookies (ASCII, right length), else None."""
    if not token or not token.isascii() or not TOKEN_RE.fullmatch(token):
        return None
    return token


def create(engine: Engine, username: str, remote: str = "", now: float | None = None) -> str:
    """Open a session for ``username``; return the cookie value."""
    now = time.time() if now is None else now
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(operator_sessions.insert().values(
            token_hash=_digest(token), username=username, created_at=now,
            expires_at=now + SESSION_TTL_S, last_seen=now, remote=remote[:64]))
        conn.execute(delete(operator_sessions).where(operator_sessions.c.expires_at < now))
    return token


def read(engine: Engine, token: str | None, now: float | None = None) -> Operator | None:
    """The operator of a live session (account enabled, role as stored now), else None."""
    token = valid_token(token)
    if token is None:
        return None
    now = time.time() if now is None else now
    digest = _digest(token)
    with engine.connect() as conn:
        row = conn.execute(
            select(operator_sessions.c.username, operator_sessions.c.last_seen,
                   operators.c.role, operators.c.disabled)
            .join(operators, operators.c.username == operator_sessions.c.username)
            .where(operator_sessions.c.token_hash == digest,
                   operator_sessions.c.expires_at > now,
                   operator_sessions.c.last_seen > now - IDLE_TTL_S)).first()
    if row is None or row.disabled:
        return None
    if now - row.last_seen > TOUCH_EVERY_S:
        with engine.begin() as conn:
            conn.execute(update(operator_sessions)
                         .where(operator_sessions.c.token_hash == digest)
                         .values(last_seen=now))
    return Operator(row.username, row.role)


def end(engine: Engine, token: str | None) -> None:
    """Log out: the session stops working at once."""
    token = valid_token(token)
    if token is not None:
        with engine.begin() as conn:
            conn.execute(delete(operator_sessions)
                         .where(operator_sessions.c.token_hash == _digest(token)))


def end_all(engine: Engine, username: str) -> int:
    """End every session of ``username`` (password change, account replaced or disabled)."""
    with engine.begin() as conn:
        done = conn.execute(delete(operator_sessions)
                            .where(operator_sessions.c.username == username))
    return int(done.rowcount or 0)


@dataclass(frozen=True)
class Limits:
    """Login throttling thresholds."""

    window_s: float = 15 * 60
    user_failures: int = 5
    address_failures: int = 20
    address_attempts_per_min: int = 30
    hash_waiters: int = 4
    #: password checks per second for the whole server (token bucket): a flood spread over
    #: many addresses still costs at most this much CPU
    hashes_per_s: float = 8.0


class Throttled(Exception):
    """Too many attempts; ``retry_after`` seconds."""

    def __init__(self, retry_after: float, status: int = 429) -> None:
        super().__init__("too many login attempts, try again later")
        self.retry_after = max(1, int(retry_after) + 1)
        self.status = status


class LoginGuard:
    """Throttled, constant-time password checks (see module docstring)."""

    def __init__(self, engine: Engine, limits: Limits | None = None) -> None:
        self.engine = engine
        self.limits = limits or Limits()
        self._dummy = hash_password(secrets.token_urlsafe(16))
        self._lock = threading.Lock()
        self._attempts: dict[str, deque[float]] = {}
        self._blocked: dict[str, float] = {}  # key → until (saves store reads under a flood)
        self._hashing: asyncio.Semaphore | None = None
        self._waiting = 0
        self._tarpitted = 0
        self._bucket = self.limits.hashes_per_s
        self._bucket_at = time.monotonic()

    async def tarpit(self, seconds: float) -> None:
        """Hold a refused answer back for a while (no CPU; bounded number of holders)."""
        if self._tarpitted >= TARPIT_SLOTS:
            return
        self._tarpitted += 1
        try:
            await asyncio.sleep(min(seconds, TARPIT_S))
        finally:
            self._tarpitted -= 1

    # -- throttling ----------------------------------------------------------------------
    def _note_attempt(self, address: str, now: float) -> None:
        with self._lock:
            for key, until in list(self._blocked.items()):
                if until <= now:
                    del self._blocked[key]
            blocked = self._blocked.get(f"addr:{address}")
            if blocked is not None:
                raise Throttled(blocked - now)
            q = self._attempts.setdefault(address, deque())
            while q and q[0] <= now - 60:
                q.popleft()
            if len(q) >= self.limits.address_attempts_per_min:
                raise Throttled(q[0] + 60 - now)
            q.append(now)
            if len(self._attempts) > 50_000:
                self._attempts = {a: d for a, d in self._attempts.items() if d and d[-1] > now - 60}

    def _check_store(self, username: str, address: str, now: float) -> None:
        with self._lock:
            for key in (f"user:{username}", f"addr:{address}"):
                until = self._blocked.get(key)
                if until is not None and until > now:
                    raise Throttled(until - now)
        since = now - self.limits.window_s
        checks = ((f"user:{username}", self.limits.user_failures),
                  (f"addr:{address}", self.limits.address_failures))
        with self.engine.connect() as conn:
            for key, limit in checks:
                n, oldest = conn.execute(
                    select(func.count(), func.min(login_failures.c.ts))
                    .where(login_failures.c.key == key, login_failures.c.ts > since)).one()
                if n >= limit:
                    until = float(oldest) + self.limits.window_s
                    with self._lock:
                        self._blocked[key] = until
                    raise Throttled(until - now)

    def _record_failure(self, username: str, address: str, now: float) -> None:
        with self.engine.begin() as conn:
            conn.execute(login_failures.insert(), [
                {"key": f"user:{username}", "ts": now}, {"key": f"addr:{address}", "ts": now}])
            conn.execute(delete(login_failures)
                         .where(login_failures.c.ts < now - self.limits.window_s))

    def _clear_user(self, username: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(login_failures)
                         .where(login_failures.c.key == f"user:{username}"))

    # -- the check -----------------------------------------------------------------------
    def _verify(self, username: str, password: str) -> Operator | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(operators.c.username, operators.c.pw_hash,
                                      operators.c.role, operators.c.disabled)
                               .where(operators.c.username == username)).first()
        stored = row.pw_hash if row is not None else self._dummy
        ok = check_password(password, stored)  # the same work whether the user exists or not
        if row is None or row.disabled or not ok:
            return None
        return Operator(row.username, row.role)

    async def login(self, username: str, password: str, address: str) -> Operator | None:
        """The operator for these credentials, None when wrong; :class:`Throttled` when over
        a limit or when too many checks are already waiting."""
        from starlette.concurrency import run_in_threadpool

        now = time.time()
        username = username[:64]
        self._note_attempt(address, now)
        await run_in_threadpool(self._check_store, username, address, now)
        if self._hashing is None:
            self._hashing = asyncio.Semaphore(1)
        mono = time.monotonic()
        rate = self.limits.hashes_per_s
        self._bucket = min(rate, self._bucket + (mono - self._bucket_at) * rate)
        self._bucket_at = mono
        if self._waiting >= self.limits.hash_waiters or self._bucket < 1:
            raise Throttled(1, status=503)
        self._bucket -= 1
        self._waiting += 1
        try:
            async with self._hashing:
                op = await run_in_threadpool(self._verify, username, password[:1024])
        finally:
            self._waiting -= 1
        if op is None:
            await run_in_threadpool(self._record_failure, username, address, time.time())
        else:
            await run_in_threadpool(self._clear_user, username)
        return op


def session_cookie(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The session cookie among raw ASGI headers (None when absent or not ours)."""
    from starlette.requests import cookie_parser

    for key, value in headers:
        if key.lower() == b"cookie":
            token = cookie_parser(value.decode("latin-1")).get(COOKIE)
            if token is not None:
                return valid_token(token)
    return None


def require(engine: Engine, request: Request, role: str) -> Operator:
    """The operator of this request's session with at least ``role`` (else HTTPException).

    401 without a live session (or with a disabled account), 403 for a lower role, 415 for
    a POST that is not JSON (with SameSite=Strict cookies, this keeps forms of other sites
    out even for browsers that ignore SameSite).
    """
    op = read(engine, request.cookies.get(COOKIE))
    if op is None:
        raise HTTPException(401, "please log in")
    if not role_allows(op.role, role):
        raise HTTPException(403, f"needs role {role}")
    if request.method == "POST" and not request.headers.get(
            "content-type", "").startswith("application/json"):
        raise HTTPException(415, "JSON body required")
    return op


#: operator POSTs that need no session (or must work without one)
OPEN_POSTS = frozenset({"/api/ops/login", "/api/ops/logout"})


class SessionGate:
    """Refuses operator POSTs without a live session *before* their body is read (401)."""

    def __init__(self, app: ASGIApp, engine: Engine) -> None:
        self.app = app
        self.engine = engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope["method"] not in ("GET", "HEAD")
                and scope["path"].startswith("/api/ops/") and scope["path"] not in OPEN_POSTS):
            from starlette.concurrency import run_in_threadpool

            token = session_cookie(scope.get("headers", []))
            op = None if token is None else await run_in_threadpool(read, self.engine, token)
            if op is None:
                await send_simple(send, 401, json_error_body("please log in"))
                return
        await self.app(scope, receive, send)
