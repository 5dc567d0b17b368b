"""What a journey needs from the rest of the terminal, injected by the composition root."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from drivers.base import CommandResult


class Printer(Protocol):
    """The part of the receipt printer a journey uses."""

    def print_document(self, doc: Any, timeout: float = 0, cancel: Any = None
                       ) -> CommandResult[Any]:
        """Print a receipt document."""


class Publisher(Protocol):
    """The event bus, as a journey sees it."""

    def publish(self, topic: str, payload: Any = None) -> int:
        """Publish an event."""


@dataclass
class FlowPorts:
    """The journey's collaborators: platform client, outbox, printer, bus, clock."""

    platform: Any                     # kiosk.platform.client.PlatformClient
    outbox: Any                       # kiosk.platform.outbox.Outbox
    printer: Printer | None
    bus: Publisher
    terminal_id: str
    delivery_wait_s: float = 8.0      # how long to wait for the outbox before a receipt
    now: Callable[[], datetime] = datetime.now
    sleep: Callable[[float], None] = time.sleep
    certificate_output: Any = None    # kiosk.flows.output.CertificateOutput (A4 via lp)
    money: Any = None                 # kiosk.platform.money_client.MoneyClient
    payments: Any = None              # kiosk.payments.service.PaymentService
    booking: Any = None               # kiosk.appointments.booking.BookingDesk
    a4: Any = None                    # kiosk.a4.printer.A4Printer (A4 over IPP), or None
    payment_countdown_s: float = 300.0
