"""Golden bytes of every receipt template, and what each receipt must (not) contain.

Set PRINTER_UPDATE_GOLDEN=1 to rewrite tests/golden/printer/ after a deliberate change,
then look at the diff and at the rendered PNGs (docs/printer.md) before committing.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from drivers.printer.document import Document
from drivers.printer.encoding import CHINESE_ON, INIT
from drivers.printer.render import render_document
from kiosk.receipts import samples, templates
from simulator.printer.parser import EscPosParser

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "printer"
UPDATE = os.environ.get("PRINTER_UPDATE_GOLDEN") == "1"


def _golden(name: str, data: bytes) -> bytes:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"missing golden file {path} (run with PRINTER_UPDATE_GOLDEN=1)"
    return path.read_bytes()


@pytest.mark.parametrize("width", [58, 80])
@pytest.mark.parametrize("kind", sorted(samples.SAMPLES))
def test_template_bytes_match_golden(kind: str, width: int) -> None:
    data = render_document(samples.SAMPLES[kind](logo=False), width).data
    assert data == _golden(f"{kind}_{width}.bin", data)


def test_logo_raster_matches_golden() -> None:
    image = Image.new("L", (120, 40), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((2, 2, 117, 37), outline=0, width=3)
    draw.ellipse((10, 8, 34, 32), fill=0)
    doc = Document("logo").logo(image)
    data = render_document(doc, 58).data
    assert data == _golden("logo_58.bin", data)


@pytest.mark.parametrize("kind", sorted(samples.SAMPLES))
def test_every_receipt_starts_in_chinese_mode_and_ends_with_a_cut(kind: str) -> None:
    data = render_document(samples.SAMPLES[kind](), 80).data
    assert data.startswith(INIT + CHINESE_ON)
    assert data.endswith(b"\x1dVB\x00")


@pytest.mark.parametrize("kind", sorted(samples.SAMPLES))
def test_personal_data_is_masked_on_paper(kind: str) -> None:
    text = render_document(samples.SAMPLES[kind](), 58).data.decode("gb18030", "replace")
    assert samples.SAMPLE_ID not in text
    assert samples.SAMPLE_NAME not in text
    assert "青年路" not in text
    if kind != "evaluation":
        assert "530102********123X" in text and "李*华" in text


def test_acceptance_receipt_has_case_number_and_progress_qr() -> None:
    doc = samples.acceptance()
    assert doc.qr_payloads() == ["EBT1:CASE:" + samples.SAMPLE_CASE]
    texts = list(doc.texts())
    grouped = templates.grouped(samples.SAMPLE_CASE)
    assert grouped in texts and "受理凭证" in texts and "KM-WH-0001" in texts
    assert grouped.replace(" ", "") == samples.SAMPLE_CASE and len(grouped.split()) == 5
    data = render_document(doc, 80).data
    assert b"1P0EBT1:CASE:" + samples.SAMPLE_CASE.encode() in data


@pytest.mark.parametrize("width", [58, 80])
def test_the_case_number_is_printed_double_height_on_one_line(width: int) -> None:
    """受理编号 (the one word on paper), then the number in groups of four at double
    height and normal width: GS ! 0x01 right before it, on one line even at 58 mm."""
    doc = samples.acceptance(logo=False)
    grouped = templates.grouped(samples.SAMPLE_CASE)
    number = next(e for e in doc.elements if getattr(e, "text", None) == grouped)
    assert number.tall and number.size == 1 and number.bold
    size, printed = None, []
    for op in EscPosParser().feed(render_document(doc, width).data):
        if op.name == "GS !":
            size = op.args[0]
        elif op.name == "text" and op.text.strip() == grouped:
            printed.append(size)
    assert printed == [0x01]                   # one line, height × 2, width × 1
    texts = [t for kind in samples.SAMPLES for t in samples.SAMPLES[kind]().texts()]
    assert not [t for t in texts if "办件编号" in t or "案件编号" in t]


def test_the_query_slip_carries_a_verification_qr() -> None:
    doc = samples.query_result()
    (payload,) = doc.qr_payloads()
    assert payload.startswith(templates.QUERY_PREFIX)
    _prefix, terminal, stamp, check = payload.rsplit(":", 3)
    assert terminal == "KM-WH-0001" and len(stamp) == 14 and len(check) == 16
    same = samples.query_result()
    assert same.qr_payloads() == [payload]                       # deterministic
    assert templates.query_verification(
        item="x", queried_at=datetime(2026, 1, 1), terminal_id="T", rows=[("a", "1")]
    ) != templates.query_verification(
        item="x", queried_at=datetime(2026, 1, 1), terminal_id="T", rows=[("a", "2")])
    assert "扫码核验本结果" in list(doc.texts())


@pytest.mark.parametrize("width", [58, 80])
@pytest.mark.parametrize("kind", sorted(samples.SAMPLES))
def test_every_qr_has_a_four_module_quiet_zone_on_paper(kind: str, width: int,
                                                        tmp_path: Path) -> None:
    """Print through the simulator, which draws the bare symbol as a printer does, then
    find each symbol in the PNG and require 4 modules of blank paper on every side."""
    import numpy as np
    import zxingcpp

    from drivers.printer.render import qr_modules
    from simulator.printer.machine import PrinterMachine

    doc = samples.SAMPLES[kind](logo=False)
    if not doc.qr_payloads():
        pytest.skip("no QR code on this receipt")
    dots = {58: 384, 80: 576}[width]
    machine = PrinterMachine(tmp_path, dots, width, 50000, 1000)
    machine.receive(render_document(doc, width).data)
    (png,) = sorted(tmp_path.glob("*.png"))
    image = Image.open(png).convert("L")
    pixels = np.asarray(image)
    found = [r for r in zxingcpp.read_barcodes(image)
             if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert [r.text for r in found] == doc.qr_payloads()
    for result, payload in zip(found, doc.qr_payloads(), strict=True):
        corners = [result.position.top_left, result.position.top_right,
                   result.position.bottom_left, result.position.bottom_right]
        x0, x1 = min(c.x for c in corners), max(c.x for c in corners)
        y0, y1 = min(c.y for c in corners), max(c.y for c in corners)
        module = (x1 - x0 + 1) / qr_modules(payload)
        quiet = round(4 * module)
        assert x0 - quiet >= 0 and x1 + quiet < pixels.shape[1], "no room beside the QR"
        around = pixels[max(0, y0 - quiet):y1 + quiet + 1, x0 - quiet:x1 + quiet + 1].copy()
        around[quiet:quiet + (y1 - y0 + 1), quiet:quiet + (x1 - x0 + 1)] = 255
        assert y0 - quiet >= 0 and (around > 128).all(), "ink inside the quiet zone"


@pytest.mark.parametrize(("width", "columns"), [(58, 32), (80, 48)])
def test_no_printed_line_is_wider_than_the_paper(width: int, columns: int) -> None:
    """Parse the bytes as the printer would and measure every line in 12-dot columns."""
    for make in samples.SAMPLES.values():
        line, size = 0, 1
        for op in EscPosParser().feed(render_document(make(logo=False), width).data):
            if op.name == "GS !":
                size = ((op.args[0] >> 4) & 7) + 1      # the width magnification
            elif op.name == "text":
                line += sum(1 if ord(c) < 0x80 else 2 for c in op.text) * size
            elif op.name == "newline":
                assert line <= columns
                line = 0


def test_template_inputs_are_validated() -> None:
    with pytest.raises(ValueError):
        templates.progress_payload("12345")
    with pytest.raises(ValueError):
        templates.evaluation_slip(
            payload="http://x", item="x", printed_at=datetime(2026, 1, 1), terminal_id="T"
        )
