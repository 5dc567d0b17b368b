"""EscPosPrinter against an in-process simulated printer line (no sockets): job outcomes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from common.events import EventBus
from drivers.base import CancelToken, Completion, DeviceState
from drivers.errors import DeviceGone, ProtocolError
from drivers.printer.channel import PrinterChannel
from drivers.printer.driver import EscPosPrinter
from drivers.registry import DriverRegistry
from kiosk.receipts import samples
from simulator.printer.machine import PrinterMachine


class MachineLine:
    """A PrinterTransport that talks to a PrinterMachine directly; hooks fire on writes."""

    url = "machine://"

    def __init__(self, machine: PrinterMachine) -> None:
        self.machine = machine
        self.pending = b""
        self.writes = 0
        self.sent: list[bytes] = []
        self.on_write: Callable[[int], None] | None = None

    def write(self, data: bytes) -> None:
        self.writes += 1
        self.sent.append(data)
        if self.on_write is not None:
            self.on_write(self.writes)
        self.pending += self.machine.receive(data)

    def read(self, size: int, timeout: float) -> bytes:
        out, self.pending = self.pending[:size], self.pending[size:]
        return out

    def discard_input(self) -> None:
        self.pending = b""

    def close(self) -> None:
        pass


@pytest.fixture
def rig(tmp_path: Path) -> tuple[EscPosPrinter, MachineLine, list[tuple[str, object]]]:
    machine = PrinterMachine(tmp_path, 384, 58, paper_mm=5000, near_end_mm=100)
    line = MachineLine(machine)
    bus = EventBus()
    events: list[tuple[str, object]] = []
    bus.subscribe("printer.*", lambda topic, payload: events.append((topic, payload)))
    printer = EscPosPrinter("machine://", bus, width_mm=58, status_timeout=0.05,
                            job_timeout=0.5, chunk_bytes=256, opener=lambda url, baud: line)
    return printer, line, events


def test_a_job_prints_and_is_confirmed(rig) -> None:
    printer, line, _ = rig
    result = printer.print_document(samples.acceptance())
    assert result.ok, result.message
    assert result.value and result.value["kind"] == "acceptance"
    assert line.machine.job_count == 1
    assert printer.diagnostics()["printed"] == 1


def test_garbled_text_is_rejected_in_strict_mode(rig, tmp_path: Path) -> None:
    _, line, _ = rig
    strict = EscPosPrinter("machine://", None, width_mm=58, strict_text=True,
                           opener=lambda url, baud: line)
    doc = samples.acceptance()
    doc.text("表情😀")
    result = strict.print_document(doc)
    assert result.completion is Completion.INVALID_DATA
    assert line.writes == 0


def test_cable_pulled_mid_job_is_a_failure(rig) -> None:
    printer, line, _ = rig

    def pull(count: int) -> None:
        if count >= 3:
            raise DeviceGone("cable pulled")  # and it stays pulled

    line.on_write = pull
    result = printer.print_document(samples.acceptance())
    assert result.completion is Completion.HARDWARE_ERROR
    assert "cable pulled" in result.message
    assert printer.diagnostics()["failed"] == 1


def test_cancel_mid_job_ejects_the_partial_receipt(rig) -> None:
    printer, line, _ = rig
    token = CancelToken()
    line.on_write = lambda count: token.cancel() if count == 2 else None
    result = printer.print_document(samples.query_result(), cancel=token)
    assert result.completion is Completion.CANCELED
    assert line.machine.job_count == 1  # the cut after cancelling ends the partial job


def test_printer_going_silent_after_the_job_is_not_printed(rig) -> None:
    printer, line, _ = rig
    data_writes = []

    def mute_after_data(count: int) -> None:
        data_writes.append(count)
        if count == 6:
            line.machine.set_fault("mute")

    line.on_write = mute_after_data
    result = printer.print_document(samples.evaluation(logo=False))
    assert not result.ok
    assert result.completion in (Completion.HARDWARE_ERROR, Completion.TIMEOUT)


def test_paper_low_publishes_an_event_and_still_prints(rig) -> None:
    printer, line, events = rig
    assert printer.status().details["paper"] == "ok"
    line.machine.near_end_mm = 500
    line.machine.set_paper(400)
    status = printer.status()
    assert status.state is DeviceState.ONLINE and status.details["paper"] == "low"
    assert printer.print_document(samples.evaluation(logo=False)).ok
    papers = [getattr(p, "data", {}).get("paper") for t, p in events if t == "printer.paper"]
    assert papers == ["ok", "low"]


def test_reprint_and_forget(rig) -> None:
    printer, line, _ = rig
    assert printer.reprint_last().completion is Completion.INVALID_DATA
    assert printer.print_document(samples.evaluation()).ok
    assert printer.reprint_last().ok
    assert line.machine.job_count == 2
    printer.forget_last()
    assert not printer.has_last


def test_registry_builds_the_printer_from_config() -> None:
    device = DriverRegistry().create(
        "printer", {"type": "escpos", "url": "tcp://127.0.0.1:9", "width_mm": 58}, EventBus()
    )
    assert isinstance(device, EscPosPrinter)
    assert device.capabilities().features["columns"] == 32
    with pytest.raises(Exception, match="width_mm"):
        EscPosPrinter.from_config({"url": "x", "width_mm": 76}, None)


class ScriptedLine(MachineLine):
    """Answers every status query with ``answer``; starts with stale bytes waiting."""

    def __init__(self, stale: bytes, answer: bytes) -> None:
        self.pending, self.answer, self.writes, self.on_write = stale, answer, 0, None

    def write(self, data: bytes) -> None:
        self.writes += 1
        if data.startswith(b"\x10\x04"):
            self.pending += self.answer


def test_stale_replies_are_dropped_and_a_late_confirmation_is_noticed() -> None:
    line = ScriptedLine(stale=b"\x1a\x00\x16", answer=b"\x12\x12\x1e")
    channel = PrinterChannel("x", opener=lambda url, baud: line)
    status = channel.query()
    assert status.ready and status.paper == "low"  # not the stale "offline, cover open"
    assert channel.confirmed  # the GS r answer that was waiting among them


def test_a_printer_answering_nonsense_is_a_protocol_error() -> None:
    channel = PrinterChannel("x", opener=lambda url, baud: ScriptedLine(b"", b"\x12\xc3\x12"))
    with pytest.raises(ProtocolError):
        channel.query()


def test_cover_opened_mid_job_is_a_failure(rig, tmp_path: Path) -> None:
    printer, line, _ = rig
    line.on_write = lambda count: line.machine.set_fault("cover_open") if count == 5 else None
    result = printer.print_document(samples.acceptance())
    assert result.completion is Completion.HARDWARE_ERROR
    assert "cover is open" in result.message
    assert "FAILED: cover open during printing" in (tmp_path / "0001.txt").read_text("utf-8")


def test_without_gs_r_confirmation_the_status_check_decides(tmp_path: Path) -> None:
    machine = PrinterMachine(tmp_path, 576, 80, paper_mm=5000, near_end_mm=100)
    line = MachineLine(machine)
    printer = EscPosPrinter.from_config({"url": "m", "confirm_job": False}, None)
    printer.channel = type(printer.channel)("m", opener=lambda url, baud: line)
    assert printer.print_document(samples.evaluation(logo=False)).ok
    assert not any(b"\x1dr\x01" in w for w in line.sent)
