"""Journeys that take money or book a place, without Kivy, against the real platform
simulator: a traffic fine, the pension contribution, a certificate with a fee whose issue
fails (refunded), a certificate whose A4 print fails (download slip, operators told),
cancelling a payment, and the end of a visit during a payment."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from common.events import EventBus
from kiosk.a4.printer import A4Result
from kiosk.appointments.booking import BookingDesk
from kiosk.flows.journey import Journey
from kiosk.flows.ports import FlowPorts
from kiosk.flows.steps import Step
from kiosk.payments.ledger import Ledger
from kiosk.payments.service import PaymentService
from kiosk.platform.money_client import MoneyClient
from kiosk.session import Session
from simulator.platform import fines, idnumber
from simulator.platform.payloads import sample_payloads
from simulator.platform.server import PlatformServer
from tests.unit.flow_rig import flow_ports

FINE_ITEM, PENSION_ITEM, FEE_CERT = "KM-TRAFFIC-017", "KM-TAX-009", "KM-REAL-002"


@pytest.fixture(scope="module")
def server() -> Iterator[PlatformServer]:
    srv = PlatformServer(seed=21)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def ports(server: PlatformServer, tmp_path: Path) -> Iterator[FlowPorts]:
    server.faults.clear()
    with flow_ports(server.url, tmp_path) as built:
        built.bus = EventBus()
        built.money = MoneyClient(built.platform)
        built.payments = PaymentService(built.money, Ledger(tmp_path / "ledger.sqlite3"),
                                        built.bus, poll_s=0.1)
        built.booking = BookingDesk(built.money, 25.04, 102.71)
        yield built
        built.payments.ledger.close()
    server.faults.clear()


def pay_soon(server: PlatformServer, journey: Journey, outcome: str = "paid") -> None:
    """The citizen pays on the phone a moment after the QR appears."""
    def run() -> None:
        deadline = time.monotonic() + 10
        while journey.payment is not None and journey.payment.state.order is None:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        code = journey.payment.state.order.pay_code  # type: ignore[union-attr]
        requests.post(f"{server.url}/_sim/payments/{code}/{outcome}", timeout=10)
    threading.Thread(target=run, daemon=True).start()


def identify(journey: Journey, server: PlatformServer, n: int) -> None:
    eid = sample_payloads(server.state.key, idnumber.SAMPLE_IDS[n])["eid"]
    assert journey.identify_qr(eid), journey.message


def test_traffic_fine_by_decision_number(ports: FlowPorts, server: PlatformServer) -> None:
    journey = Journey(ports.platform.item(FINE_ITEM), Session(), ports)
    assert journey.advance() is Step.PAY_SETUP               # no identity needed
    assert journey.payment is not None
    assert journey.payment.look_up_fine("123") is not None
    number = fines.sample_decisions(seed=77, count=1)[0]
    assert journey.payment.look_up_fine(number) is None
    assert journey.payment.state.amount_fen >= 5000
    assert journey.advance() is Step.PAY
    assert journey.start_payment()
    first = journey.payment.state.order
    assert journey.start_payment() and journey.payment.state.order == first   # double tap
    assert 0 < journey.payment.seconds_left() <= ports.payment_countdown_s
    pay_soon(server, journey)
    assert journey.wait_payment() == "paid" and journey.step is Step.RESULT
    doc = journey.receipt_document()
    assert doc is not None and doc.qr_payloads()[0].startswith(server.url + "/fiscal/verify")
    assert "罚款缴纳凭条" in list(doc.texts())
    assert journey.print_receipt() and journey.printed
    assert journey.back() is Step.RESULT                       # never back past a payment


def test_pension_contribution_by_grade(ports: FlowPorts, server: PlatformServer) -> None:
    journey = Journey(ports.platform.item(PENSION_ITEM), Session(), ports)
    assert journey.advance() is Step.IDENTIFY
    identify(journey, server, 2)
    assert journey.step is Step.PAY_SETUP and journey.payment is not None
    assert journey.payment.load_options() is None
    assert not journey.payment.choose_grade(12345)
    assert journey.payment.choose_grade(50000)
    assert journey.advance() is Step.PAY and journey.start_payment()
    pay_soon(server, journey)
    assert journey.wait_payment() == "paid"
    doc = journey.receipt_document()
    assert doc is not None and "缴费凭证" in list(doc.texts())


def test_failed_payment_can_be_paid_again_and_back_cancels(ports: FlowPorts,
                                                           server: PlatformServer) -> None:
    journey = Journey(ports.platform.item(FINE_ITEM), Session(), ports)
    journey.advance()
    assert journey.payment is not None
    journey.payment.look_up_fine(fines.sample_decisions(seed=78, count=1)[0])
    journey.advance()
    assert journey.start_payment()
    first = journey.payment.state.order
    pay_soon(server, journey, "failed")
    assert journey.wait_payment() == "failed" and journey.step is Step.PAY
    assert journey.message is not None and journey.message.code == "payment_failed"
    assert journey.start_payment()
    second = journey.payment.state.order
    assert first is not None and second is not None and second.pay_code != first.pay_code
    waiter = threading.Thread(target=journey.wait_payment)
    waiter.start()
    assert journey.back() is Step.PAY_SETUP                    # 返回 closes the order
    waiter.join(timeout=10)
    assert ports.money.order(second.pay_code).status == "cancelled"


def test_fee_certificate_refunded_when_it_cannot_be_issued(ports: FlowPorts,
                                                           server: PlatformServer) -> None:
    journey = Journey(ports.platform.item(FEE_CERT), Session(), ports)
    assert journey.steps == (Step.GUIDE, Step.IDENTIFY, Step.PAY, Step.RESULT, Step.EVALUATE,
                             Step.DONE)
    journey.advance()
    identify(journey, server, 0)
    assert journey.step is Step.PAY and journey.start_payment()
    pay_soon(server, journey)
    server.faults.set(error_status=500, error_count=1,         # the certificate fails
                      path_prefix=f"/v1/items/{FEE_CERT}/certificate")
    assert journey.wait_payment() == "paid"
    assert journey.step is Step.RESULT and journey.result.certificate is None
    assert journey.message is not None and journey.message.code == "refunded"
    order = journey.payment.state.order  # type: ignore[union-attr]
    assert order is not None and ports.money.order(order.pay_code).status == "refunded"
    doc = journey.receipt_document()
    assert doc is not None and "退款凭条" in list(doc.texts())


class FailingA4:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def print_document(self, key: str, pdf: bytes) -> A4Result:
        self.calls.append(key)
        return A4Result(False, "printer_stopped", 7, printer_reasons=("media-empty",))


def test_a4_failure_falls_back_to_the_download_slip(ports: FlowPorts,
                                                    server: PlatformServer) -> None:
    a4 = FailingA4()
    ports.a4 = a4
    events: list[tuple[str, Any]] = []
    ports.bus.subscribe("journey.*", lambda t, p: events.append((t, p)))
    journey = Journey(ports.platform.item("KM-HRSS-001"), Session(), ports)
    journey.advance()
    identify(journey, server, 1)
    cert = journey.result.certificate
    assert cert is not None and cert.download_url.startswith(server.url + "/d/")
    assert journey.print_receipt()
    assert journey.message is not None and journey.message.code == "a4_fallback"
    slip = ports.printer.docs[-1]  # type: ignore[union-attr]
    assert slip.qr_payloads() == [cert.download_url]
    assert ("journey.print_failed", {"item": "KM-HRSS-001",
                                     "completion": "a4_printer_stopped"}) in events
    assert a4.calls == [cert.verification_code]
    journey.print_receipt()                                     # again: no second A4 try
    assert a4.calls == [cert.verification_code]


def test_end_of_visit_stops_the_payment_wait(ports: FlowPorts) -> None:
    journey = Journey(ports.platform.item(FINE_ITEM), Session(), ports)
    journey.advance()
    assert journey.payment is not None
    journey.payment.look_up_fine(fines.sample_decisions(seed=79, count=1)[0])
    journey.advance()
    assert journey.start_payment()
    waiter = threading.Thread(target=journey.wait_payment)
    waiter.start()
    assert journey.abandon() is None
    waiter.join(timeout=10)
    assert not waiter.is_alive()
    order = journey.payment.state.order
    assert order is not None and ports.money.order(order.pay_code).status == "cancelled"


def test_identified_citizen_finds_and_cancels_a_booking(ports: FlowPorts,
                                                      server: PlatformServer) -> None:
    first = Journey(ports.platform.item("KM-CIVIL-001"), Session(), ports)
    first.advance()
    identify(first, server, 3)
    assert first.step is Step.BOOK and first.booking is not None
    assert first.booking.load_venues() is None
    venue = first.booking.state.venues[0].venue
    assert first.booking.choose_venue(venue.id) is None
    day = first.booking.state.days[0]
    slot = next(s for s in day.slots if s.left)
    assert first.booking.choose_slot(day.date, slot.start) is None
    assert first.confirm_booking()
    booked = first.result.booking
    assert booked is not None
    later = Journey(ports.platform.item("KM-CIVIL-001"), Session(), ports)   # another visit
    later.advance()
    identify(later, server, 3)
    assert later.booking is not None and later.booking.load_venues() is None
    assert [b.booking_no for b in later.booking.state.mine] == [booked.booking_no]
    assert later.booking.choose_venue(venue.id) is None
    problem = later.booking.choose_slot(day.date, slot.start)
    assert problem is not None and "已有该事项的预约" in problem
    assert later.booking.cancel(booked.booking_no) is None
    assert later.booking.state.mine == []
    assert ports.booking.mine(later.session.identity_token) == []
