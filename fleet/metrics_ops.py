"""Prometheus metrics of the operators' day: per-terminal and per-device gauges, alert groups,
notifications, refused terminals (registered beside :class:`fleet.metrics.FleetCollector`).

Label sets are bounded: ``terminal`` and ``district`` take the enrolled terminals' values
(one series per terminal, as many as the fleet has), ``device`` only the known device names
(``idcard``, ``scanner``, ``camera``, ``printer``; any other device counts as ``other``),
``state`` the six health states. Nothing a terminal sends can add a label value of its own
beyond its enrolled id. The rules under ``deploy/prometheus/`` and the Grafana dashboard
under ``deploy/grafana/`` use only the names listed in :data:`METRIC_NAMES` (checked by
tests against a live ``/metrics``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, select

from fleet.db import terminals
from fleet.db_ops import alert_groups
from fleet.notify import pending_count
from fleet.refused import RefusedLog, refused_counts
from fleet.rules import HEALTH_STATES
from fleet.terminals import effective_health

DEVICES = ("idcard", "scanner", "camera", "printer")
METRIC_NAMES = (
    "fleet_terminal_up", "fleet_terminal_health", "fleet_terminal_maintenance",
    "fleet_terminal_paper_percent", "fleet_terminal_last_heartbeat_timestamp_seconds",
    "fleet_terminal_errors_total", "fleet_terminal_sessions_total", "fleet_device_up",
    "fleet_device_fault", "fleet_alert_groups", "fleet_alert_groups_overdue",
    "fleet_notifications_pending", "fleet_notifications_total", "fleet_terminals_refused",
    "fleet_refused_beacons_total",
)


class OpsCollector(Collector):
    """See the module docstring."""

    def __init__(self, engine: Engine, offline_after: float, refused: RefusedLog,
                 notified: Callable[[], dict[tuple[str, str], int]]) -> None:
        self._engine = engine
        self._offline_after = offline_after
        self._refused = refused
        self._notified = notified

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        """Yield the metric families (called on every scrape)."""
        now = time.time()
        with self._engine.connect() as conn:
            rows = conn.execute(select(
                terminals.c.id, terminals.c.district, terminals.c.health,
                terminals.c.last_seen, terminals.c.maintenance, terminals.c.paper_level,
                terminals.c.devices, terminals.c.counters)).all()
            groups = conn.execute(select(alert_groups.c.severity, alert_groups.c.count,
                                         alert_groups.c.acked_at, alert_groups.c.ack_due)
                                  .where(alert_groups.c.resolved_at.is_(None))).all()
            pending = pending_count(conn)
            refused = refused_counts(conn, now)
        yield from self._terminals(rows, now)
        yield from self._groups(groups, now)
        yield GaugeMetricFamily("fleet_notifications_pending",
                                "Notifications waiting to be delivered", value=pending)
        sent = CounterMetricFamily("fleet_notifications", "Notification delivery attempts",
                                   labels=["channel", "result"])
        counts = self._notified()
        for channel in ("email", "webhook"):
            for result in ("sent", "retry", "failed"):
                sent.add_metric([channel, result], counts.get((channel, result), 0))
        yield sent
        gauge = GaugeMetricFamily("fleet_terminals_refused",
                                  "Terminals whose credentials are refused", labels=["status"])
        for status in ("refused", "unknown"):
            gauge.add_metric([status], refused.get(status, 0))
        yield gauge
        beacons = CounterMetricFamily("fleet_refused_beacons", '"I am refused" beacons',
                                      labels=["result"])
        for result, n in sorted(self._refused.beacons.items()):
            beacons.add_metric([result], n)
        yield beacons

    def _terminals(self, rows: Sequence[Any], now: float
                   ) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        labels = ["terminal", "district"]
        up = GaugeMetricFamily("fleet_terminal_up", "1 when the terminal's heartbeats arrive",
                               labels=labels)
        health = GaugeMetricFamily("fleet_terminal_health",
                                   "1 for the terminal's current health state",
                                   labels=[*labels, "state"])
        maint = GaugeMetricFamily("fleet_terminal_maintenance", "1 while in maintenance mode",
                                  labels=labels)
        paper = GaugeMetricFamily("fleet_terminal_paper_percent", "Receipt paper left, percent",
                                  labels=labels)
        seen = GaugeMetricFamily("fleet_terminal_last_heartbeat_timestamp_seconds",
                                 "Unix time of the last accepted heartbeat", labels=labels)
        errors = CounterMetricFamily("fleet_terminal_errors", "Errors counted by the terminal "
                                     "app (resets when it restarts)", labels=labels)
        sessions = CounterMetricFamily("fleet_terminal_sessions", "Citizen visits counted by "
                                       "the terminal app (resets when it restarts)",
                                       labels=labels)
        dev_up = GaugeMetricFamily("fleet_device_up", "1 when the device is online",
                                   labels=["terminal", "device"])
        dev_fault = GaugeMetricFamily("fleet_device_fault", "1 when the device reports a "
                                      "hardware error", labels=["terminal", "device"])
        for tid, district, h, last_seen, maintenance, level, devices, counters in rows:
            key = [tid, district or ""]
            state = effective_health(h, last_seen, now, self._offline_after)
            up.add_metric(key, 1 if state not in ("offline", "unknown") else 0)
            for s in HEALTH_STATES:
                health.add_metric([*key, s], 1 if s == state else 0)
            maint.add_metric(key, 1 if maintenance else 0)
            if level is not None:
                paper.add_metric(key, level)
            if last_seen is not None:
                seen.add_metric(key, last_seen)
            count = _load(counters)
            errors.add_metric(key, int(count.get("errors", 0) or 0))
            sessions.add_metric(key, int(count.get("sessions", 0) or 0))
            by_device: dict[str, tuple[int, int]] = {}
            for name, dev in _load(devices).items():
                label = name if name in DEVICES else "other"
                dstate = dev.get("state") if isinstance(dev, dict) else None
                ok, bad = int(dstate == "online"), int(dstate == "hardware_error")
                old = by_device.get(label, (1, 0))
                by_device[label] = (min(old[0], ok), max(old[1], bad))
            for label, (ok, bad) in sorted(by_device.items()):
                dev_up.add_metric([tid, label], ok)
                dev_fault.add_metric([tid, label], bad)
        yield from (up, health, maint, paper, seen, errors, sessions, dev_up, dev_fault)

    def _groups(self, groups: Sequence[Any], now: float) -> Iterator[GaugeMetricFamily]:
        by_severity = {"warning": 0, "critical": 0}
        overdue = 0
        for severity, count, acked_at, ack_due in groups:
            if count:
                by_severity[severity] = by_severity.get(severity, 0) + 1
                if acked_at is None and ack_due is not None and now >= ack_due:
                    overdue += 1
        gauge = GaugeMetricFamily("fleet_alert_groups", "Open alert groups with active members",
                                  labels=["severity"])
        for severity, n in sorted(by_severity.items()):
            gauge.add_metric([severity], n)
        yield gauge
        yield GaugeMetricFamily("fleet_alert_groups_overdue",
                                "Open alert groups past their acknowledgement deadline",
                                value=overdue)


def _load(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
