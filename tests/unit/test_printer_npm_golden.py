"""Other people's ESC/POS into the printer simulator: three npm encoders' golden bytes.

The bytes in tests/golden/npm/ were made by receipt-printer-encoder 4.0.1, esc-pos-encoder
2.1.0 and react-thermal-printer 0.19.0 (how: tests/golden/npm/README.md). The simulator must
print each as one complete job — text, styles, code tables, barcodes, QR codes, pictures —
with no command left unknown and no byte answered that was not a question.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.printer.machine import PrinterMachine
from simulator.printer.parser import EscPosParser

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "npm"
QR = "EBT1:CASE:53010020261121000123"

EXPECTED = {
    "receipt-printer-encoder-4.0.1.bin": {
        "lines": ["RPE 4.0.1 Hello printer", "Bold line", "Underlined", "Centered", "B i g",
                  "Grüße café", "[位图 bit image 64x48 (ESC *)]", "[图像 image 64x48]",
                  "End of RPE"],
        "barcodes": ["Code128: EBT-12345", "EAN13: 5901234123457"],
        "qr": [QR],
    },
    "esc-pos-encoder-2.1.0.bin": {
        "lines": ["EPE 2.1.0 Hello printer", "Bold line", "Underlined", "Centered",
                  "Small font", "End of EPE"],
        "barcodes": ["EAN13: 3130630574613", "Code128: ABC-123"],
        "qr": [QR],
    },
    "react-thermal-printer-0.19.0.bin": {
        "lines": ["受  理  凭  证", "RTP 0.19.0 中文 Chinese", "-" * 48, "办件编号", "0123",
                  f"[二维码 QR: {QR} 150x150]", "End of RTP"],
        "barcodes": ["Code128: RTP-42", "EAN13: 4006381333931"],
        "qr": [],  # printed touching the barcode above and the text below: no quiet zone
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_npm_encoder_output_prints_as_one_complete_job(tmp_path: Path, name: str) -> None:
    data = (GOLDEN / name).read_bytes()
    machine = PrinterMachine(tmp_path, 576, 80, paper_mm=5000, near_end_mm=100)
    assert machine.receive(data) == b""  # nothing asked, nothing answered
    assert machine.job_count == 1
    transcript = (tmp_path / "0001.txt").read_text(encoding="utf-8")
    assert "status: complete" in transcript
    printed = transcript.split("\n--- ", 1)[0]
    for line in EXPECTED[name]["lines"]:
        assert line in printed, line
    assert "\ufffd" not in printed and "NOT SIMULATED" not in printed
    barcodes = transcript.split("barcodes decoded from the image ---\n", 1)[1]
    assert barcodes.split("\n\n", 1)[0].splitlines() == EXPECTED[name]["barcodes"]
    qr = transcript.split("QR payloads decoded from the image ---\n", 1)[1].split()
    assert qr == (EXPECTED[name]["qr"] or ["(none)"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_command_of_the_npm_encoders_is_known(name: str) -> None:
    ops = EscPosParser().feed((GOLDEN / name).read_bytes())
    assert [op for op in ops if op.name == "unknown"] == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_status_is_answered_at_every_point_of_the_npm_streams(tmp_path: Path, name: str) -> None:
    """Cut the stream anywhere — between commands, inside a barcode, a QR store or picture
    data: DLE EOT is answered there, as a real printer answers it on arrival."""
    data = (GOLDEN / name).read_bytes()
    for cut in range(1, len(data), max(1, len(data) // 40)):
        machine = PrinterMachine(tmp_path / str(cut), 576, 80, paper_mm=5000, near_end_mm=100)
        assert machine.receive(data[:cut]) == b""
        assert machine.receive(b"\x10\x04\x01") == b"\x12", cut
