"""Paying at the terminal against the real platform simulator: orders, notifications
(lost, duplicated, badly signed), cancel, expiry, payment after expiry, refunds, fiscal
receipts and the signed certificate a fee pays for."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from kiosk.payments.service import IntentClosed, PaymentIntent
from kiosk.platform import errors
from simulator.platform import fines, idnumber
from simulator.platform.server import PlatformServer
from tests.e2e.money_rig import Terminal, control, eid_session, terminal


@pytest.fixture(scope="module")
def server() -> Iterator[PlatformServer]:
    srv = PlatformServer(seed=3)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture()
def term(server: PlatformServer, tmp_path: Path) -> Iterator[Terminal]:
    server.faults.clear()
    t = terminal(server, tmp_path / "payments.sqlite3")
    yield t
    t.close()
    server.faults.clear()


_numbers = iter(fines.sample_decisions(seed=99, count=60))


def fine_intent(term: Terminal, attempt: int = 1) -> PaymentIntent:
    number = next(_numbers)
    fine = term.money.fine(number)
    return PaymentIntent(f"visit-{number}:fine:{attempt}", "fine", number,
                         f"交通违法罚款 {number}", fine.amount_fen)


def pay_later(server: PlatformServer, code: str, outcome: str = "paid",
              notify: str = "normal", delay_s: float = 0.3) -> threading.Thread:
    def run() -> None:
        time.sleep(delay_s)
        control(server, f"payments/{code}/{outcome}", notify=notify)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_fine_paid_by_notification_with_fiscal_receipt(term: Terminal,
                                                       server: PlatformServer) -> None:
    intent = fine_intent(term)
    order = term.service.start(intent)
    assert len(order.pay_code) == 20 and order.status == "open"
    assert order.amount_fen == intent.amount_fen and isinstance(order.amount_fen, int)
    assert "/pay/" in order.pay_qr
    term.service.poll_s = 30.0                     # only the notification can tell
    pay_later(server, order.pay_code)
    outcome = term.service.wait(order, timeout_s=10)
    assert outcome.status == "paid" and term.listener.accepted == 1
    receipt = term.money.fiscal_receipt(order.pay_code)
    assert len(receipt.number) == 10 and len(receipt.check_code) == 6
    assert receipt.amount_fen == intent.amount_fen and not receipt.pdf_b64
    with_pdf = term.money.fiscal_receipt(order.pay_code, with_pdf=True)
    assert base64.b64decode(with_pdf.pdf_b64).startswith(b"%PDF")
    check = requests.get(receipt.verify_url, timeout=5).json()
    assert check["genuine"] and check["number"] == receipt.number
    forged = receipt.verify_url.replace(receipt.check_code, "000000")
    assert not requests.get(forged, timeout=5).json()["genuine"]
    term.service.delivered(order.pay_code, receipt.number)
    row = term.ledger.get(intent.key)
    assert row is not None and row.state == "delivered"
    assert term.events.topics().count("payment.paid") == 1
    assert term.money.fine(intent.reference).paid


def test_double_tap_and_restart_make_one_order(term: Terminal, server: PlatformServer,
                                               tmp_path: Path) -> None:
    intent = fine_intent(term)
    first = term.service.start(intent)
    assert term.service.start(intent).pay_code == first.pay_code
    again = terminal(server, tmp_path / "payments.sqlite3")     # same ledger: a restart
    try:
        assert again.service.start(intent).pay_code == first.pay_code
    finally:
        again.close()
    mine = [o for o in requests.get(f"{server.url}/_sim/payments", timeout=5).json()
            if o["reference"] == intent.reference]
    assert len(mine) == 1
    with pytest.raises(errors.Conflict) as info:                 # another key, same fine
        term.service.start(PaymentIntent(intent.key + "-x", "fine", intent.reference,
                                         intent.title, intent.amount_fen))
    assert info.value.code == "order_open"


def test_lost_notification_is_learnt_by_query(term: Terminal, server: PlatformServer) -> None:
    order = term.service.start(fine_intent(term))
    pay_later(server, order.pay_code, notify="lost")
    outcome = term.service.wait(order, timeout_s=10)
    assert outcome.status == "paid" and term.listener.accepted == 0


def test_duplicated_notification_pays_once(term: Terminal, server: PlatformServer) -> None:
    order = term.service.start(fine_intent(term))
    term.service.poll_s = 30.0
    pay_later(server, order.pay_code, notify="duplicate")
    assert term.service.wait(order, timeout_s=10).status == "paid"
    deadline = time.monotonic() + 5
    while term.listener.duplicates < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert term.listener.accepted == 1 and term.listener.duplicates == 1
    assert term.events.topics().count("payment.paid") == 1


def test_badly_signed_notification_is_refused(term: Terminal, server: PlatformServer) -> None:
    order = term.service.start(fine_intent(term))
    pay_later(server, order.pay_code, notify="bad_signature")
    outcome = term.service.wait(order, timeout_s=10)      # learnt by query instead
    assert outcome.status == "paid"
    deadline = time.monotonic() + 5                       # the query may beat the POST
    while term.listener.rejected < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert term.listener.rejected >= 1 and term.listener.accepted == 0
    assert "payment.bad_notification" in term.events.topics()


def test_forged_paid_notification_changes_nothing(term: Terminal) -> None:
    order = term.service.start(fine_intent(term))
    status = term.listener.receive("/ebt/payment-notify", {}, b'{"pay_code": "%s", '
                                   b'"status": "paid"}' % order.pay_code.encode())
    assert status == 401
    assert term.money.order(order.pay_code).status == "open"
    assert term.service.cancel(order.pay_code).status == "cancelled"


def test_failed_payment_and_a_new_attempt(term: Terminal, server: PlatformServer) -> None:
    intent = fine_intent(term)
    order = term.service.start(intent)
    pay_later(server, order.pay_code, outcome="failed")
    assert term.service.wait(order, timeout_s=10).status == "failed"
    with pytest.raises(IntentClosed):
        term.service.start(intent)
    retry = PaymentIntent(intent.key[:-1] + "2", intent.kind, intent.reference, intent.title,
                          intent.amount_fen)
    assert term.service.start(retry).pay_code != order.pay_code


def test_cancel_closes_the_order_on_the_platform(term: Terminal) -> None:
    order = term.service.start(fine_intent(term))
    stop = threading.Event()
    stop.set()
    outcome = term.service.wait(order, timeout_s=10, cancelled=stop)
    assert outcome.status == "cancelled"
    assert term.money.order(order.pay_code).status == "cancelled"


def test_payment_racing_the_cancel_is_reported_paid(term: Terminal,
                                                    server: PlatformServer) -> None:
    order = term.service.start(fine_intent(term))
    control(server, f"payments/{order.pay_code}/paid", notify="lost")
    assert term.service.cancel(order.pay_code).status == "paid"


def test_countdown_end_cancels_and_a_late_payment_is_refunded(term: Terminal,
                                                              server: PlatformServer) -> None:
    intent = fine_intent(term)
    order = term.service.start(intent)
    outcome = term.service.wait(order, timeout_s=0.5)
    assert outcome.status == "expired"
    row = term.ledger.get(intent.key)
    assert row is not None and row.state == "expired"
    control(server, f"payments/{order.pay_code}/late")     # the wallet confirms too late
    deadline = time.monotonic() + 10
    while term.money.order(order.pay_code).status != "refunded":
        assert time.monotonic() < deadline, "late payment not refunded"
        time.sleep(0.1)
    assert "payment.late_refund" in term.events.topics()
    assert not term.money.fine(intent.reference).paid


def test_platform_expiry_is_final(term: Terminal, server: PlatformServer) -> None:
    order = term.service.start(fine_intent(term))
    control(server, f"payments/{order.pay_code}/expired")
    assert term.service.wait(order, timeout_s=10).status == "expired"


def test_amount_changed_is_refused(term: Terminal) -> None:
    intent = fine_intent(term)
    wrong = PaymentIntent(intent.key, "fine", intent.reference, intent.title,
                          intent.amount_fen + 1)
    with pytest.raises(errors.Conflict) as info:
        term.service.start(wrong)
    assert info.value.code == "amount_changed"


def test_certificate_fee_refunded_when_the_certificate_fails(term: Terminal,
                                                             server: PlatformServer) -> None:
    code = next(i["code"] for i in server.state.catalog.changes(None)["items"]
                if i["flow"] == "certificate" and i["fee_fen"])
    token = eid_session(server, term.client, idnumber.SAMPLE_IDS[2])
    with pytest.raises(errors.RequestRejected) as info:
        term.money.issue_certificate(code, token)
    assert info.value.status == 402
    intent = PaymentIntent(f"visit-fee-{code}", "fee", code, "工本费", 1000)
    order = term.service.start(intent, session_token=token)
    pay_later(server, order.pay_code, delay_s=0.0)
    assert term.service.wait(order, timeout_s=10).status == "paid"
    server.faults.set(error_status=500, error_count=1)     # the business step fails
    with pytest.raises(errors.PlatformServerError):
        term.money.issue_certificate(code, token, pay_code=order.pay_code)
    assert term.service.refund(order.pay_code, "certificate could not be issued")
    assert term.money.order(order.pay_code).status == "refunded"
    with pytest.raises(errors.RequestRejected):            # a refunded fee buys nothing
        term.money.issue_certificate(code, token, pay_code=order.pay_code)


def test_certificate_fee_pays_for_one_sealed_certificate(term: Terminal,
                                                         server: PlatformServer) -> None:
    code = next(i["code"] for i in server.state.catalog.changes(None)["items"]
                if i["flow"] == "certificate" and i["fee_fen"])
    token = eid_session(server, term.client, idnumber.SAMPLE_IDS[3])
    order = term.service.start(PaymentIntent(f"visit-fee2-{code}", "fee", code, "工本费",
                                             1000), session_token=token)
    control(server, f"payments/{order.pay_code}/paid")
    cert = term.money.issue_certificate(code, token, pay_code=order.pay_code)
    term.service.delivered(order.pay_code)
    assert cert.download_url and cert.pdf.startswith(b"%PDF")
    with pytest.raises(errors.RequestRejected):             # one payment, one certificate
        term.money.issue_certificate(code, token, pay_code=order.pay_code)
    with pytest.raises(errors.Conflict):                     # delivered: no refund
        term.money.refund(order.pay_code, "changed my mind")


def test_pension_contribution_by_grade(term: Terminal, server: PlatformServer) -> None:
    token = eid_session(server, term.client, idnumber.SAMPLE_IDS[0])
    options = term.money.pension_options(token)
    assert not options.paid and 10000 in options.grades_fen
    intent = PaymentIntent(f"visit-pension-{options.year}", "contribution",
                           str(options.year), options.title, 30000)
    order = term.service.start(intent, session_token=token)
    pay_later(server, order.pay_code, delay_s=0.0)
    assert term.service.wait(order, timeout_s=10).status == "paid"
    assert term.money.pension_options(token).paid
    with pytest.raises(errors.RequestRejected):              # not a grade
        term.service.start(PaymentIntent("visit-pension-bad", "contribution",
                                         str(options.year), options.title, 12345), token)


def test_links_use_the_public_address(tmp_path: Path) -> None:
    srv = PlatformServer(seed=9, public_url="https://zwfw.example.cn")
    srv.start()
    try:
        t = terminal(srv, tmp_path / "pub.sqlite3")
        try:
            token = eid_session(srv, t.client, idnumber.SAMPLE_IDS[0])
            cert = t.money.issue_certificate("KM-HRSS-001", token)
            assert cert.download_url.startswith("https://zwfw.example.cn/d/")
            number = fines.sample_decisions(seed=91, count=1)[0]
            order = t.service.start(PaymentIntent(f"pub-{number}", "fine", number, "t",
                                                  t.money.fine(number).amount_fen))
            assert order.pay_qr.startswith("https://zwfw.example.cn/pay/")
        finally:
            t.close()
    finally:
        srv.stop()


def test_platform_unreachable_at_the_countdown_end_leaves_it_to_reconciliation(
        term: Terminal, server: PlatformServer) -> None:
    intent = fine_intent(term)
    order = term.service.start(intent)
    server.faults.set(error_status=503, error_count=-1)      # the platform goes away
    try:
        outcome = term.service.wait(order, timeout_s=0.3)
    finally:
        server.faults.clear()
    assert outcome.status == "unknown" and "payment.unconfirmed" in term.events.topics()
    row = term.ledger.get(intent.key)
    assert row is not None and row.state == "open"             # nothing decided blindly
    control(server, f"payments/{order.pay_code}/paid", notify="lost")   # it was paid
    assert term.service.reconcile().counts == {"paid_while_down": 1}
    assert term.money.fine(intent.reference).paid
