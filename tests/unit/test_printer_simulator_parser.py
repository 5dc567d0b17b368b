"""The printer simulator's ESC/POS parser and machine, without sockets."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.printer.render import render_document
from kiosk.receipts import samples
from simulator.printer.machine import PrinterMachine
from simulator.printer.parser import GARBAGE, EscPosParser


def _names(data: bytes) -> list[str]:
    return [op.name for op in EscPosParser().feed(data)]


def test_chinese_mode_decodes_gb18030_and_shows_four_byte_codes_as_garbage() -> None:
    parser = EscPosParser()
    ops = parser.feed(b"\x1c&" + "受理¥".encode("gb18030") + b"\n")
    text = "".join(op.text for op in ops if op.name == "text")
    assert text == "受理" + GARBAGE
    ops = parser.feed(b"\x1c.\x9c\n")  # Chinese mode off: code page 437
    assert [op.text for op in ops if op.name == "text"] == ["£"]


def test_status_requests_are_seen_between_commands() -> None:
    ops = EscPosParser().feed(b"\x1bE\x01\x10\x04\x01AB\x10\x04\x04\x1dr\x01")
    assert [(op.name, op.args) for op in ops] == [
        ("ESC E", (1,)), ("status", (1,)), ("text", (1,)), ("status", (4,)), ("GS r", (1,))
    ]


def test_unknown_commands_are_skipped_without_eating_text() -> None:
    assert _names(b"\x1b\xf0AB") == ["unknown", "text"]


def test_block_commands_are_consumed_whole() -> None:
    raster = b"\x1dv0\x00\x02\x00\x03\x00" + b"\x10\x04\x01" * 2  # data that looks like DLE EOT
    assert _names(raster + b"\n") == ["raster", "newline"]
    qr = b"\x1d(k\x05\x001P0AB"
    assert _names(qr) == ["2d"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=64), min_size=1, max_size=40))
def test_chunking_does_not_change_the_result(cuts: list[int]) -> None:
    data = render_document(samples.acceptance(), 58).data
    whole = EscPosParser().feed(data)
    parser, ops, pos = EscPosParser(), [], 0
    for size in cuts * (len(data) // sum(cuts) + 1):
        ops += parser.feed(data[pos:pos + size])
        pos += size
        if pos >= len(data):
            break
    merged_whole = [(o.name, o.args, o.data) for o in whole if o.name != "text"]
    merged_split = [(o.name, o.args, o.data) for o in ops if o.name != "text"]
    assert merged_split == merged_whole
    assert "".join(o.text for o in ops) == "".join(o.text for o in whole)


def test_machine_status_bytes_for_every_fault(tmp_path: Path) -> None:
    m = PrinterMachine(tmp_path, 384, 58, paper_mm=100, near_end_mm=20)
    assert m.receive(b"\x10\x04\x01\x10\x04\x02\x10\x04\x04") == b"\x12\x12\x12"
    m.set_fault("cover_open")
    assert m.receive(b"\x10\x04\x01\x10\x04\x02") == b"\x1a\x16"
    m.clear_faults()
    m.set_paper(10)
    assert m.receive(b"\x10\x04\x04") == b"\x1e"  # near end
    m.set_paper(0)
    assert m.receive(b"\x10\x04\x02\x10\x04\x04") == b"\x32\x72"
    m.set_paper(100)
    m.set_fault("error")
    assert m.receive(b"\x10\x04\x01\x10\x04\x02\x10\x04\x03") == b"\x1a\x52\x32"
    m.clear_faults()
    m.set_fault("mute")
    assert m.receive(b"\x10\x04\x01") == b""
    m.clear_faults()
    m.set_fault("garbage")
    assert m.receive(b"\x10\x04\x01") == b"\xff"


def test_machine_writes_a_job_per_cut_and_answers_gs_r_after_it(tmp_path: Path) -> None:
    m = PrinterMachine(tmp_path, 576, 80, paper_mm=1000, near_end_mm=20)
    reply = m.receive(render_document(samples.evaluation(), 80).data + b"\x1dr\x01")
    assert reply == b"\x00"
    assert m.job_count == 1
    transcript = (tmp_path / "0001.txt").read_text(encoding="utf-8")
    assert "服务评价" in transcript.replace(" ", "")
    assert transcript.strip().endswith("EBT1:EVAL:" + samples.SAMPLE_CASE + ":KM-WH-0001")


def test_machine_stops_when_the_paper_runs_out(tmp_path: Path) -> None:
    m = PrinterMachine(tmp_path, 576, 80, paper_mm=40, near_end_mm=10)
    reply = m.receive(render_document(samples.acceptance(), 80).data + b"\x1dr\x01")
    assert reply == b""  # stopped: the job's end is never confirmed
    assert m.paper_out and m.discarded > 0
    transcript = (tmp_path / "0001.txt").read_text(encoding="utf-8")
    assert "FAILED: paper ran out" in transcript
    assert m.receive(b"\x10\x04\x04") == b"\x72"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_garbage_bytes_never_break_the_printer(tmp_path_factory, data: bytes) -> None:
    m = PrinterMachine(tmp_path_factory.mktemp("fuzz"), 384, 58, paper_mm=500, near_end_mm=20)
    reply = m.receive(data)
    assert isinstance(reply, bytes)
    assert m.receive(b"\x1b@\x10\x04\x01") [-1:] in (b"\x12", b"\x1a", b"")
