"""The technician's test page: Chinese text, the sizes, the ¥ mapping and a QR code.

It belongs to the device layer because it checks the printer, not a citizen's service; it
carries no personal data.
"""

from __future__ import annotations

from datetime import datetime

from PIL import Image

from drivers.printer.document import Document


def test_page(
    printed_at: datetime, url_label: str = "", logo: Image.Image | None = None
) -> Document:
    """打印测试 A technician's test receipt: Chinese text, sizes, the ¥ mapping and a QR code."""
    doc = Document("test")
    if logo is not None:
        doc.logo(logo)
    doc.text("打印测试", align="center", bold=True, size=2)
    doc.text("Printer Test", align="center")
    doc.rule("=")
    doc.kv("时间", printed_at.strftime("%Y-%m-%d %H:%M:%S"), en="Time")
    if url_label:
        doc.kv("接口", url_label, en="Port")
    doc.rule("-")
    doc.text("中文测试：政务服务“一网通办”，24小时不打烊。")
    doc.text("金额 Amount: ¥128.00")
    doc.text("粗体 Bold", bold=True)
    doc.text("倍高倍宽 Double", size=2)
    doc.text("居中 Centre", align="center")
    doc.text("居右 Right", align="right")
    doc.rule("-")
    doc.qr("EBT1:TEST:" + printed_at.strftime("%Y%m%d%H%M%S"), caption=("扫码测试 Scan test",))
    return doc.feed(2).cut()


test_page.__test__ = False  # type: ignore[attr-defined]  # not a pytest test despite its name
