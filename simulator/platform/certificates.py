"""Certificate PDFs (A4) with a CJK font, a verification code and a verification QR.

The verification code is 16 characters derived from the platform key; the QR carries
``EBT1:CERT:<code>`` and ``GET /v1/certificates/{code}`` confirms a certificate is genuine.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import qrcode
from fpdf import FPDF

FONT_CANDIDATES = (
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),  # index 2 = SC
    (Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"), 2),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
)


def certificate_qr(code: str) -> str:
    """The QR payload printed on a certificate."""
    return f"EBT1:CERT:{code}"


def _font() -> tuple[Path, int]:
    for path, index in FONT_CANDIDATES:
        if path.exists():
            return path, index
    raise RuntimeError("no CJK font found (install fonts-noto-cjk)")


def render_pdf(item: dict[str, Any], record: dict[str, Any], holder: dict[str, str],
               code: str, issued: dt.datetime) -> bytes:
    """Render one certificate: title, holder (masked), record table, code and QR."""
    font_path, index = _font()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("cjk", fname=str(font_path), collection_font_number=index)
    pdf.add_page()
    pdf.set_font("cjk", size=20)
    title = str(item["result"]["name"])
    pdf.cell(0, 14, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=10)
    pdf.cell(0, 6, str(item["name_en"]), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", size=12)
    lines = [("姓名 Name", holder["name"]), ("证件号码 ID No.", holder["id"]),
             ("出具单位 Issued by", str(item["department"])),
             ("出具时间 Issued at", issued.strftime("%Y-%m-%d %H:%M"))]
    lines += [(f"{s['label']} {s['label_en']}", s["value"]) for s in record["summary"]]
    for label, value in lines:
        pdf.cell(80, 9, label, border=1)
        pdf.multi_cell(0, 9, value, border=1, new_x="LMARGIN", new_y="NEXT")
    columns = record["columns"][:5]
    if record["rows"] and columns:
        pdf.ln(3)
        pdf.set_font("cjk", size=9)
        width = (pdf.w - pdf.l_margin - pdf.r_margin) / len(columns)
        for col in columns:
            pdf.cell(width, 7, col["label"], border=1, align="C")
        pdf.ln()
        for row in record["rows"][:24]:
            for col in columns:
                value = row.get(col["key"], "")
                text = f"{value:.2f}" if isinstance(value, float) else str(value)
                pdf.cell(width, 6, text[:20], border=1)
            pdf.ln()
    pdf.ln(6)
    pdf.set_font("cjk", size=11)
    pdf.multi_cell(0, 7, "本证明由e办通自助终端打印，可扫描二维码或凭验证码"
                   "在政务服务平台核验真伪。\n"
                   "This certificate can be verified with the QR code or the verification code.",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, f"验证码 Verification code: {code}", new_x="LMARGIN", new_y="NEXT")
    qr_png = io.BytesIO()
    qrcode.make(certificate_qr(code), box_size=6, border=2).save(qr_png)
    qr_png.seek(0)
    pdf.image(qr_png, x=pdf.w - pdf.r_margin - 40, y=pdf.get_y() + 2, w=40, h=40)
    return bytes(pdf.output())
