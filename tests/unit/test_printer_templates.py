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
    assert samples.SAMPLE_CASE in texts and "受理凭证" in texts and "KM-WH-0001" in texts
    data = render_document(doc, 80).data
    assert b"1P0EBT1:CASE:" + samples.SAMPLE_CASE.encode() in data


@pytest.mark.parametrize(("width", "columns"), [(58, 32), (80, 48)])
def test_no_printed_line_is_wider_than_the_paper(width: int, columns: int) -> None:
    """Parse the bytes as the printer would and measure every line in 12-dot columns."""
    for make in samples.SAMPLES.values():
        line, size = 0, 1
        for op in EscPosParser().feed(render_document(make(logo=False), width).data):
            if op.name == "GS !":
                size = (op.args[0] & 7) + 1
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
