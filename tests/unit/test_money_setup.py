"""The money services built from configuration: alarms reach the operators' error count,
the listener's URL goes with every order, and the A4 printer exists only with a queue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from common.events import EventBus
from kiosk.config import CertificateSection, TerminalConfig
from kiosk.money_setup import build_money
from kiosk.telemetry import UsageCounters


def test_alarms_are_counted_as_errors_and_a4_needs_a_queue(tmp_path: Path) -> None:
    bus = EventBus()
    counters = UsageCounters(bus)
    seen: list[tuple[str, Any]] = []
    bus.subscribe("money.error", lambda t, p: seen.append((t, p)))
    money = build_money(TerminalConfig(), bus, tmp_path, start_threads=False)
    try:
        assert money.a4 is None and money.payments.notify_url == money.listener.url
        before = counters.counts["errors"]
        bus.publish("payment.bad_notification", {"reason": "bad_signature"})
        bus.publish("payment.paid", {"pay_code": "x"})          # not an alarm
        assert seen == [("money.error", {"what": "payment.bad_notification",
                                         "reason": "bad_signature"})]
        assert counters.counts["errors"] == before + 1
    finally:
        money.close()
    with_a4 = build_money(TerminalConfig(certificate=CertificateSection(
        ipp_uri="ipp://127.0.0.1:6310/printers/EBT-A4")), EventBus(), tmp_path,
        start_threads=False)
    try:
        assert with_a4.a4 is not None
    finally:
        with_a4.close()
