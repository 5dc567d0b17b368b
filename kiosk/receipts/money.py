"""Receipts for money and documents (Chinese first, English below):

* :func:`payment_receipt` — 缴费凭证 / 缴款凭条: what was paid, the 缴款码, the amount, the
  electronic fiscal receipt's code, number and check code, and its verification QR;
* :func:`refund_slip` — 退款凭条: a payment that was given back, and why;
* :func:`checkin_slip` — 预约凭证 with the venue's check-in QR;
* :func:`certificate_download_slip` — when A4 is not possible: the certificate's short-lived
  download link as a QR, its verification code and until when the link works.

Amounts arrive in integer fen and are formatted here, never computed in floats.
"""

from __future__ import annotations

from datetime import datetime

from drivers.printer.document import Document
from kiosk.platform.models import Certificate
from kiosk.platform.models_money import Booking, FiscalReceipt, PaymentOrder, yuan
from kiosk.receipts.templates import _footer, _header

TITLES = {"contribution": ("缴费凭证", "Contribution Receipt"),
          "fine": ("罚款缴纳凭条", "Fine Payment Slip"),
          "fee": ("缴费凭条", "Fee Payment Slip")}


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def payment_receipt(order: PaymentOrder, fiscal: FiscalReceipt, terminal_id: str,
                    printed_at: datetime) -> Document:
    """The paid order with its fiscal receipt number and verification QR."""
    title, title_en = TITLES.get(order.kind, TITLES["fee"])
    doc = _header(title, title_en, f"payment_{order.kind}", None)
    doc.text("金额 Amount (CNY)", align="center")
    doc.text(f"¥ {yuan(order.amount_fen)}", align="center", bold=True, size=2)
    doc.rule("-")
    doc.kv("缴费项目", order.title, en="Item")
    doc.kv("缴款码", order.pay_code, en="Payment code")
    if order.paid_at:
        doc.kv("支付时间", _stamp(datetime.fromtimestamp(order.paid_at)), en="Paid")
    doc.kv("收款单位", fiscal.payee, en="Payee")
    doc.rule("-")
    doc.text("财政电子票据 Electronic fiscal receipt", bold=True)
    doc.kv("票据代码", fiscal.code, en="Receipt code")
    doc.kv("票据号码", fiscal.number, bold_value=True, en="Receipt No.")
    doc.kv("校验码", fiscal.check_code, en="Check code")
    doc.kv("打印终端", terminal_id, en="Terminal")
    doc.kv("打印时间", _stamp(printed_at), en="Printed")
    doc.qr(fiscal.verify_url, caption=("扫码查验财政电子票据", "Scan to verify the receipt"))
    return _footer(doc, ("本凭条不作报销依据，报销请下载财政电子票据。",
                         "Download the electronic fiscal receipt for reimbursement."))


def refund_slip(order: PaymentOrder, reason_zh: str, terminal_id: str,
                printed_at: datetime) -> Document:
    """A payment given back (the business step failed, or it came after expiry)."""
    doc = _header("退款凭条", "Refund Slip", "refund", None)
    doc.kv("缴费项目", order.title, en="Item")
    doc.kv("缴款码", order.pay_code, en="Payment code")
    doc.kv("退款金额", f"¥ {yuan(order.amount_fen)}", bold_value=True, en="Refunded (CNY)")
    if order.refund_no:
        doc.kv("退款单号", order.refund_no, en="Refund No.")
    doc.kv("原因", reason_zh, en="Reason")
    doc.kv("打印终端", terminal_id, en="Terminal")
    doc.kv("打印时间", _stamp(printed_at), en="Printed")
    return _footer(doc, ("款项将原路退回支付账户，一般1-3个工作日到账。",
                         "The money goes back to the paying account within 1-3 working days."))


def checkin_slip(booking: Booking, terminal_id: str, printed_at: datetime) -> Document:
    """预约凭证 with the check-in QR for the venue's queue machine."""
    doc = _header("预约凭证", "Appointment Slip", "appointment", None)
    doc.text("预约号 Appointment No.", align="center")
    doc.text(booking.booking_no, align="center", bold=True, size=2)
    doc.rule("-")
    doc.kv("预约事项", booking.item_name, en="Item")
    doc.kv("办理地点", booking.venue_name, en="Place")
    doc.kv("地址", booking.address, en="Address")
    doc.kv("预约日期", booking.date, en="Date")
    doc.kv("预约时段", f"{booking.start}-{booking.end}", en="Time")
    doc.kv("预约终端", terminal_id, en="Terminal")
    doc.kv("打印时间", _stamp(printed_at), en="Printed")
    doc.qr(booking.checkin_qr, caption=("到场后在取号机扫码签到", "Scan at the queue machine"))
    return _footer(doc, ("请携带本人有效身份证件，按预约时段前往；不能前往请在自助终端取消预约。",
                         "Bring your ID card; cancel at any terminal if you cannot come."))


def certificate_download_slip(cert: Certificate, item_name: str, terminal_id: str,
                              printed_at: datetime, a4_failed: bool) -> Document:
    """The slip instead of A4: the download link as a QR (https in production)."""
    doc = _header("证明下载凭条", "Certificate Download Slip", "certificate_slip", None)
    doc.kv("事项", item_name, en="Item")
    doc.kv("证明", cert.title, en="Certificate")
    doc.kv("验证码", cert.verification_code, bold_value=True, en="Verification code")
    doc.kv("出具时间", cert.issued_at, en="Issued")
    if cert.download_expires_at:
        until = _stamp(datetime.fromtimestamp(cert.download_expires_at))
        doc.kv("链接有效期至", until, en="Link valid until")
    doc.kv("打印终端", terminal_id, en="Terminal")
    doc.kv("打印时间", _stamp(printed_at), en="Printed")
    doc.qr(cert.download_url or cert.qr_payload,
           caption=("扫码下载带电子印章的证明（PDF）", "Scan to download the sealed PDF"))
    first = ("A4打印机暂时无法使用，已通知工作人员。" if a4_failed
             else "本终端未连接A4打印机。")
    second = ("The A4 printer is not available; staff have been told." if a4_failed
              else "This terminal has no A4 printer.")
    return _footer(doc, (first, second, "电子证明与纸质证明具有同等效力，可凭验证码核验。",
                         "The sealed PDF is as valid as paper; check it with the code."))
