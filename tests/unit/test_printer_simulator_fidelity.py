"""The printer simulator is as strict and as forgiving as a real Epson-class printer.

Real-time status in the middle of anything, recovery, ESC @, barcodes, bit images,
graphics, code tables, QR models and queries, paper width — each checked on the bytes a
printer receives, without sockets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.printer import PrinterSimulator
from simulator.printer.machine import PrinterMachine
from simulator.printer.parser import EscPosParser

DLE_EOT_1 = b"\x10\x04\x01"
READY = b"\x12"


def machine(tmp_path: Path, dots: int = 576, **options: object) -> PrinterMachine:
    return PrinterMachine(tmp_path, dots, 80 if dots == 576 else 58, 5000, 100, **options)  # type: ignore[arg-type]


def transcript(tmp_path: Path, job: int = 1) -> str:
    return (tmp_path / f"{job:04d}.txt").read_text(encoding="utf-8")


def body(text: str) -> str:
    """The printed part of a transcript (between the header and the decoded symbols)."""
    return text.split("\n\n", 1)[1].split("\n--- ", 1)[0]


def cut() -> bytes:
    return b"\x1dVB\x00"


@pytest.mark.parametrize("prefix", [
    b"\x1dv0\x00\x04\x00\x10\x00" + b"\xff" * 7,  # GS v 0 with 7 of 64 data bytes
    b"\x1d(k\x20\x001P0ABC",  # GS ( k store, 29 of 32 bytes
    b"\x1d8L\x00\x01\x00\x00\x30\x70",  # GS 8 L, 2 of 256 bytes
    b"\x1d(L\x0a\x00\x30",  # GS ( L, 1 of 10 bytes
    b"\x1b",  # a lone ESC at the end of a stream
    b"\x1b*!\x10\x00\xff",  # ESC * 24-dot, 1 of 48 bytes
])
def test_dle_eot_is_answered_while_a_command_is_unfinished(tmp_path: Path, prefix: bytes) -> None:
    m = machine(tmp_path)
    assert m.receive(prefix) == b""
    assert m.receive(DLE_EOT_1) == READY
    assert m.receive(b"\x10\x04\x04") == READY


def test_dle_eot_inside_graphics_data_is_answered_and_stays_data(tmp_path: Path) -> None:
    m = machine(tmp_path)
    raster = b"\x1dv0\x00\x03\x00\x02\x00" + DLE_EOT_1 + b"\x00\x00\x00"
    assert m.receive(raster + b"\n" + cut()) == READY
    assert "[图像 image 24x2]" in transcript(tmp_path)


def test_a_split_status_request_is_answered_when_complete(tmp_path: Path) -> None:
    m = machine(tmp_path)
    assert m.receive(b"AB\x10") == b""
    assert m.receive(b"\x04") == b""
    assert m.receive(b"\x01CD\n") == READY


@pytest.mark.parametrize("recover", ["clear", "unplug", "dle_dc4_8"])
def test_the_printer_recovers_from_a_truncated_command(tmp_path: Path, recover: str) -> None:
    sim = PrinterSimulator(tmp_path, width_mm=80)
    m = sim.machine
    m.receive(b"\x1dv0\x00\x10\x00\x10\x00\xff\xff")  # 2 of 256 bytes, then the host gave up
    if recover == "clear":
        sim.clear_faults()
    elif recover == "unplug":
        sim.unplug()
        sim.replug()
    else:
        assert m.receive(b"\x10\x14\x08\x01\x03\x14\x01\x06\x02\x08") == b"\x37\x25\x00"
    m.receive(b"\x1b@after recovery\n" + cut())
    assert "after recovery" in transcript(tmp_path)
    sim.stop()


def test_gs_v_followed_by_another_byte_is_not_a_raster_image(tmp_path: Path) -> None:
    m = machine(tmp_path)
    assert m.receive(b"\x1dv1ABC\n" + DLE_EOT_1) == READY
    m.receive(cut())
    assert "1ABC" in transcript(tmp_path)


def test_esc_at_drops_the_line_and_resets_every_setting(tmp_path: Path) -> None:
    m = machine(tmp_path, chinese_default=False)
    m.receive(b"\x1c&\x1d(k\x03\x001C\x0aabc\x1b@def\n")
    m.receive("中".encode("gb18030") + b"\n")  # Chinese mode is off again: two PC437 bytes
    m.receive(b"\x1d(k\x06\x001P0ABC\x1d(k\x03\x001Q0" + cut())
    text = transcript(tmp_path)
    assert "def" in text and "abc" not in text
    assert "中" not in text and b"\xd6\xd0".decode("cp437") in text
    assert "[二维码 QR: ABC 63x63]" in text  # module size 3 again (21 modules)


def test_chinese_mode_is_on_at_power_on_and_after_esc_at(tmp_path: Path) -> None:
    m = machine(tmp_path)
    m.receive(b"\x1c.\x1b@" + "受理".encode("gb18030") + b"\n" + cut())
    assert "受 理" in transcript(tmp_path) or "受理" in transcript(tmp_path)


def test_code128_and_ean13_are_drawn_and_decode(tmp_path: Path) -> None:
    m = machine(tmp_path)
    m.receive(b"\x1dh\x50\x1dw\x02\x1dH\x02\x1ba\x01"
              b"\x1dkI\x0b{BEBT-{C\x0c\x22\x38"  # {B "EBT-" then {C 12 34 56
              b"\x1dk\x024006381333931\x00" + cut())
    text = transcript(tmp_path)
    assert "[条码 barcode CODE128: EBT-123456" in text
    assert "[条码 barcode EAN13: 4006381333931" in text
    assert "Code128: EBT-123456" in text and "EAN13: 4006381333931" in text


def test_bad_barcode_data_prints_nothing(tmp_path: Path) -> None:
    m = machine(tmp_path)
    m.receive(b"\x1dkC\x0d4006381333932" + b"\x1dkI\x03ABC" + cut())  # bad check, no {B
    text = transcript(tmp_path)
    assert "barcode EAN13: data the printer rejects" in text
    assert "barcode CODE128: data the printer rejects" in text
    assert "[条码" not in text


def test_barcodes_the_simulator_cannot_draw_are_marked_visibly(tmp_path: Path) -> None:
    m = machine(tmp_path)
    m.receive(b"\x1dk\x04CODE39\x00" + cut())
    assert "[未模拟 NOT SIMULATED: CODE39 CODE39" in transcript(tmp_path)


@pytest.mark.parametrize(("m_", "size"), [(0, (20, 24)), (1, (10, 24)), (32, (20, 24)),
                                           (33, (10, 24))])
def test_esc_star_bit_images_in_8_and_24_dot_modes(
    tmp_path: Path, m_: int, size: tuple[int, int]
) -> None:
    m = machine(tmp_path)
    per_column = 3 if m_ >= 32 else 1
    m.receive(b"\x1b3\x18\x1b*" + bytes([m_, 10, 0]) + b"\xff" * (10 * per_column) + b"\n"
              + cut())
    assert f"[位图 bit image {size[0]}x{size[1]} (ESC *)]" in transcript(tmp_path)


def test_esc_star_bands_stack_without_gaps(tmp_path: Path) -> None:
    m = machine(tmp_path)
    band = b"\x1b*!\x08\x00" + b"\xff" * 24 + b"\n"
    m.receive(b"\x1b3\x18" + band * 3 + b"\x1b2" + cut())
    assert "[位图 bit image 8x72 (ESC *)]" in transcript(tmp_path)


def test_gs_paren_l_raster_and_column_graphics_print(tmp_path: Path) -> None:
    m = machine(tmp_path)
    raster = b"\x1d(L\x12\x00\x30\x70\x30\x01\x01\x31\x10\x00\x04\x00" + b"\xf0\x0f" * 4
    column = b"\x1d(L\x0c\x00\x30\x71\x30\x02\x01\x31\x02\x00\x08\x00\xff\x81"
    show = b"\x1d(L\x02\x00\x30\x32"
    m.receive(raster + show + column + show + cut())
    text = transcript(tmp_path)
    assert "[图像 image 16x4]" in text and "[图像 image 4x8]" in text


def test_nv_graphics_and_multi_tone_graphics(tmp_path: Path) -> None:
    m = machine(tmp_path)
    define = b"\x1d8L\x0d\x00\x00\x00\x30\x43\x30AB\x01\x08\x00\x02\x00\x31\xff\x00"
    m.receive(define + b"\x1d(L\x06\x00\x30\x45AB\x01\x01")
    m.receive(b"\x1d(L\x0c\x00\x30\x70\x34\x01\x01\x31\x08\x00\x01\x00\xff\x00"
              b"\x1d(L\x02\x00\x30\x32" + cut())
    text = transcript(tmp_path)
    assert "[图像 image 8x2]" in text
    assert "NOT SIMULATED: GS ( L multi-tone graphics" in text


def test_a_qr_code_too_wide_for_58_mm_is_not_printed_at_all(tmp_path: Path) -> None:
    m = machine(tmp_path, dots=384)
    payload = b"EBT1:EVAL:53010220261121000123:KM-WH-0001"  # version 3-M: 29 modules
    m.receive(b"\x1d(k\x03\x001C\x0f\x1d(k\x03\x001E1\x1d(k\x2c\x001P0" + payload
              + b"\x1d(k\x03\x001Q0" + cut())
    text = transcript(tmp_path)
    assert "[未打印 not printed: QR code 435 dots wide, paper 384 dots]" in text
    assert payload.decode() not in text


def test_the_simulator_adds_no_quiet_zone_of_its_own(tmp_path: Path) -> None:
    m = machine(tmp_path, dots=384)
    m.receive(b"\x1d(k\x03\x001C\x0d\x1d(k\x06\x001P0ABC\x1d(k\x03\x001Q0" + cut())
    assert "[二维码 QR: ABC 273x273]" in transcript(tmp_path)  # 21 modules × 13, no border


@pytest.mark.parametrize(("cmd", "jobs"), [(b"\x1bi", 1), (b"\x1bm", 1), (b"", 0)])
def test_esc_i_and_esc_m_end_a_job(tmp_path: Path, cmd: bytes, jobs: int) -> None:
    m = machine(tmp_path)
    m.receive(b"receipt\n" + cmd)
    assert m.job_count == jobs


def test_esc_t_and_esc_r_choose_the_characters(tmp_path: Path) -> None:
    m = machine(tmp_path)
    m.receive(b"\x1c.\x1bt\x02Gr\x81\xe1e\n\x1bt\x10caf\xe9\n\x1bR\x03#5\n\x1bR\x00#5\n" + cut())
    text = transcript(tmp_path)
    assert "Grüße" in text and "café" in text and "£5" in text and "#5" in text


@pytest.mark.parametrize(("model", "name"), [(49, "model 1"), (51, "Micro QR")])
def test_qr_model_1_and_micro_qr_are_marked_not_drawn_as_model_2(
    tmp_path: Path, model: int, name: str
) -> None:
    m = machine(tmp_path)
    m.receive(b"\x1d(k\x04\x001A" + bytes([model]) + b"\x00\x1d(k\x06\x001P0ABC"
              b"\x1d(k\x03\x001Q0" + cut())
    text = transcript(tmp_path)
    assert f"NOT SIMULATED: QR {name}: ABC" in text
    assert "[二维码" not in text


def test_the_qr_size_query_is_answered(tmp_path: Path) -> None:
    m = machine(tmp_path)
    reply = m.receive(b"\x1d(k\x06\x001P0ABC\x1d(k\x03\x001R0")
    assert reply == b"\x37\x3663\x1f63\x1f1\x1f0\x00"


@pytest.mark.parametrize("n", [0, 5, 7, 255])
def test_dle_eot_outside_1_to_4_is_ignored(tmp_path: Path, n: int) -> None:
    m = machine(tmp_path)
    assert m.receive(b"\x10\x04" + bytes([n])) == b""
    assert m.receive(DLE_EOT_1) == READY


def test_a_muted_printer_does_not_answer_gs_r(tmp_path: Path) -> None:
    m = machine(tmp_path)
    assert m.receive(b"\x1dr\x01") == b"\x00"
    m.set_fault("mute")
    assert m.receive(b"\x1dr\x01" + DLE_EOT_1) == b""


def test_a_printer_without_gs_r_never_answers_it(tmp_path: Path) -> None:
    m = machine(tmp_path, gs_r=False)
    assert m.receive(b"x\n\x1dr\x01" + DLE_EOT_1) == READY


def test_dle_dc4_7_is_four_bytes_and_answers_the_status_back(tmp_path: Path) -> None:
    m = machine(tmp_path)
    assert len(m.receive(b"\x10\x14\x07\x01")) == 4
    m.receive(b"AB\n" + cut())
    assert "AB" in transcript(tmp_path)
    assert [op.name for op in EscPosParser().feed(b"\x10\x14\x07\x01AB")] == ["realtime", "text"]
