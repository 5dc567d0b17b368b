"""Operator accounts: scrypt-hashed passwords, roles, the audit log.

Roles are ordered: ``viewer`` (look), ``operator`` (also acknowledge alerts and send remote
commands), ``admin`` (also manage accounts and enrolment tokens). Sessions are kept in the
store (fleet/sessions.py), so logout and a password change end them at once on every
replica (the stateless HMAC tokens of older versions are no longer accepted).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from fleet.db import audit, operators

ROLES = ("viewer", "operator", "admin")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$hash`` for ``password`` (base64 parts)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    b64 = base64.b64encode
    return "scrypt${n}${r}${p}$".format(**_SCRYPT) + f"{b64(salt).decode()}${b64(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    """True when ``password`` matches a :func:`hash_password` string."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


def role_allows(role: str, needed: str) -> bool:
    """True when ``role`` is at least ``needed``."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


@dataclass(frozen=True)
class Operator:
    """A logged-in operator."""

    username: str
    role: str


class AccountError(ValueError):
    """Bad account input (unknown role, empty name, short password …)."""


def create_operator(engine: Engine, username: str, password: str, role: str) -> None:
    """Create or replace an operator account."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if not username or len(username) > 64:
        raise AccountError("username must have 1 to 64 characters")
    if len(password) < 8:
        raise AccountError("password must have at least 8 characters")
    with engine.begin() as conn:
        conn.execute(operators.delete().where(operators.c.username == username))
        conn.execute(
            operators.insert().values(
                username=username, pw_hash=hash_password(password), role=role,
                created_at=time.time(), disabled=False,
            )
        )
        _end_sessions(conn, username)  # a replaced password ends the old sessions at once


def list_operators(engine: Engine) -> list[dict[str, Any]]:
    """All accounts without their password hashes."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(operators.c.username, operators.c.role, operators.c.created_at,
                   operators.c.disabled).order_by(operators.c.username)
        )
        return [dict(r._mapping) for r in rows]


def disable_operator(engine: Engine, username: str) -> bool:
    """Disable an account; False when it does not exist."""
    with engine.begin() as conn:
        result = conn.execute(
            update(operators).where(operators.c.username == username).values(disabled=True)
        )
        _end_sessions(conn, username)
        return result.rowcount == 1


def _end_sessions(conn: Connection, username: str) -> None:
    from fleet.security_schema import operator_sessions

    conn.execute(operator_sessions.delete().where(operator_sessions.c.username == username))


def authenticate(engine: Engine, username: str, password: str) -> Operator | None:
    """The operator when the credentials are right and the account is enabled."""
    with engine.connect() as conn:
        row = conn.execute(select(operators).where(operators.c.username == username)).first()
    if row is None or row.disabled or not check_password(password, row.pw_hash):
        return None
    return Operator(row.username, row.role)


def audit_log(
    conn: Connection, actor: str, action: str, target: str = "", detail: str = "",
    result: str = "", command_id: int | None = None, now: float | None = None,
) -> None:
    """Append one audit record."""
    conn.execute(
        audit.insert().values(
            ts=time.time() if now is None else now, actor=actor, action=action, target=target,
            detail=detail, result=result, command_id=command_id,
        )
    )


def list_audit(engine: Engine, limit: int = 200) -> list[dict[str, Any]]:
    """Audit records, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(audit).order_by(audit.c.id.desc()).limit(limit))
        return [dict(r._mapping) for r in rows]
