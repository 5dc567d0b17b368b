"""Printers as they really are: write-only lines, printers without GS r, and QR codes that
need their quiet zone from the layout."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from common.events import EventBus
from drivers.__main__ import main as drivers_main
from drivers.base import Completion, DeviceState
from drivers.errors import ConfigError
from drivers.printer.document import Document
from drivers.printer.driver import EscPosPrinter
from drivers.printer.encoding import CommandEncoder
from drivers.printer.render import qr_module_that_fits, qr_modules, render_document
from kiosk.receipts import samples
from simulator.printer.machine import PrinterMachine
from simulator.printer.page import decode_qr
from tests.unit.test_printer_driver import MachineLine

QUERY = b"\x10\x04"


def test_a_file_printer_is_write_only_and_its_jobs_are_sent_not_confirmed(
    tmp_path: Path,
) -> None:
    target = tmp_path / "capture.bin"
    bus = EventBus()
    events: list[tuple[str, object]] = []
    bus.subscribe("printer.*", lambda topic, payload: events.append((topic, payload)))
    printer = EscPosPrinter.from_config({"url": f"file://{target}", "width_mm": 58}, bus)
    status = printer.status()
    assert status.state is DeviceState.ONLINE
    assert status.details["paper"] == "unknown" and status.details["write_only"] is True
    assert "paper and cover state unknown" in status.message
    result = printer.print_document(samples.evaluation(logo=False), timeout=30)
    assert result.ok, result.message
    assert result.value is not None and result.value["confirmed"] is False
    assert result.value["outcome"] == "sent_unconfirmed" and result.value["paper"] == "unknown"
    assert "sent, not confirmed" in result.message
    written = target.read_bytes()
    assert written == render_document(samples.evaluation(logo=False), 58).data
    assert QUERY not in written and b"\x1dr\x01" not in written  # never asked anything
    assert printer.diagnostics()["sent_unconfirmed"] == 1
    assert printer.diagnostics()["note"].startswith("write-only printer")
    papers = [getattr(p, "data", {}).get("paper") for t, p in events if t == "printer.paper"]
    assert papers == ["unknown"]
    printer.close()


def test_a_configured_write_only_printer_is_never_queried(tmp_path: Path) -> None:
    line = MachineLine(PrinterMachine(tmp_path, 576, 80, paper_mm=5000, near_end_mm=100))
    printer = EscPosPrinter("m", None, status_mode="none", opener=lambda url, baud: line)
    result = printer.print_document(samples.acceptance(logo=False))
    assert result.ok and result.value and result.value["confirmed"] is False
    assert not any(w.startswith(QUERY) or w == b"\x1dr\x01" for w in line.sent)
    assert line.machine.job_count == 1
    assert EscPosPrinter.from_config({"url": "m", "status": "none"}, None).status_mode == "none"


def test_dle_eot_mode_keeps_refusing_a_printer_that_cannot_answer(tmp_path: Path) -> None:
    printer = EscPosPrinter(f"file://{tmp_path / 'x.bin'}", None, status_mode="dle_eot",
                            status_timeout=0.05)
    result = printer.print_document(samples.evaluation(logo=False))
    assert result.completion is Completion.DEVICE_NOT_READY
    printer.close()


@pytest.mark.parametrize("config", [{"status": "sometimes"}, {"job_timeout": 0}])
def test_bad_status_or_job_timeout_settings_are_config_errors(config: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        EscPosPrinter.from_config({"url": "tcp://127.0.0.1:9", **config}, None)


def test_the_cli_test_receipt_on_a_file_is_sent_not_confirmed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "x.bin"
    assert drivers_main(["printer", "test", "--url", f"file://{target}"]) == 0
    out = capsys.readouterr().out
    assert "sent, not confirmed" in out and "paper and cover state unknown" in out
    assert target.stat().st_size > 1000
    assert drivers_main(["printer", "status", "--url", f"file://{target}", "--json"]) == 0
    assert '"write_only": true' in capsys.readouterr().out


def test_job_timeout_bounds_the_wait_for_a_printer_without_gs_r(tmp_path: Path) -> None:
    machine = PrinterMachine(tmp_path, 576, 80, paper_mm=5000, near_end_mm=100, gs_r=False)
    line = MachineLine(machine)
    printer = EscPosPrinter("m", None, status_timeout=0.05, job_timeout=0.4,
                            opener=lambda url, baud: line)
    start = time.monotonic()
    result = printer.print_document(samples.evaluation(logo=False), timeout=30)
    elapsed = time.monotonic() - start
    assert result.completion is Completion.TIMEOUT
    assert elapsed < 2.0, f"waited {elapsed:.1f} s although job_timeout is 0.4 s"


@pytest.mark.parametrize(("width", "module"), [(58, 6), (80, 6), (58, 15), (80, 15)])
def test_a_qr_code_has_its_quiet_zone_on_paper(tmp_path: Path, width: int, module: int) -> None:
    payload = "EBT1:EVAL:53010220261121000123:KM-WH-0001"
    doc = Document("qr").text("上方文字 above", align="center").qr(
        payload, caption=("扫码评价 Scan to rate", "下方文字"), module=module).cut()
    dots = {58: 384, 80: 576}[width]
    machine = PrinterMachine(tmp_path, dots, width, paper_mm=5000, near_end_mm=100)
    machine.receive(render_document(doc, width).data)
    image = Image.open(tmp_path / "0001.png")
    assert decode_qr(image) == [payload]
    size = qr_module_that_fits(payload, "M", module, dots)
    assert (qr_modules(payload, "M") + 8) * size <= dots  # room across for the quiet zone
    # the symbol is the only ink within 4 modules around it
    found = zxingcpp.read_barcodes(image.convert("L"))[0]
    corners = [found.position.top_left, found.position.top_right,
               found.position.bottom_left, found.position.bottom_right]
    left, top = min(p.x for p in corners), min(p.y for p in corners)
    right, bottom = max(p.x for p in corners), max(p.y for p in corners)
    margin = 4 * size
    ink = Image.eval(image.convert("L"), lambda v: 255 - v)
    ring = ink.crop((left - margin, top - margin, right + margin + 1, bottom + margin + 1))
    ImageDraw.Draw(ring).rectangle((margin, margin, margin + right - left, margin + bottom - top),
                                   fill=0)
    assert left - margin >= 0 and right + margin < dots
    assert ring.getbbox() is None, f"ink within {margin} dots of the QR code"


def test_raster_data_never_holds_a_real_time_command(tmp_path: Path) -> None:
    image = Image.new("L", (16, 4), 255)
    for xy in ((3, 0), (13, 0), (7, 1)):  # GS v 0 data 10 04 01 00 …: DLE EOT 1
        image.putpixel(xy, 0)
    data = CommandEncoder(58).raster(image)
    assert data[8:12] == b"\x00\x04\x01\x00"  # one dot less, no DLE
    machine = PrinterMachine(tmp_path, 384, 58, paper_mm=5000, near_end_mm=100)
    assert machine.receive(data) == b""  # no stray status byte on the line
