"""Demo journeys that take money, print on A4 or book a place (issue 14). The citizen's
phone wallet is played by the platform simulator's control surface; every other step is a
real touch on the real UI, and the checks are what a citizen (or an operator) would see."""

from __future__ import annotations

import time
from typing import Any

import requests

from kiosk.a4.ipp import IppClient
from kiosk.a4.jobs import JobLedger
from kiosk.a4.printer import A4Printer
from screens.demo.context import DemoContext
from screens.demo.journeys import (
    CARD,
    _begin,
    _ended,
    _identify,
    _print_result,
    _search_open,
)
from simulator.platform import fines


def _wallet_pays(ctx: DemoContext) -> str:
    """Wait for the payment QR, then pay it 'on the phone'; the 缴款码. Notes how long the
    result screen took after the wallet paid (the platform notifies at once)."""
    ctx.ui.wait_screen("pay")
    ctx.ui.wait(lambda: bool(ctx.app.root.current_screen.qr), "payment QR", timeout=30)
    code = str(ctx.ui.on_main(lambda: ctx.app.root.current_screen.pay_code))
    ctx.expect(len(code) == 20 and code.isdigit(), f"not a 20-digit payment code: {code!r}")
    ctx.expect("剩余支付时间" in ctx.ui.text_on_screen(), "no countdown beside the QR")
    ctx.shot("pay-qr")
    started = time.monotonic()
    answer = requests.post(f"{ctx.suite.platform.url}/_sim/payments/{code}/paid", timeout=10)
    ctx.expect(answer.ok, f"the wallet could not pay: {answer.text[:100]}")
    ctx.ui.wait(lambda: ctx.app.root.current == "result", "paid on screen", timeout=20)
    shown_ms = round((time.monotonic() - started) * 1000)
    ctx.step("the citizen paid with a phone wallet; result on screen", pay_code=code[:6] + "…",
             paid_to_screen_ms=shown_ms)
    return code


def _finish(ctx: DemoContext, session: Any) -> None:
    ctx.tap("finish")
    ctx.ui.wait(lambda: ctx.app.root.current in ("evaluate", "attract"), "after the result")
    if ctx.ui.current() == "evaluate":
        ctx.tap("eval_later")
    _ended(ctx, session)


def pay_traffic_fine(ctx: DemoContext) -> None:
    """交通违法罚款缴纳: decision number → amount → QR → paid (platform's word) → 票据."""
    session = _begin(ctx)
    _search_open(ctx, "jtwffkjn", "KM-TRAFFIC-017")
    ctx.tap("start_item")
    ctx.ui.wait_screen("pay_setup")
    number = fines.sample_decisions(seed=ctx.suite.platform.state.seed + 1, count=1)[0]
    ctx.type_keys(number)
    ctx.tap("lookup_fine")
    ctx.ui.wait(lambda: "应缴金额" in ctx.ui.text_on_screen(), "the fine's amount", timeout=20)
    ctx.shot("fine")
    ctx.tap("to_pay")
    code = _wallet_pays(ctx)
    ctx.ui.wait_screen("result", timeout=20)
    text = ctx.ui.text_on_screen()
    ctx.expect("缴费成功" in text and code in text, "the result does not show the payment")
    receipt_no = ctx.ui.on_main(lambda: ctx.app.journey.result.payment.fiscal.number)
    ctx.expect(bool(receipt_no) and receipt_no in text, "no fiscal receipt number on screen")
    ctx.shot("paid")
    _png, slip = _print_result(ctx)
    ctx.expect(receipt_no in slip and "Fine Payment Slip" in slip,
               "the slip lacks the fiscal receipt number")
    ctx.expect("/fiscal/verify?" in slip, "the slip's QR is not the receipt's check address")
    orders = requests.get(f"{ctx.suite.platform.url}/_sim/payments", timeout=10).json()
    mine = [o for o in orders if o["reference"] == number]
    ctx.expect(len(mine) == 1 and mine[0]["status"] == "paid", f"orders for the fine: {mine}")
    ctx.step("one order, paid once", receipt=receipt_no)
    _finish(ctx, session)


def pay_pension_contribution(ctx: DemoContext) -> None:
    """城乡居民养老保险费: ID card → grade → QR → paid → 缴费凭证."""
    session = _begin(ctx)
    _search_open(ctx, "cxjmylbxfjn", "KM-TAX-009")
    ctx.tap("start_item")
    _identify(ctx, face=False)
    ctx.ui.wait_screen("pay_setup")
    ctx.ui.wait(lambda: "grade_50000" in ctx.ui.on_main(lambda: _ids(ctx)), "grades", 20)
    ctx.tap("grade_50000")
    ctx.expect("500.00" in ctx.ui.text_on_screen(), "the chosen grade is not shown")
    ctx.shot("grade")
    ctx.tap("to_pay")
    _wallet_pays(ctx)
    ctx.ui.wait_screen("result", timeout=20)
    ctx.expect("缴费成功" in ctx.ui.text_on_screen(), "the contribution is not shown paid")
    _png, slip = _print_result(ctx)
    ctx.expect("Contribution Receipt" in slip and "500.00" in slip.replace(" ", ""),
               "no contribution receipt with the amount printed")
    _finish(ctx, session)


def certificate_with_fee(ctx: DemoContext) -> None:
    """不动产登记资料查询证明 (10 元): e-ID → pay the fee → the sealed certificate; the fee
    order is marked used, so it can never be refunded or paid twice."""
    session = _begin(ctx)
    _search_open(ctx, "bdcdjzlcxzm", "KM-REAL-002")
    ctx.tap("start_item")
    ctx.ui.wait_screen("identify")
    ctx.control("scanner.emit", text=ctx.sample_codes(CARD)["eid"])
    code = _wallet_pays(ctx)
    ctx.ui.wait_screen("result", timeout=30)
    cert = ctx.ui.on_main(lambda: ctx.app.journey.result.certificate)
    ctx.expect(cert is not None and cert.verification_code in ctx.ui.text_on_screen(),
               "no certificate after the fee was paid")
    ctx.shot("certificate-paid")
    order = requests.get(f"{ctx.suite.platform.url}/_sim/payments", timeout=10).json()
    mine = [o for o in order if o["pay_code"] == code]
    ctx.expect(len(mine) == 1 and mine[0]["status"] == "paid", f"fee order: {mine}")
    _finish(ctx, session)


def _ids(ctx: DemoContext) -> set[str]:
    return {str(getattr(w, "ebt_id", "")) for w in ctx.app.root.current_screen.walk()}


def certificate_a4(ctx: DemoContext) -> None:
    """社会保险个人参保证明 on A4 through CUPS (sealed PDF, the job followed over IPP); then
    the A4 printer stops: the download slip with the link QR, operators told."""
    uri = ctx.memo.get("a4_uri")
    ctx.expect(bool(uri), "no CUPS queue (apt-get install cups printer-driver-cups-pdf)")
    terminal = ctx.app.terminal
    ledger = JobLedger(ctx.out_dir / "var" / "a4-demo.sqlite3")
    terminal.ports.a4 = A4Printer(IppClient(str(uri)), ledger, terminal.bus)
    failures: list[Any] = []
    unsubscribe = terminal.bus.subscribe("a4.print_failed", lambda _t, p: failures.append(p))
    try:
        for attempt in ("a4", "fallback"):
            session = _begin(ctx)
            if attempt == "fallback":
                ctx.memo["cups"].admin("cupsdisable")       # the A4 printer stops
                ctx.step("A4 queue stopped (paper out)")
            _search_open(ctx, "grcbzm", "KM-HRSS-001")
            ctx.tap("start_item")
            ctx.ui.wait_screen("identify")
            ctx.control("scanner.emit", text=ctx.sample_codes(CARD)["eid"])
            ctx.ui.wait_screen("result", timeout=30)
            ctx.shot(f"certificate-{attempt}")
            before = ctx.printed_jobs()
            ctx.tap("print")
            ctx.ui.wait(lambda: not ctx.app.busy, "printing", timeout=60)
            text = ctx.ui.text_on_screen()
            if attempt == "a4":
                ctx.expect("A4纸打印" in text, f"not printed on A4: {text[-120:]}")
                ctx.expect(ctx.printed_jobs() == before, "a slip was printed as well")
                jobs = IppClient(str(uri)).jobs("completed")
                ctx.expect(bool(jobs), "CUPS has no completed job")
                ctx.step("printed on A4 through CUPS", job=jobs[-1].job_id)
            else:
                ctx.expect("下载凭条" in text, f"no fallback explained: {text[-120:]}")
                _png, slip = ctx.wait_printed(before + 1)
                body = slip.read_text(encoding="utf-8", errors="replace")
                ctx.expect("/d/" in body and "Certificate Download Slip" in body,
                           "no download link slip")
                ctx.expect(bool(failures), "operators were not told of the A4 failure")
                ctx.step("download slip printed, operators told", reason=failures[-1]["reason"])
            ctx.shot(f"printed-{attempt}")
            _finish(ctx, session)
    finally:
        unsubscribe()
        terminal.ports.a4 = None
        ledger.close()
        if "cups" in ctx.memo:
            ctx.memo["cups"].admin("cupsenable")


def appointment_booking(ctx: DemoContext) -> None:
    """结婚登记预约: card + face → venue nearest first → day → slot (held) → confirm →
    预约凭证 with its check-in QR."""
    session = _begin(ctx)
    _search_open(ctx, "jhdjyy", "KM-CIVIL-001")
    ctx.tap("start_item")
    _identify(ctx, face=True)
    ctx.ui.wait_screen("book")
    ctx.ui.wait(lambda: any(i.startswith("venue_") for i in ctx.ui.on_main(lambda: _ids(ctx))),
                "venues", 20)
    venue = sorted(i for i in ctx.ui.on_main(lambda: _ids(ctx)) if i.startswith("venue_"))
    first = ctx.ui.on_main(lambda: ctx.app.journey.booking.state.venues[0].venue.id)
    ctx.expect(f"venue_{first}" in venue, "the nearest venue is not offered")
    ctx.tap(f"venue_{first}")
    ctx.ui.wait(lambda: any(i.startswith("slot_") for i in ctx.ui.on_main(lambda: _ids(ctx))),
                "slots", 20)
    slot = ctx.ui.on_main(lambda: _first_free_slot(ctx))
    ctx.tap(slot)
    ctx.ui.wait(lambda: "已为您保留" in ctx.ui.text_on_screen(), "the place held", 20)
    ctx.shot("book")
    ctx.tap("confirm_booking")
    ctx.ui.wait_screen("result", timeout=20)
    booking = ctx.ui.on_main(lambda: ctx.app.journey.result.booking)
    ctx.expect(booking is not None and booking.booking_no in ctx.ui.text_on_screen(),
               "no booking number on screen")
    ctx.memo["case_nos"] = (*ctx.memo.get("case_nos", ()), booking.booking_no)
    ctx.shot("booked")
    _png, slip = _print_result(ctx)
    ctx.expect(booking.checkin_qr.split(":")[2] in slip and "EBT1:APPT:" in slip,
               "the slip lacks the check-in QR")
    _finish(ctx, session)


def _first_free_slot(ctx: DemoContext) -> str:
    for widget in ctx.app.root.current_screen.walk():
        ebt_id = str(getattr(widget, "ebt_id", ""))
        if ebt_id.startswith("slot_") and not widget.disabled:
            return ebt_id
    return ""


MONEY_JOURNEYS = [
    ("pay_traffic_fine", pay_traffic_fine),
    ("pay_pension_contribution", pay_pension_contribution),
    ("certificate_a4", certificate_a4),
    ("certificate_with_fee", certificate_with_fee),
    ("appointment_booking", appointment_booking),
]
