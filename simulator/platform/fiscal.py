"""Electronic fiscal receipts (财政电子票据) for paid orders: number, check code, PDF.

票据代码 (8 digits: 53 = Yunnan, 01 = Kunming, 26 = non-tax receipt, 2-digit year),
票据号码 (10 digits, from the 缴款码), 校验码 (6 characters derived from the platform key).
Anyone can check a receipt at the public ``/fiscal/verify`` address its QR carries.
"""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
from dataclasses import dataclass
from urllib.parse import urlencode

import qrcode
from fpdf import FPDF

from simulator.platform.certificates import _font
from simulator.platform.payloads import sig16
from simulator.platform.payments import Order
from simulator.platform.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS fiscal_receipts (
    number TEXT PRIMARY KEY, code TEXT NOT NULL, check_code TEXT NOT NULL,
    pay_code TEXT NOT NULL UNIQUE, title TEXT NOT NULL, amount_fen INTEGER NOT NULL,
    payee TEXT NOT NULL, issued_at REAL NOT NULL);
"""
PAYEE = {"fine": "昆明市公安局交通警察支队", "contribution": "国家税务总局昆明市税务局",
         "fee": "昆明市政务服务管理局"}


@dataclass(frozen=True)
class FiscalReceipt:
    """One issued receipt."""

    code: str
    number: str
    check_code: str
    pay_code: str
    title: str
    amount_fen: int
    payee: str
    issued_at: float


def yuan(fen: int) -> str:
    """12345 → '123.45'."""
    return f"{fen // 100}.{fen % 100:02d}"


class FiscalReceipts:
    """Issues (once per paid order) and looks up receipts."""

    def __init__(self, store: Store, key: bytes) -> None:
        self.store = store
        self.key = key
        store.ensure(SCHEMA)

    def issue(self, order: Order, now: float) -> FiscalReceipt:
        """The receipt of a paid order (the same one when asked again)."""
        existing = self.for_order(order.pay_code)
        if existing is not None:
            return existing
        year = dt.datetime.fromtimestamp(now).strftime("%y")
        receipt = FiscalReceipt(f"530126{year}", order.pay_code[10:], sig16(
            self.key, f"FISCAL:{order.pay_code}")[:6].upper(), order.pay_code, order.title,
            order.amount_fen, PAYEE.get(order.kind, PAYEE["fee"]), now)
        with self.store.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO fiscal_receipts VALUES (?,?,?,?,?,?,?,?)",
                         (receipt.number, receipt.code, receipt.check_code, receipt.pay_code,
                          receipt.title, receipt.amount_fen, receipt.payee, receipt.issued_at))
        return self.for_order(order.pay_code) or receipt

    def for_order(self, pay_code: str) -> FiscalReceipt | None:
        """The receipt issued for an order, if any."""
        rows = self.store.query("SELECT * FROM fiscal_receipts WHERE pay_code=?", (pay_code,))
        return _receipt(rows[0]) if rows else None

    def check(self, number: str, check_code: str) -> FiscalReceipt | None:
        """The receipt if number and check code match."""
        rows = self.store.query("SELECT * FROM fiscal_receipts WHERE number=?", (number,))
        if not rows or rows[0]["check_code"] != check_code.strip().upper():
            return None
        return _receipt(rows[0])


def _receipt(row: sqlite3.Row) -> FiscalReceipt:
    return FiscalReceipt(row["code"], row["number"], row["check_code"], row["pay_code"],
                         row["title"], row["amount_fen"], row["payee"], row["issued_at"])


def verify_url(public_url: str, receipt: FiscalReceipt) -> str:
    """The public address that checks a receipt (its QR)."""
    query = urlencode({"code": receipt.code, "number": receipt.number,
                       "check": receipt.check_code})
    return f"{public_url.rstrip('/')}/fiscal/verify?{query}"


def render_pdf(receipt: FiscalReceipt, url: str) -> bytes:
    """An A5-landscape style receipt page with the verification QR."""
    font_path, index = _font()
    pdf = FPDF(orientation="L", format=(148, 210))
    pdf.add_font("cjk", fname=str(font_path), collection_font_number=index)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 12, "云南省非税收入统一票据（电子）", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    issued = dt.datetime.fromtimestamp(receipt.issued_at).strftime("%Y-%m-%d %H:%M:%S")
    for label, value in (("票据代码", receipt.code), ("票据号码", receipt.number),
                         ("校验码", receipt.check_code), ("开票日期", issued),
                         ("缴款码", receipt.pay_code), ("项目名称", receipt.title),
                         ("金额（元）", yuan(receipt.amount_fen)),
                         ("收款单位", receipt.payee)):
        pdf.cell(40, 8, label, border=1)
        pdf.cell(100, 8, value, border=1, new_x="LMARGIN", new_y="NEXT")
    qr_png = io.BytesIO()
    qrcode.make(url, box_size=4, border=2).save(qr_png)
    qr_png.seek(0)
    pdf.image(qr_png, x=pdf.w - pdf.r_margin - 45, y=28, w=42, h=42)
    pdf.set_y(-30)
    pdf.cell(0, 6, "扫码或凭票据代码、号码、校验码在财政票据查验平台查验真伪。")
    return bytes(pdf.output())
