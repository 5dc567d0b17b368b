"""The technicians' CLIs: one JSON object per code, one-line errors and non-zero exits."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import cv2
import pytest

from drivers.__main__ import main as drivers_main
from simulator.camera.render import Scene, render
from simulator.scanner.server import ScannerSimulator

CASE = "EBT1:CASE:53010020261121000123"


def test_scanner_listen_prints_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    sim = ScannerSimulator(baudrate=115200)
    urls = sim.start(pty=False)

    def show() -> None:
        deadline = time.monotonic() + 5
        while not sim.connected and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)  # the CLI enables the scanner right after connecting
        sim.emit(CASE)
        sim.emit("五华区".encode("gbk"))

    thread = threading.Thread(target=show)
    thread.start()
    try:
        code = drivers_main(["scanner", "listen", "--url", urls["tcp"], "--baud", "115200",
                             "--count", "2", "--json", "--timeout", "10"])
    finally:
        thread.join()
        sim.stop()
    assert code == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["text"] for line in lines] == [CASE, "五华区"]
    assert lines[1]["raw_hex"] == "五华区".encode("gbk").hex()
    assert {line["source"] for line in lines} == {"scanner"}


@pytest.mark.parametrize("url", ["socket://127.0.0.1:1", "/dev/ttyNOPE0"])
def test_scanner_absent_is_one_line_and_exit_2(url: str, capsys) -> None:
    assert drivers_main(["scanner", "listen", "--url", url, "--json"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("scanner: cannot open") and "\n" not in err


def test_camera_scan_image_file(tmp_path: Path, capsys) -> None:
    path = tmp_path / "receipt.png"
    cv2.imwrite(str(path), render(Scene(payload=CASE.encode(), tilt_deg=25), (1280, 720)))
    assert drivers_main(["camera", "scan", "--source", str(path), "--count", "1", "--json"]) == 0
    line = json.loads(capsys.readouterr().out)
    assert (line["text"], line["source"]) == (CASE, "camera")
    assert bytes.fromhex(line["raw_hex"]) == CASE.encode()


@pytest.mark.parametrize("source", ["5", "sim://127.0.0.1:1", "/tmp/definitely-missing.mp4"])
def test_camera_absent_is_one_line_and_exit_2(source: str, capsys) -> None:
    assert drivers_main(["camera", "scan", "--source", source, "--json"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("camera: ") and "\n" not in err
