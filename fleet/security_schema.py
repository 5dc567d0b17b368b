"""Tables added for issue 17 (security): additive only, registered on :data:`fleet.db.metadata`.

``fleet.db`` imports this module at its end, so ``make_engine``'s ``create_all`` creates
these tables in old stores too; no existing table changes shape.

- ``enrol_token_bindings``: a token issued for one terminal id (re-enrolment without approval)
- ``enrol_requests``: re-enrolments waiting for an operator (the proposed secret encrypted)
- ``request_nonces``: nonces of signed terminal requests, kept for the signature window
- ``operator_sessions``: server-side sessions (only the SHA-256 of the cookie is stored)
- ``login_failures``: failed logins per user and per address, for throttling
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Index, Integer, String, Table, Text

from fleet.db import metadata

enrol_token_bindings = Table(
    "enrol_token_bindings",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("terminal_id", String(64), nullable=False),
)

enrol_requests = Table(
    "enrol_requests",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("terminal_id", String(64), nullable=False),
    Column("secret", Text, nullable=False),  # encrypted (fleet.secretbox)
    Column("name", String(200), nullable=False, default=""),
    Column("district", String(64), nullable=False, default=""),
    Column("address", String(300), nullable=False, default=""),
    Column("token_label", String(100), nullable=False, default=""),
    Column("remote", String(64), nullable=False, default=""),
    Column("requested_at", Float, nullable=False),
    Column("status", String(16), nullable=False),  # pending|approved|refused|superseded
    Column("decided_by", String(64)),
    Column("decided_at", Float),
)
Index("ix_enrol_requests_terminal", enrol_requests.c.terminal_id, enrol_requests.c.status)

request_nonces = Table(
    "request_nonces",
    metadata,
    Column("terminal_id", String(64), primary_key=True),
    Column("nonce", String(64), primary_key=True),
    Column("expires", Float, nullable=False),
)
Index("ix_request_nonces_expires", request_nonces.c.expires)

operator_sessions = Table(
    "operator_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
    Column("remote", String(64), nullable=False, default=""),
)
Index("ix_operator_sessions_user", operator_sessions.c.username)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("key", String(100), nullable=False),  # "user:NAME" or "addr:IP"
    Column("ts", Float, nullable=False),
)
Index("ix_login_failures_key_ts", login_failures.c.key, login_failures.c.ts)
