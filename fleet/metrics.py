"""Prometheus metrics for ``/metrics``: fleet health from the store, ingest counters.

A collector reads the store at scrape time (so every replica reports the same fleet
picture) and the ingest counters of this process. Each app owns its own registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from fleet.alerts import open_counts_by_kind
from fleet.ingest import IngestStats
from fleet.rules import ALERT_KINDS, HEALTH_STATES
from fleet.terminals import overview

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class FleetCollector(Collector):
    """Terminals by health state, open alerts by kind, heartbeat counters."""

    def __init__(self, engine: Engine, offline_after: float, stats: IngestStats,
                 rejected: Callable[[], dict[str, int]]) -> None:
        self._engine = engine
        self._offline_after = offline_after
        self._stats = stats
        self._rejected = rejected

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        """Yield the metric families (called by the registry on every scrape)."""
        counts = overview(self._engine, self._offline_after)["by_health"]
        terminals = GaugeMetricFamily(
            "fleet_terminals", "Terminals by health state", labels=["state"])
        for state in HEALTH_STATES:
            terminals.add_metric([state], counts.get(state, 0))
        yield terminals
        with self._engine.connect() as conn:
            open_alerts = open_counts_by_kind(conn)
        alerts = GaugeMetricFamily("fleet_alerts_open", "Open alerts by kind", labels=["kind"])
        for kind in ALERT_KINDS:
            alerts.add_metric([kind], open_alerts.get(kind, 0))
        yield alerts
        yield CounterMetricFamily("fleet_heartbeats_accepted", "Heartbeats stored",
                                  value=self._stats.heartbeats)
        yield CounterMetricFamily("fleet_ingest_batches", "Ingest transactions committed",
                                  value=self._stats.batches)
        rejected = CounterMetricFamily("fleet_requests_rejected", "Terminal requests refused",
                                       labels=["reason"])
        for reason, n in sorted(self._rejected().items()):
            rejected.add_metric([reason], n)
        yield rejected


def make_registry(collector: FleetCollector) -> CollectorRegistry:
    """A registry of its own holding ``collector``."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry


def render(registry: CollectorRegistry) -> bytes:
    """The text exposition of ``registry``."""
    return generate_latest(registry)
