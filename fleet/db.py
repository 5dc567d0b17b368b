"""The fleet store's schema (SQLAlchemy 2 Core) and engine factory.

SQLite (a file, WAL mode) is the embedded default; a ``postgresql+psycopg://`` URL switches
to PostgreSQL. All state lives here, so server replicas can share one PostgreSQL database.
Times are unix seconds (float), except ``heartbeats.ts`` which is whole seconds for bucketing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)

DEFAULT_SQLITE_PATH = Path("var/fleet/fleet.db")
#: SQLite connections kept open by one engine (worker threads + writer + loops)
SQLITE_POOL_SIZE = 16

metadata = MetaData()

settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

terminals = Table(
    "terminals",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False, default=""),
    Column("district", String(64), nullable=False, default=""),
    Column("address", String(300), nullable=False, default=""),
    Column("secret", String(128), nullable=False),
    Column("enrolled_at", Float, nullable=False),
    Column("last_seen", Float),
    Column("last_seq", BigInteger, nullable=False, default=-1),
    Column("app_version", String(64), nullable=False, default=""),
    Column("uptime_s", Float, nullable=False, default=0.0),
    Column("screen", String(64), nullable=False, default=""),
    Column("maintenance", Boolean, nullable=False, default=False),
    Column("paper_state", String(16), nullable=False, default="unknown"),
    Column("paper_level", Integer),
    Column("devices", Text, nullable=False, default="{}"),
    Column("counters", Text, nullable=False, default="{}"),
    Column("errors", BigInteger, nullable=False, default=0),
    Column("health", String(16), nullable=False, default="unknown"),
    Column("conditions", Text, nullable=False, default=""),
)

heartbeats = Table(
    "heartbeats",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("terminal_id", String(64), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("ts", BigInteger, nullable=False),
    Column("received", Float, nullable=False),
    Column("health", String(16), nullable=False),
    Column("paper_level", Integer),
    Column("sessions", BigInteger, nullable=False, default=0),
    Column("errors", BigInteger, nullable=False, default=0),
    Column("payload", Text, nullable=False),
    UniqueConstraint("terminal_id", "seq", name="uq_heartbeat_seq"),
)
Index("ix_heartbeats_ts", heartbeats.c.ts)
Index("ix_heartbeats_terminal_ts", heartbeats.c.terminal_id, heartbeats.c.ts)

heartbeat_hourly = Table(
    "heartbeat_hourly",
    metadata,
    Column("terminal_id", String(64), primary_key=True),
    Column("hour", BigInteger, primary_key=True),
    Column("count", Integer, nullable=False),
    Column("unhealthy", Integer, nullable=False),
    Column("paper_min", Integer),
    Column("sessions_max", BigInteger, nullable=False),
    Column("errors_max", BigInteger, nullable=False),
)

usage_events = Table(
    "usage_events",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("terminal_id", String(64), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("item_code", String(64), nullable=False),
    Column("item_name", String(200), nullable=False, default=""),
    Column("kind", String(32), nullable=False),
    Column("day", String(10), nullable=False),
    Column("ts", Float, nullable=False),
    UniqueConstraint("terminal_id", "event_id", name="uq_usage_event"),
)
Index("ix_usage_day", usage_events.c.day)

commands = Table(
    "commands",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("terminal_id", String(64), ForeignKey("terminals.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("args", Text, nullable=False, default="{}"),
    Column("status", String(16), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("sent_at", Float),
    Column("done_at", Float),
    Column("result", Text),
)
Index("ix_commands_pending", commands.c.terminal_id, commands.c.status)

alerts = Table(
    "alerts",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("terminal_id", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("subject", String(64), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
    Column("opened_at", Float, nullable=False),
    Column("resolved_at", Float),
    Column("acked_by", String(64)),
    Column("acked_at", Float),
)
Index("ix_alerts_open", alerts.c.resolved_at, alerts.c.terminal_id)

operators = Table(
    "operators",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("pw_hash", String(256), nullable=False),
    Column("role", String(16), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
)

audit = Table(
    "audit",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("ts", Float, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(128), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
    Column("result", Text, nullable=False, default=""),
    Column("command_id", BigInteger),
)

enrol_tokens = Table(
    "enrol_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("label", String(100), nullable=False, default=""),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float),
    Column("uses_left", Integer),
)

screenshots = Table(
    "screenshots",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("terminal_id", String(64), nullable=False),
    Column("ts", Float, nullable=False),
    Column("png", LargeBinary, nullable=False),
)


def default_url() -> str:
    """The embedded SQLite store under ``var/fleet/`` of the working directory."""
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: embedded SQLite) with the schema created."""
    url = url or default_url()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            restrict_sqlite_files(path)  # 0600: the store is for the server's account only
        pool: dict[str, Any] = {}
        if path and path != ":memory:":
            # connections are kept and reused: opening one (file, schema, pragmas) cost more
            # than the query it was opened for when request threads outnumbered the default
            # pool of 5 and every overflow connection was closed after one use
            pool = {"pool_size": SQLITE_POOL_SIZE, "max_overflow": 32}
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               **pool)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

    else:
        engine = create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=True)
    import fleet.db_ops  # noqa: F401  (registers the operators' tables on ``metadata``)

    metadata.create_all(engine)
    return engine


def restrict_sqlite_files(path: str) -> None:
    """Create the SQLite file (and chmod its WAL/SHM companions) readable by the owner only."""
    from fleet.storage_perms import restrict_sqlite_files as restrict

    restrict(path)


# tables added by the security work (issue 17); imported last so they share ``metadata``
from fleet import security_schema  # noqa: E402,F401
