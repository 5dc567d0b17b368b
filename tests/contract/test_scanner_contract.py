"""Contract of the serial scanner driver, run against the simulator (default) or a real
scanner (``--scanner-url URL --device-baud N``; tests that need to show codes on command
are skipped then). The production driver talks the real bytes over TCP or a pty.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from common.events import EventBus
from drivers.base import DeviceState
from drivers.errors import DeviceOpenError
from drivers.registry import DriverRegistry
from drivers.scanner.event import CODE_TOPIC, STATE_TOPIC, ScanEvent
from drivers.scanner.serial_scanner import SerialScanner
from simulator.scanner.server import ScannerSimulator

BAUD = 115200


class Collector:
    """Events from the bus, waited for with a bound."""

    def __init__(self, bus: EventBus) -> None:
        self.items: queue.Queue[tuple[str, Any]] = queue.Queue()
        bus.subscribe(CODE_TOPIC, lambda t, p: self.items.put((t, p)))
        bus.subscribe(STATE_TOPIC, lambda t, p: self.items.put((t, p)))

    def next(self, topic: str, timeout: float = 5.0) -> Any:
        end = time.monotonic() + timeout
        while (left := end - time.monotonic()) > 0:
            try:
                got, payload = self.items.get(timeout=left)
            except queue.Empty:
                break
            if got == topic:
                return payload
        raise AssertionError(f"no {topic} event within {timeout} s")

    def codes_within(self, seconds: float) -> list[ScanEvent]:
        end = time.monotonic() + seconds
        out = []
        while (left := end - time.monotonic()) > 0:
            try:
                topic, payload = self.items.get(timeout=left)
            except queue.Empty:
                break
            if topic == CODE_TOPIC:
                out.append(payload)
        return out


@dataclass
class Rig:
    url: str
    baud: int
    sim: ScannerSimulator | None
    bus: EventBus
    events: Collector

    def scanner(self, **config: Any) -> SerialScanner:
        merged = {"type": "serial", "url": self.url, "baudrate": self.baud, **config}
        return SerialScanner.from_config(merged, self.bus)

    def need_sim(self) -> ScannerSimulator:
        if self.sim is None:
            pytest.skip("needs the simulator to show codes on command")
        return self.sim


def wait_connected(sim: ScannerSimulator) -> None:
    """TCP connect returns before the simulator's link has accepted the host."""
    deadline = time.monotonic() + 3
    while not sim.connected and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.fixture
def rig(request: pytest.FixtureRequest) -> Iterator[Rig]:
    bus = EventBus()
    url = request.config.getoption("--scanner-url")
    if url:
        yield Rig(url, request.config.getoption("--device-baud"), None, bus, Collector(bus))
        return
    sim = ScannerSimulator(baudrate=BAUD)
    urls = sim.start(tcp_port=0, pty=False)
    try:
        yield Rig(urls["tcp"], BAUD, sim, bus, Collector(bus))
    finally:
        sim.stop()


@pytest.fixture
def scanner(rig: Rig) -> Iterator[SerialScanner]:
    device = rig.scanner()
    if rig.sim is not None:
        wait_connected(rig.sim)
    try:
        yield device
    finally:
        device.close()


def test_opens_online_with_scanner_off(scanner: SerialScanner) -> None:
    status = scanner.status()
    assert status.state is DeviceState.ONLINE
    assert status.details["scanner"] == "off"
    assert scanner.capabilities().device_class == "scanner"
    assert "url" in scanner.diagnostics()


def test_enable_and_disable_are_accepted(scanner: SerialScanner) -> None:
    assert scanner.enable().ok
    assert scanner.status().details["scanner"] == "on"
    assert scanner.disable().ok
    assert scanner.status().details["scanner"] == "off"


def test_registry_builds_the_driver_from_config(rig: Rig) -> None:
    config = {"type": "serial", "url": rig.url, "baudrate": rig.baud}
    device = DriverRegistry().create("scanner", config, rig.bus)
    try:
        assert isinstance(device, SerialScanner)
        assert device.status().state is DeviceState.ONLINE
    finally:
        device.close()


def test_absent_device_is_a_loud_open_error() -> None:
    with pytest.raises(DeviceOpenError):
        SerialScanner.from_config({"type": "serial", "url": "socket://127.0.0.1:1"}, EventBus())


def test_code_arrives_with_raw_text_source_and_time(rig: Rig, scanner: SerialScanner) -> None:
    sim = rig.need_sim()
    scanner.enable()
    before = time.time()
    sim.emit("EBT1:CASE:53010020261121000123")
    event = rig.events.next(CODE_TOPIC)
    assert event.raw == b"EBT1:CASE:53010020261121000123"
    assert event.text == "EBT1:CASE:53010020261121000123"
    assert event.source == "scanner"
    assert before <= event.timestamp <= time.time()


def test_gbk_code_is_decoded_and_raw_kept(rig: Rig, scanner: SerialScanner) -> None:
    sim = rig.need_sim()
    scanner.enable()
    raw = "五华区政务服务中心".encode("gbk")
    sim.emit(raw)
    event = rig.events.next(CODE_TOPIC)
    assert (event.raw, event.text, event.encoding) == (raw, "五华区政务服务中心", "gb18030")


def test_codes_are_ignored_while_no_screen_wants_one(rig: Rig, scanner: SerialScanner) -> None:
    sim = rig.need_sim()
    sim.emit("EARLY")  # a generic module reads continuously; the driver must drop it
    assert rig.events.codes_within(0.4) == []
    assert scanner.diagnostics()["ignored_while_disabled"] == 1
    scanner.enable()
    sim.emit("WANTED")
    assert rig.events.next(CODE_TOPIC).text == "WANTED"


def test_duplicate_burst_is_delivered_once(rig: Rig, scanner: SerialScanner) -> None:
    sim = rig.need_sim()
    scanner.enable()
    sim.set_fault("duplicates", count=5)
    sim.emit("SAME")
    sim.clear_faults()
    sim.emit("OTHER")
    codes = rig.events.codes_within(0.6)
    assert [c.text for c in codes] == ["SAME", "OTHER"]
    assert scanner.diagnostics()["duplicates"] == 4


def test_half_code_and_silence_is_discarded(rig: Rig, scanner: SerialScanner) -> None:
    sim = rig.need_sim()
    scanner.enable()
    sim.set_fault("half_code")
    sim.emit("EBT1:CASE:53010020261121000123")
    time.sleep(0.6)  # longer than the driver's silence limit
    sim.clear_faults()
    sim.emit("NEXT")
    codes = rig.events.codes_within(0.6)
    assert [c.text for c in codes] == ["NEXT"]
    assert scanner.diagnostics()["half_codes_discarded"] == 1


def test_garbage_never_corrupts_the_next_code(rig: Rig, scanner: SerialScanner) -> None:
    sim = rig.need_sim()
    scanner.enable()
    sim.set_fault("garbage")
    sim.emit("EBT1:CASE:53010020261121000123")
    codes = rig.events.codes_within(0.6)
    assert codes[-1].raw == b"EBT1:CASE:53010020261121000123"
    assert all(c.raw != codes[-1].raw for c in codes[:-1])


def test_unplug_reports_offline_then_recovers(rig: Rig, scanner: SerialScanner) -> None:
    sim = rig.need_sim()
    scanner.enable()
    sim.unplug()
    assert rig.events.next(STATE_TOPIC).state.value == "offline"
    assert scanner.status().state is DeviceState.OFFLINE
    sim.replug()
    assert rig.events.next(STATE_TOPIC).state.value == "online"
    wait_connected(sim)
    sim.emit("AFTER")
    assert rig.events.next(CODE_TOPIC).text == "AFTER"
    assert scanner.status().details["scanner"] == "on"


@pytest.mark.parametrize(("profile", "mode"), [
    ("honeywell", "triggered"), ("honeywell", "continuous"), ("newland", "triggered"),
    ("newland", "continuous"), ("gm65", "triggered"), ("gm65", "continuous"),
])
def test_vendor_profiles_read_only_when_enabled(
    rig: Rig, profile: str, mode: str, request: pytest.FixtureRequest
) -> None:
    rig.need_sim()
    sim = ScannerSimulator(baudrate=BAUD, profile=profile)
    urls = sim.start(pty=False)
    request.addfinalizer(sim.stop)
    device = SerialScanner.from_config(
        {"url": urls["tcp"], "baudrate": BAUD, "profile": profile, "mode": mode}, rig.bus)
    request.addfinalizer(device.close)
    wait_connected(sim)
    deadline = time.monotonic() + 3
    while sim.reading and time.monotonic() < deadline:  # the driver switches reading off
        time.sleep(0.02)
    assert sim.emit("HELD") == "held"
    assert rig.events.codes_within(0.3) == []
    device.enable()
    assert rig.events.next(CODE_TOPIC).text == "HELD"
    deadline = time.monotonic() + 3
    while not sim.reading and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sim.emit("SECOND") == "sent"  # triggered mode: the driver re-armed the module
    assert rig.events.next(CODE_TOPIC).text == "SECOND"
    assert device.diagnostics()["answers"] >= 1


def test_pty_line_at_9600_baud_with_cr_suffix(rig: Rig, request: pytest.FixtureRequest) -> None:
    rig.need_sim()
    sim = ScannerSimulator(baudrate=9600, suffix="CR")
    urls = sim.start(pty=True)
    request.addfinalizer(sim.stop)
    device = SerialScanner.from_config(
        {"url": urls["pty"], "baudrate": 9600, "suffix": "CR"}, rig.bus)
    request.addfinalizer(device.close)
    device.enable()
    sim.emit("EBT1:CASE:53010020261121000123")
    assert rig.events.next(CODE_TOPIC).text == "EBT1:CASE:53010020261121000123"
    assert sim.link.pty_baudrate() == 9600
