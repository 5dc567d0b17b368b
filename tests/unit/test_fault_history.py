"""The maintenance screen's fault history shows an unplug and a replug of every device.

The real drivers run against the simulators (the same bytes as the hardware); each
simulator's line is pulled and put back, and the terminal's :class:`FaultHistory` — built by
the composition root and shown on the maintenance screen — must list the device going down
and coming back. Before the event bus matched ``"*.state"`` it listed nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.composition import Terminal, build_terminal
from kiosk.config import parse_config, read_table
from kiosk.voice import NullSink
from screens.demo.runner import demo_table
from simulator.camera.server import FrameServer
from simulator.suite import SimulatorSuite


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[SimulatorSuite, Terminal]]:
    suite = SimulatorSuite(tmp_path / "sims")
    urls = suite.start()
    table = demo_table(read_table(), urls, tmp_path)
    table["voice"].update({"enabled": False, "prerender": False})
    terminal = build_terminal(parse_config(table), NullSink(), base_dir=tmp_path)
    try:
        yield suite, terminal
    finally:
        terminal.close()
        suite.stop()


def _wait(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _states(terminal: Terminal, device: str) -> list[str]:
    assert terminal.fault_history is not None
    return [e.state for e in terminal.fault_history.entries() if e.device == device]


def _down_then_up(terminal: Terminal, device: str) -> Callable[[], bool]:
    def check() -> bool:
        states = _states(terminal, device)
        return len(states) >= 2 and states[-1] == "online" and states[-2] != "online"
    return check


def test_unplug_and_replug_of_each_device_are_listed(
        running: tuple[SimulatorSuite, Terminal]) -> None:
    suite, terminal = running
    printer = terminal.printer
    assert printer is not None
    # the ID-card reader (its poller notices the line going away and coming back)
    suite.idcard.unplug()
    _wait(lambda: "online" not in _states(terminal, "idcard")[-1:]
          and bool(_states(terminal, "idcard")), "the reader offline")
    suite.idcard.replug()
    _wait(_down_then_up(terminal, "idcard"), "the reader back")
    # the serial scanner
    suite.scanner.unplug()
    _wait(lambda: bool(_states(terminal, "scanner")), "the scanner offline")
    suite.scanner.replug()
    _wait(_down_then_up(terminal, "scanner"), "the scanner back")
    # the receipt printer (its state is read when asked, as the maintenance screen does)
    suite.printer.unplug()
    _wait(lambda: printer.status() is not None and bool(_states(terminal, "printer")),
          "the printer offline")
    suite.printer.replug()
    _wait(lambda: printer.status() is not None and _down_then_up(terminal, "printer")(),
          "the printer back")
    # the camera: its frame server goes away and comes back on the same port
    camera_url = suite.urls["camera"]
    port = int(camera_url.rsplit(":", 1)[1])
    assert suite.camera._server is not None
    suite.camera._server.stop()
    _wait(lambda: bool(_states(terminal, "camera")), "the camera offline")
    server = FrameServer(suite.camera, port=port)
    server.start()
    try:
        _wait(_down_then_up(terminal, "camera"), "the camera back")
    finally:
        server.stop()
    lines = [e.line() for e in terminal.fault_history.entries()]  # type: ignore[union-attr]
    for device in ("idcard", "scanner", "printer", "camera"):
        assert any(f" {device} online" in line for line in lines), lines
        assert any(f" {device} " in line and "online" not in line for line in lines), lines
