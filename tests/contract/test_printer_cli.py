"""The technician CLIs: ``python -m drivers printer status|test`` and the simulator's controls."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.__main__ import main as drivers_main
from kiosk.__main__ import main as kiosk_main
from simulator.cli_printer import _command
from simulator.printer import PrinterSimulator


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[PrinterSimulator]:
    simulator = PrinterSimulator(tmp_path, width_mm=58)
    simulator.start(tcp_port=0)
    yield simulator
    simulator.stop()


def test_status_json(sim: PrinterSimulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert drivers_main(["printer", "status", "--url", sim.url, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["state"] == "online" and out["paper"] == "ok" and out["cover_open"] is False


def test_status_of_a_printer_that_cannot_print(
    sim: PrinterSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    sim.set_fault("cover_open")
    assert drivers_main(["printer", "status", "--url", sim.url, "--json"]) == 3
    captured = capsys.readouterr()
    assert json.loads(captured.out)["cover_open"] is True
    assert "cover is open" in captured.err


def test_status_without_an_answer_exits_non_zero_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert drivers_main(["printer", "status", "--url", f"tcp://127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err
    assert "does not answer" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_muted_printer_is_reported_as_not_answering(
    sim: PrinterSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    sim.set_fault("mute")
    code = drivers_main(["printer", "status", "--url", sim.url, "--json", "--timeout", "0.2"])
    assert code == 2
    assert json.loads(capsys.readouterr().out)["paper"] == "unknown"


def test_test_receipt(sim: PrinterSimulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert drivers_main(["printer", "test", "--url", sim.url, "--width", "58"]) == 0
    assert "printed" in capsys.readouterr().out
    _png, txt = sim.wait_for_jobs(1)[0]
    transcript = txt.read_text(encoding="utf-8")
    assert "打印测试" in transcript.replace(" ", "") and "EBT1:TEST:" in transcript
    sim.set_fault("paper_out")
    assert drivers_main(["printer", "test", "--url", sim.url]) == 2
    assert "out of paper" in capsys.readouterr().err


def test_sample_receipts(sim: PrinterSimulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert kiosk_main(["receipts", "sample", "--url", sim.url, "--width", "58"]) == 0
    assert len(sim.wait_for_jobs(4)) == 4
    assert capsys.readouterr().out.count("printed") == 4


def test_simulator_control_commands(sim: PrinterSimulator) -> None:
    assert json.loads(_command(sim, ["paper", "12"]))["paper_mm"] == 12
    assert json.loads(_command(sim, ["fault", "cover_open"]))["faults"] == ["cover_open"]
    assert json.loads(_command(sim, ["clear"]))["faults"] == []
    with pytest.raises(ValueError):
        _command(sim, ["fault", "fire"])
    assert _command(sim, ["quit"]) == "bye"
