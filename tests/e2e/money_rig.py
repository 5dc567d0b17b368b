"""Shared pieces for the payment and appointment tests: a terminal's payment side (client,
ledger, notification listener, service, bus recorder) against a real platform simulator."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from common.events import EventBus
from kiosk.payments.ledger import Ledger
from kiosk.payments.notify import NotificationListener
from kiosk.payments.service import PaymentService
from kiosk.platform.client import PlatformClient
from kiosk.platform.money_client import MoneyClient
from simulator.platform import payloads
from simulator.platform.server import PlatformServer

TERMINAL, SECRET = "KM-DEMO-0001", "demo-secret"


@dataclass
class Recorder:
    """Collects bus events."""

    events: list[tuple[str, Any]] = field(default_factory=list)

    def __call__(self, topic: str, payload: Any) -> None:
        self.events.append((topic, payload))

    def topics(self) -> list[str]:
        return [t for t, _ in self.events]


@dataclass
class Terminal:
    """One terminal's payment side."""

    client: PlatformClient
    money: MoneyClient
    ledger: Ledger
    bus: EventBus
    events: Recorder
    listener: NotificationListener
    service: PaymentService

    def close(self) -> None:
        self.listener.stop()
        self.ledger.close()


def terminal(server: PlatformServer, db: Path, poll_s: float = 0.2) -> Terminal:
    """A terminal with its listener started (stop it with ``close``)."""
    client = PlatformClient(server.url, TERMINAL, SECRET, timeout=(1.0, 10.0), retries=1,
                            backoff_s=0.01)
    money = MoneyClient(client)
    ledger = Ledger(db)
    bus = EventBus()
    events = Recorder()
    bus.subscribe("*", events)
    holder: dict[str, PaymentService] = {}
    listener = NotificationListener(SECRET, lambda doc: holder["s"].on_notification(doc), bus)
    url = listener.start()
    service = PaymentService(money, ledger, bus, notify_url=url, poll_s=poll_s)
    holder["s"] = service
    return Terminal(client, money, ledger, bus, events, listener, service)


def control(server: PlatformServer, path: str, **params: Any) -> Any:
    """Call the simulator's control surface."""
    response = requests.post(f"{server.url}/_sim/{path}", params=params, timeout=10)
    response.raise_for_status()
    return response.json()


def eid_session(server: PlatformServer, client: PlatformClient, id_number: str) -> str:
    """A face-level session for a citizen (electronic-ID QR)."""
    sample = payloads.sample_payloads(server.state.key, id_number)
    return client.identify_qr(sample["eid"]).token
