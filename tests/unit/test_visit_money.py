"""The visit controller while a citizen pays on a phone: no touches come, yet the visit
must not time out (and cancel the order) before the payment's own countdown ends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from common.events import EventBus
from kiosk.flows.ports import FlowPorts
from kiosk.flows.steps import Step
from kiosk.payments.ledger import Ledger
from kiosk.payments.service import PaymentService
from kiosk.platform.money_client import MoneyClient
from kiosk.session import IdleState
from simulator.platform import fines
from simulator.platform.server import PlatformServer
from tests.unit.flow_rig import flow_ports
from tests.unit.test_visit_controller import _controller


@pytest.fixture(scope="module")
def server() -> Iterator[PlatformServer]:
    srv = PlatformServer(seed=31)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def ports(server: PlatformServer, tmp_path: Path) -> Iterator[FlowPorts]:
    with flow_ports(server.url, tmp_path) as built:
        built.bus = EventBus()
        built.money = MoneyClient(built.platform)
        built.payments = PaymentService(built.money, Ledger(tmp_path / "l.sqlite3"), built.bus)
        yield built


def test_paying_on_a_phone_keeps_the_visit_then_idle_rules_again(ports: FlowPorts) -> None:
    visit, _view, clock = _controller(ports)
    visit.go("home")
    assert visit.start_item("KM-TRAFFIC-017")
    journey = visit.journey
    assert journey is not None and journey.payment is not None
    visit.advance()
    assert journey.payment.look_up_fine(fines.sample_decisions(seed=32, count=1)[0]) is None
    visit.advance()
    visit.show_step()
    assert visit.screen == "pay" and journey.step is Step.PAY
    assert journey.start_payment() and journey.waiting_for_payment
    clock.now += 200                           # past the 90 s idle timeout, no touches
    assert visit.tick() is IdleState.ACTIVE and visit.screen == "pay"
    journey.payment.cancel()
    assert journey.wait_payment() == "cancelled" and not journey.waiting_for_payment
    clock.now += 200
    assert visit.tick() is IdleState.EXPIRED and visit.screen == "attract"
