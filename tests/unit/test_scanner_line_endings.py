"""Scanner line endings as modules really send them: CR, LF or CR LF, detected unless
configured, and a one-time hint when bytes never end with the configured ending."""

from __future__ import annotations

import queue
import threading
import time
from typing import Any

import pytest

from common.events import EventBus
from drivers.__main__ import main as drivers_main
from drivers.scanner.event import CODE_TOPIC, NOTICE_TOPIC
from drivers.scanner.framing import LineFramer, mismatch_hint, parse_suffix
from drivers.scanner.serial_scanner import SerialScanner
from simulator.scanner.server import ScannerSimulator

CASE = "EBT1:CASE:53010020261121000123"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("ending", "name"), [(b"\r", "CR"), (b"\n", "LF"), (b"\r\n", "CR LF")])
def test_the_line_ending_is_detected_from_the_first_code(ending: bytes, name: str) -> None:
    framer = LineFramer()  # no suffix: detect
    assert framer.suffix_name == "auto"
    assert framer.feed(b"ABC" + ending + b"DE") == [b"ABC"]
    assert framer.feed(b"F" + ending) == [b"DEF"]
    assert framer.suffix_name == name
    assert framer.stats()["empty_lines"] == 0


@pytest.mark.parametrize("second", [b"\nXY\r\n", b"XY\r"])
def test_a_cr_at_the_end_of_a_read_is_delivered_at_once(second: bytes) -> None:
    framer = LineFramer()
    assert framer.feed(b"CODE\r") == [b"CODE"]  # not held back for a possible LF
    assert framer.feed(second) == [b"XY"]
    assert framer.suffix_name == ("CR LF" if second.startswith(b"\n") else "CR")


def test_once_detected_the_ending_is_fixed_and_binary_safe() -> None:
    framer = LineFramer()
    framer.feed(b"A\r\n")
    assert framer.feed(b"x\ry\nz\r\n") == [b"x\ry\nz"]


def test_auto_is_the_default_and_a_configuration_value() -> None:
    assert parse_suffix("auto") is None and parse_suffix(None) is None
    assert LineFramer().configured is None


def test_bytes_without_the_configured_ending_give_one_hint() -> None:
    clock = FakeClock()
    framer = LineFramer(b"\r\n", silence_s=0.3, clock=clock)
    assert framer.feed(CASE[:26].encode() + b"\r") == []
    clock.now += 0.5
    assert framer.poll() is not None
    assert framer.take_hint() == "received 27 bytes without CR LF — is the scanner set to CR?"
    framer.feed(b"MORE\r")
    clock.now += 0.5
    framer.poll()
    assert framer.take_hint() == ""  # once


@pytest.mark.parametrize(("dropped", "suffix", "guess"), [
    (b"ABC\n", b"\r", "LF"), (b"ABC", b"\r\n", "send a suffix"), (b"ABC", None, "send a suffix"),
])
def test_the_hint_names_the_likely_setting(
    dropped: bytes, suffix: bytes | None, guess: str
) -> None:
    assert f"is the scanner set to {guess}" in mismatch_hint(dropped, suffix)


def _wait_connected(sim: ScannerSimulator) -> None:
    deadline = time.monotonic() + 3
    while not sim.connected and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.mark.parametrize("ending", ["CR", "LF", "CRLF"])
def test_the_driver_reads_a_scanner_whatever_its_line_ending(ending: str) -> None:
    sim = ScannerSimulator(baudrate=115200, suffix=ending)
    urls = sim.start(pty=False)
    bus = EventBus()
    codes: queue.Queue[Any] = queue.Queue()
    bus.subscribe(CODE_TOPIC, lambda t, p: codes.put(p))
    scanner = SerialScanner.from_config({"url": urls["tcp"], "baudrate": 115200}, bus)
    try:
        _wait_connected(sim)
        scanner.enable()
        sim.emit(CASE)
        assert codes.get(timeout=5).text == CASE
        sim.emit("EBT1:CASE:53010020261121000124")
        assert codes.get(timeout=5).text.endswith("124")
        assert scanner.diagnostics()["suffix"] == {"CRLF": "CR LF"}.get(ending, ending)
    finally:
        scanner.close()
        sim.stop()


def test_a_configured_ending_the_scanner_does_not_send_is_reported_once() -> None:
    sim = ScannerSimulator(baudrate=115200, suffix="CR")
    urls = sim.start(pty=False)
    bus = EventBus()
    notices: queue.Queue[Any] = queue.Queue()
    bus.subscribe(NOTICE_TOPIC, lambda t, p: notices.put(p))
    scanner = SerialScanner.from_config(
        {"url": urls["tcp"], "baudrate": 115200, "suffix": "CRLF", "silence_s": 0.1}, bus)
    try:
        _wait_connected(sim)
        scanner.enable()
        sim.emit(CASE[:26])
        notice = notices.get(timeout=5)
        assert notice.data["message"] == (
            "received 27 bytes without CR LF — is the scanner set to CR?")
        sim.emit(CASE[:20])
        time.sleep(0.5)
        assert notices.empty()
        assert scanner.diagnostics()["hint"] == notice.data["message"]
    finally:
        scanner.close()
        sim.stop()


def test_the_cli_reads_a_cr_scanner_and_explains_a_wrong_setting(
    capsys: pytest.CaptureFixture[str],
) -> None:
    sim = ScannerSimulator(baudrate=115200, suffix="CR")
    urls = sim.start(pty=False)

    def show() -> None:
        _wait_connected(sim)
        time.sleep(0.2)
        sim.emit(CASE)

    try:
        for args, expected in ((["--json"], 0), (["--suffix", "CRLF", "--timeout", "1.5"], 1)):
            thread = threading.Thread(target=show)
            thread.start()
            code = drivers_main(["scanner", "listen", "--url", urls["tcp"], "--baud", "115200",
                                 "--count", "1", *args])
            thread.join()
            assert code == expected
        captured = capsys.readouterr()
        assert CASE in captured.out
        assert "received 31 bytes without CR LF — is the scanner set to CR?" in captured.err
    finally:
        sim.stop()
