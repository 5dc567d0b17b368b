"""Contract of the receipt printer driver, against the simulator or a real printer.

By default a printer simulator is started on an ephemeral TCP port.
``pytest --printer-url tcp://192.168.1.50:9100 tests/contract/test_printer_contract.py`` runs
the same checks on a real printer (it prints the four receipts); the tests that need the
simulator's control surface (faults, paper, transcripts) are skipped then.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from common.events import EventBus
from drivers.base import Completion, DeviceState
from drivers.printer.driver import EscPosPrinter
from drivers.printer.encoding import printable
from kiosk.receipts import samples
from simulator.printer import PrinterSimulator

WIDTH = 80


@pytest.fixture(scope="module")
def target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, PrinterSimulator | None]]:
    url = request.config.getoption("--printer-url")
    if url:
        yield url, None
        return
    sim = PrinterSimulator(tmp_path_factory.mktemp("printer"), width_mm=WIDTH)
    urls = sim.start(tcp_port=0, pty=True)
    try:
        yield urls["tcp"], sim
    finally:
        sim.stop()


@pytest.fixture
def sim(target: tuple[str, PrinterSimulator | None]) -> Iterator[PrinterSimulator]:
    simulator = target[1]
    if simulator is None:
        pytest.skip("needs the simulator's control surface")
    yield simulator
    simulator.clear_faults()
    simulator.set_paper(50_000)


@pytest.fixture
def events() -> list[tuple[str, Any]]:
    return []


@pytest.fixture
def printer(
    target: tuple[str, PrinterSimulator | None], events: list[tuple[str, Any]], request: Any
) -> Iterator[EscPosPrinter]:
    url, simulator = target
    if simulator is not None:
        simulator.clear_faults()
        simulator.set_paper(50_000)
    bus = EventBus()
    bus.subscribe("printer.*", lambda topic, payload: events.append((topic, payload)))
    device = EscPosPrinter(url, bus, width_mm=WIDTH, baudrate=request.config.getoption(
        "--device-baud"), status_timeout=0.5, job_timeout=20)
    yield device
    device.close()


def test_status_of_a_ready_printer(printer: EscPosPrinter, events: list[tuple[str, Any]]) -> None:
    status = printer.status()
    assert status.state is DeviceState.ONLINE, status.message
    assert status.details["paper"] in ("ok", "low")
    assert status.details["cover_open"] is False
    assert events[0][0] == "printer.state" and events[0][1].state is DeviceState.ONLINE


@pytest.mark.parametrize("kind", sorted(samples.SAMPLES))
def test_every_template_prints(printer: EscPosPrinter, kind: str) -> None:
    result = printer.print_document(samples.SAMPLES[kind](), timeout=30)
    assert result.ok, result.message
    assert result.value is not None and result.value["kind"] == kind


@pytest.mark.parametrize("kind", sorted(samples.SAMPLES))
def test_round_trip_transcript_and_qr_match_the_document(
    printer: EscPosPrinter, sim: PrinterSimulator, kind: str
) -> None:
    before = len(sim.jobs)
    document = samples.SAMPLES[kind]()
    assert printer.print_document(document).ok
    png, txt = sim.wait_for_jobs(before + 1)[before]
    assert png.stat().st_size > 1000
    transcript = txt.read_text(encoding="utf-8")
    assert "status: complete" in transcript
    decoded = transcript.split("QR payloads decoded from the image ---\n", 1)[1].split()
    assert decoded == (document.qr_payloads() or ["(none)"])
    flat = transcript.replace(" ", "")
    for text in document.texts():
        assert printable(text).replace(" ", "")[:8] in flat  # ¥ printed as ￥, – as -
    assert samples.SAMPLE_ID not in transcript and samples.SAMPLE_NAME not in transcript


def test_reprint_last_prints_the_same_receipt(
    printer: EscPosPrinter, sim: PrinterSimulator
) -> None:
    before = len(sim.jobs)
    assert printer.print_document(samples.appointment()).ok
    assert printer.reprint_last().ok
    jobs = sim.wait_for_jobs(before + 2)
    first, second = (jobs[before + i][1].read_text(encoding="utf-8") for i in (0, 1))
    assert first.split("\n", 1)[1] == second.split("\n", 1)[1]  # all but the job number


@pytest.mark.parametrize(
    ("fault", "state", "problem"),
    [
        ("cover_open", DeviceState.OFFLINE, "cover is open"),
        ("paper_out", DeviceState.OFFLINE, "out of paper"),
        ("offline", DeviceState.OFFLINE, "offline"),
        ("error", DeviceState.HARDWARE_ERROR, "reports an error"),
        ("mute", DeviceState.OFFLINE, "does not answer"),
        ("garbage", DeviceState.HARDWARE_ERROR, "no status"),
    ],
)
def test_every_fault_is_reported_and_refuses_the_job(
    printer: EscPosPrinter, sim: PrinterSimulator, fault: str, state: DeviceState, problem: str
) -> None:
    printer.status()
    sim.set_fault(fault)
    status = printer.status()
    assert status.state is state
    assert problem in status.message
    if fault in ("mute", "garbage"):
        assert status.details["paper"] == "unknown"  # never "paper OK" without a valid answer
    before = len(sim.jobs)
    result = printer.print_document(samples.acceptance())
    assert result.completion is Completion.DEVICE_NOT_READY
    assert problem in result.message
    assert len(sim.jobs) == before
    sim.clear_faults()
    sim.set_paper(50_000)
    assert printer.status().state is DeviceState.ONLINE


def test_cover_open_details(printer: EscPosPrinter, sim: PrinterSimulator) -> None:
    sim.set_fault("cover_open")
    assert printer.status().details["cover_open"] is True


def test_paper_near_end_is_low_and_still_prints(
    printer: EscPosPrinter, sim: PrinterSimulator, events: list[tuple[str, Any]]
) -> None:
    assert printer.status().details["paper"] == "ok"
    sim.set_paper(800)  # below the 1000 mm near-end threshold
    assert printer.status().details["paper"] == "low"
    assert printer.print_document(samples.evaluation()).ok
    assert [p.data["paper"] for t, p in events if t == "printer.paper"] == ["ok", "low"]


def test_paper_out_mid_job_is_a_failed_job(printer: EscPosPrinter, sim: PrinterSimulator) -> None:
    before = len(sim.jobs)
    sim.set_paper(60)  # the acceptance receipt needs about 170 mm
    result = printer.print_document(samples.acceptance())
    assert result.completion is Completion.HARDWARE_ERROR
    assert "paper" in result.message
    _png, txt = sim.wait_for_jobs(before + 1)[before]
    assert "FAILED: paper ran out" in txt.read_text(encoding="utf-8")
    assert printer.status().details["paper"] == "out"
    sim.set_paper(50_000)  # the operator loads a new roll; the citizen asks for a reprint
    assert printer.reprint_last().ok
    last = sim.wait_for_jobs(before + 2)[-1][1].read_text(encoding="utf-8")
    assert "status: complete" in last and samples.SAMPLE_CASE in last


def test_unplugged_printer_is_not_ready_and_comes_back(
    printer: EscPosPrinter, sim: PrinterSimulator
) -> None:
    assert printer.status().state is DeviceState.ONLINE
    sim.unplug()
    try:
        assert printer.status().state in (DeviceState.NO_DEVICE, DeviceState.OFFLINE)
        result = printer.print_document(samples.evaluation())
        assert result.completion is Completion.DEVICE_NOT_READY
    finally:
        sim.replug()
    assert printer.status().state is DeviceState.ONLINE


def test_the_same_driver_works_over_the_pty(sim: PrinterSimulator, tmp_path: Path) -> None:
    device = EscPosPrinter(sim.urls["pty"], None, width_mm=WIDTH, status_timeout=0.5)
    try:
        assert device.status().state is DeviceState.ONLINE
        assert device.print_document(samples.evaluation()).ok
    finally:
        device.close()
