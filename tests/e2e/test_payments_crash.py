"""kill -9 between order creation and payment, then start-up reconciliation: nothing is
paid twice, nothing is lost, money for a service never delivered goes back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.payments.service import PaymentIntent
from simulator.platform import fines, idnumber
from simulator.platform.server import PlatformServer
from tests.e2e.money_rig import SECRET, TERMINAL, control, eid_session, terminal

ROOT = Path(__file__).resolve().parents[2]
CHILD = textwrap.dedent("""
    import sys, time
    from common.events import EventBus
    from kiosk.payments.ledger import Ledger
    from kiosk.payments.service import PaymentIntent, PaymentService
    from kiosk.platform.client import PlatformClient
    from kiosk.platform.money_client import MoneyClient
    url, db, key, kind, ref, amount, token, stage = sys.argv[1:9]
    money = MoneyClient(PlatformClient(url, "{terminal}", "{secret}"))
    ledger = Ledger(db)
    intent = PaymentIntent(key, kind, ref, "t", int(amount))
    token = token or None
    if stage == "after_ledger_before_answer":   # the platform made the order, we never heard
        ledger.begin(key, kind, ref, "t", int(amount))
        order = money.create_order(kind, ref, int(amount), key, "", token)
    else:                                       # order made and recorded, QR on screen
        order = PaymentService(money, ledger, EventBus()).start(intent, token)
    print(order.pay_code, flush=True)
    time.sleep(60)
""").format(terminal=TERMINAL, secret=SECRET)


@pytest.fixture(scope="module")
def server() -> Iterator[PlatformServer]:
    srv = PlatformServer(seed=4)
    srv.start()
    yield srv
    srv.stop()


def crash_after_order(server: PlatformServer, db: Path, key: str, kind: str, ref: str,
                      amount: int, token: str = "", stage: str = "recorded") -> str:
    """Run a terminal that creates the order, then SIGKILL it; the 缴款码 it got."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-c", CHILD, server.url, str(db), key, kind, ref,
                              str(amount), token, stage], stdout=subprocess.PIPE, text=True,
                             env=env, cwd=ROOT)
    assert child.stdout is not None
    code = child.stdout.readline().strip()
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL and len(code) == 20
    return code


def test_kill_9_then_paid_fine_is_reconciled_once(server: PlatformServer,
                                                  tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    number = fines.sample_decisions(seed=5, count=1)[0]
    t = terminal(server, db)
    amount = t.money.fine(number).amount_fen
    t.close()
    code = crash_after_order(server, db, f"k9-{number}", "fine", number, amount)
    control(server, f"payments/{code}/paid")        # the citizen paid on the phone anyway
    t = terminal(server, db)
    try:
        report = t.service.reconcile()
        assert report.counts == {"paid_while_down": 1}
        row = t.ledger.get(f"k9-{number}")
        assert row is not None and row.state == "delivered" and row.pay_code == code
        assert t.money.order(code).status == "paid" and t.money.fine(number).paid
        assert t.service.reconcile().counts == {}   # idempotent: nothing left
        intent = PaymentIntent(f"k9-{number}", "fine", number, "t", amount)
        assert t.service.start(intent).pay_code == code   # the key never makes another order
    finally:
        t.close()


def test_kill_9_with_open_order_cancels_it(server: PlatformServer, tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    number = fines.sample_decisions(seed=6, count=1)[0]
    t = terminal(server, db)
    amount = t.money.fine(number).amount_fen
    t.close()
    code = crash_after_order(server, db, f"k9-{number}", "fine", number, amount)
    t = terminal(server, db)
    try:
        assert t.service.reconcile().counts == {"cancelled": 1}
        assert t.money.order(code).status == "cancelled"
    finally:
        t.close()


def test_kill_9_before_the_answer_finds_the_order_by_key(server: PlatformServer,
                                                         tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    number = fines.sample_decisions(seed=7, count=1)[0]
    t = terminal(server, db)
    amount = t.money.fine(number).amount_fen
    t.close()
    code = crash_after_order(server, db, f"k9-{number}", "fine", number, amount,
                             stage="after_ledger_before_answer")
    t = terminal(server, db)
    try:
        row = t.ledger.get(f"k9-{number}")
        assert row is not None and row.state == "creating" and not row.pay_code
        assert t.service.reconcile().counts == {"cancelled": 1}
        row = t.ledger.get(f"k9-{number}")
        assert row is not None and row.pay_code == code
    finally:
        t.close()


def test_kill_9_then_paid_fee_is_refunded(server: PlatformServer, tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    item = next(i["code"] for i in server.state.catalog.changes(None)["items"]
                if i["flow"] == "certificate" and i["fee_fen"])
    t = terminal(server, db)
    token = eid_session(server, t.client, idnumber.SAMPLE_IDS[1])
    t.close()
    code = crash_after_order(server, db, f"k9-fee-{item}", "fee", item, 1000, token)
    control(server, f"payments/{code}/paid")
    t = terminal(server, db)
    try:
        assert t.service.reconcile().counts == {"refunded": 1}
        assert t.money.order(code).status == "refunded"
        assert "payment.refunded" in t.events.topics()
    finally:
        t.close()


def test_refund_pending_survives_a_platform_outage(server: PlatformServer,
                                                   tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite3"
    number = fines.sample_decisions(seed=8, count=1)[0]
    t = terminal(server, db)
    try:
        order = t.service.start(PaymentIntent(f"rp-{number}", "fine", number, "t",
                                              t.money.fine(number).amount_fen))
        control(server, f"payments/{order.pay_code}/paid")
        server.faults.set(error_status=503, error_count=-1)
        assert not t.service.refund(order.pay_code, "business step failed")
        server.faults.clear()
        row = t.ledger.get(f"rp-{number}")
        assert row is not None and row.state == "refund_pending"
        assert t.service.reconcile().counts == {"refunded": 1}
        assert t.money.order(order.pay_code).status == "refunded"
    finally:
        server.faults.clear()
        t.close()
