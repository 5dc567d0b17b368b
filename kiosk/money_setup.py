"""Build the terminal's payment, appointment and A4 services from configuration.

Called by the composition root: the money client (payments, fiscal receipts, sealed
certificates, appointments), the payment ledger and service with the notification listener
the platform posts to, the booking desk (venues nearest to ``[terminal] lat/lon``) and,
when ``[certificate] ipp_uri`` names a CUPS queue, the A4 printer followed over IPP.
Start-up reconciliation of payments and A4 jobs runs on its own thread so a slow platform
never delays the first screen.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from kiosk.a4.ipp import IppClient
from kiosk.a4.jobs import JobLedger
from kiosk.a4.printer import A4Printer
from kiosk.appointments.booking import BookingDesk
from kiosk.config import TerminalConfig
from kiosk.payments.ledger import Ledger
from kiosk.payments.notify import NotificationListener
from kiosk.payments.service import PaymentService
from kiosk.platform.money_client import MoneyClient

log = logging.getLogger(__name__)
#: events operators must hear of: each is also published as ``money.error`` (the telemetry
#: agent counts ``*.error`` topics into the heartbeat the fleet watches)
ALARMS = ("payment.bad_notification", "payment.refund_pending", "payment.unconfirmed",
          "payment.late_refund", "a4.print_failed", "a4.orphan_printed")


class _Bus(Protocol):
    def publish(self, topic: str, payload: Any = None) -> int: ...

    def subscribe(self, pattern: str, handler: Any) -> Any: ...


def raise_alarms(bus: _Bus) -> None:
    """Re-publish the money alarms as ``money.error`` {"what": topic, …}."""
    def forward(topic: str, payload: Any) -> None:
        details = payload if isinstance(payload, dict) else {}
        bus.publish("money.error", {"what": topic, **details})

    for topic in ALARMS:
        bus.subscribe(topic, forward)


@dataclass
class MoneyServices:
    """What the flows need for payments, appointments and A4, and what to close."""

    money: MoneyClient
    payments: PaymentService
    listener: NotificationListener
    booking: BookingDesk
    a4: A4Printer | None
    ledger: Ledger
    a4_ledger: JobLedger | None

    def reconcile(self) -> None:
        """Finish what a crash left: open orders, refunds, abandoned A4 jobs."""
        try:
            report = self.payments.reconcile()
            if report.counts:
                log.warning("payments reconciled at start-up: %s", report.counts)
            if self.a4 is not None:
                counts = self.a4.reconcile()
                if counts:
                    log.warning("A4 jobs reconciled at start-up: %s", counts)
        except Exception:  # reconciliation runs again at the next start
            log.exception("start-up reconciliation failed")

    def close(self) -> None:
        """Stop the listener and close the ledgers."""
        self.listener.stop()
        self.ledger.close()
        if self.a4_ledger is not None:
            self.a4_ledger.close()


def build_money(config: TerminalConfig, bus: Any, base_dir: Path,
                start_threads: bool = True) -> MoneyServices:
    """Every payment, appointment and A4 service of one terminal (``bus``: the EventBus)."""
    raise_alarms(bus)
    money = MoneyClient(config.platform.client())
    settings = config.payments
    ledger = Ledger(_under(base_dir, settings.ledger_db))
    holder: dict[str, PaymentService] = {}

    def on_notification(document: dict[str, Any]) -> None:
        holder["service"].on_notification(document)

    listener = NotificationListener(config.platform.secret, on_notification, bus,
                                    host=settings.notify_host, port=settings.notify_port,
                                    advertised_host=settings.advertised_host or None)
    payments = PaymentService(money, ledger, bus, notify_url=listener.url,
                              poll_s=settings.poll_s)
    holder["service"] = payments
    terminal = config.terminal
    booking = BookingDesk(money, terminal.lat, terminal.lon)
    a4 = a4_ledger = None
    if config.certificate.ipp_uri:
        a4_ledger = JobLedger(_under(base_dir, config.certificate.a4_ledger_db))
        a4 = A4Printer(IppClient(config.certificate.ipp_uri), a4_ledger, bus)
    services = MoneyServices(money, payments, listener, booking, a4, ledger, a4_ledger)
    if start_threads:
        listener.start()
        threading.Thread(target=services.reconcile, name="reconcile", daemon=True).start()
    return services


def _under(base_dir: Path, path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else base_dir / candidate
