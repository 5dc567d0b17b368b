"""Money and document receipts: amounts from fen, the fiscal receipt's number and QR, the
check-in QR, the certificate download link; nothing personal on paper."""

from __future__ import annotations

from datetime import datetime

from kiosk.platform.models import Certificate
from kiosk.platform.models_money import Booking, FiscalReceipt, PaymentOrder, yuan
from kiosk.receipts.money import (
    certificate_download_slip,
    checkin_slip,
    payment_receipt,
    refund_slip,
)

NOW = datetime(2026, 11, 29, 10, 30)
ORDER = PaymentOrder("53012611290000000118", "fine", "530113555886859",
                     "交通违法罚款 决定书530113555886859", 20005, "paid", 1.0, 301.0,
                     1795943686.0, "wallet", False, "0000000118", "", "", "http://x/pay/1")
FISCAL = FiscalReceipt("53012626", "0000000118", "AE6366", ORDER.pay_code, ORDER.title,
                       20005, "昆明市公安局交通警察支队", 1795943686.0,
                       "https://pay.example/fiscal/verify?number=0000000118&check=AE6366",
                       "")


def text(doc: object) -> str:
    return "\n".join(doc.texts())  # type: ignore[attr-defined]


def test_yuan_never_uses_floats() -> None:
    assert [yuan(f) for f in (0, 5, 100, 20005, 123456789, -150)] == [
        "0.00", "0.05", "1.00", "200.05", "1234567.89", "-1.50"]


def test_payment_receipt_has_the_fiscal_number_and_its_verification_qr() -> None:
    doc = payment_receipt(ORDER, FISCAL, "KM-DEMO-0001", NOW)
    body = text(doc)
    assert "¥ 200.05" in body and "0000000118" in body and "AE6366" in body
    assert ORDER.pay_code in body and "罚款缴纳凭条" in body
    assert doc.qr_payloads() == [FISCAL.verify_url] and doc.ends_with_cut


def test_contribution_receipt_is_a_jiaofei_pingzheng() -> None:
    order = PaymentOrder(**{**ORDER.__dict__, "kind": "contribution"})
    assert "缴费凭证" in text(payment_receipt(order, FISCAL, "KM-DEMO-0001", NOW))


def test_refund_slip() -> None:
    order = PaymentOrder(**{**ORDER.__dict__, "status": "refunded",
                            "refund_no": "RF2611290000000118"})
    body = text(refund_slip(order, "证明开具失败", "KM-DEMO-0001", NOW))
    assert "RF2611290000000118" in body and "¥ 200.05" in body and "证明开具失败" in body


def test_checkin_slip_carries_the_checkin_qr() -> None:
    booking = Booking("Y20261129000001", "KM-CIVIL-001", "结婚登记预约", "KM0000",
                      "五华区政务服务中心", "五华区政务服务中心一楼", "2026-12-01", "09:30",
                      "10:00", "active", "EBT1:APPT:Y20261129000001:0123456789abcdef")
    doc = checkin_slip(booking, "KM-DEMO-0001", NOW)
    assert doc.qr_payloads() == [booking.checkin_qr]
    assert "09:30-10:00" in text(doc) and "Y20261129000001" in text(doc)


def test_certificate_download_slip_qr_is_the_link() -> None:
    cert = Certificate("KM-HRSS-001", "社会保险个人参保证明", b"%PDF", "B82CAEA51639085C",
                       "EBT1:CERT:B82CAEA51639085C", "2026-11-29T10:30:00",
                       "https://platform.example/d/abc.def", 1796030553)
    doc = certificate_download_slip(cert, "社会保险个人参保证明打印", "KM-DEMO-0001", NOW,
                                    a4_failed=True)
    assert doc.qr_payloads() == ["https://platform.example/d/abc.def"]
    assert "已通知工作人员" in text(doc) and "B82CAEA51639085C" in text(doc)
