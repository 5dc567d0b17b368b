"""Tables of the operators' day (added beside :mod:`fleet.db`, on the same metadata).

Refused terminals, grouped alerts and their notifications, maintenance windows, leases
(one replica runs the alert grouping), paper refills, terminal locations and depots for
paper rounds. New tables only — an existing store gets them from ``create_all`` without a
migration. :func:`fleet.db.make_engine` imports this module before creating the schema.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Index, Integer, String, Table, Text

from fleet.db import metadata

_ID = BigInteger().with_variant(Integer, "sqlite")

refused_terminals = Table(
    "refused_terminals",
    metadata,
    Column("terminal_id", String(64), primary_key=True),
    Column("reason", String(32), nullable=False),
    Column("first_seen", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
    Column("refusals", BigInteger, nullable=False, default=0),  # 401s the server answered
    Column("beacons", BigInteger, nullable=False, default=0),   # "I am refused" beacons
    Column("remote_addr", String(64), nullable=False, default=""),
    Column("dismissed_at", Float),
    Column("dismissed_by", String(64)),
)

alert_groups = Table(
    "alert_groups",
    metadata,
    Column("id", _ID, primary_key=True),
    Column("family", String(32), nullable=False),
    Column("district", String(64), nullable=False, default=""),
    Column("severity", String(16), nullable=False),  # warning | critical
    Column("kinds", String(200), nullable=False, default=""),  # "paper_low=18,paper_out=5"
    Column("count", Integer, nullable=False, default=0),       # active (not suppressed)
    Column("suppressed", Integer, nullable=False, default=0),  # in maintenance
    Column("peak", Integer, nullable=False, default=0),
    Column("terminals", Text, nullable=False, default=""),    # active member ids, sorted
    Column("opened_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("resolved_at", Float),
    Column("notified_at", Float),     # the first notification went out (after group_wait)
    Column("notified_severity", String(16)),
    Column("acked_by", String(64)),
    Column("acked_at", Float),
    Column("ack_due", Float),         # unacknowledged past this → escalation
    Column("escalated_at", Float),
)
Index("ix_alert_groups_open", alert_groups.c.resolved_at, alert_groups.c.family)

notifications = Table(
    "notifications",
    metadata,
    Column("id", _ID, primary_key=True),
    Column("group_id", BigInteger),
    Column("event", String(16), nullable=False),   # opened | escalated | overdue | resolved
    Column("role", String(32), nullable=False),
    Column("channel", String(16), nullable=False),  # email | webhook
    Column("target", String(300), nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False),  # pending | sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_at", Float, nullable=False),
    Column("claimed_until", Float),
    Column("last_error", String(300), nullable=False, default=""),
    Column("created_at", Float, nullable=False),
    Column("sent_at", Float),
)
Index("ix_notifications_due", notifications.c.status, notifications.c.next_at)

maintenance_windows = Table(
    "maintenance_windows",
    metadata,
    Column("id", _ID, primary_key=True),
    Column("scope", String(16), nullable=False),   # fleet | district | terminal
    Column("target", String(64), nullable=False, default=""),
    Column("starts_at", Float, nullable=False),
    Column("ends_at", Float, nullable=False),
    Column("reason", String(200), nullable=False, default=""),
    Column("created_by", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
)

leases = Table(
    "leases",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(64), nullable=False),
    Column("expires_at", Float, nullable=False),
)

paper_refills = Table(
    "paper_refills",
    metadata,
    Column("id", _ID, primary_key=True),
    Column("terminal_id", String(64), nullable=False),
    Column("ts", Float, nullable=False),
    Column("by", String(64), nullable=False),
    Column("level_before", Integer),
)
Index("ix_paper_refills_terminal", paper_refills.c.terminal_id, paper_refills.c.ts)

terminal_locations = Table(
    "terminal_locations",
    metadata,
    Column("terminal_id", String(64), primary_key=True),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
)

depots = Table(
    "depots",
    metadata,
    Column("district", String(64), primary_key=True),
    Column("name", String(200), nullable=False, default=""),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
)
