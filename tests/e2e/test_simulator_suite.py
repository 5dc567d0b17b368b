"""All simulators together with the control surface: actions reach the real drivers."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from simulator.control import ControlServer
from simulator.suite import ControlError, SimulatorSuite


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorSuite, str]]:
    suite = SimulatorSuite(tmp_path_factory.mktemp("suite"))
    suite.start()
    control = ControlServer(suite)
    url = control.start()
    yield suite, url
    control.stop()
    suite.stop()


def _drivers_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "drivers", *args], capture_output=True, text=True, timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_start_reports_every_url(running: tuple[SimulatorSuite, str]) -> None:
    suite, _ = running
    assert set(suite.urls) >= {"idcard", "scanner", "printer", "camera", "platform"}
    assert suite.urls["printer"].startswith("tcp://127.0.0.1:")
    assert requests.get(suite.urls["platform"] + "/openapi.json", timeout=10).ok


def test_page_and_state_are_served(running: tuple[SimulatorSuite, str]) -> None:
    suite, url = running
    page = requests.get(url + "/", timeout=5)
    assert page.ok and "模拟器控制台" in page.text
    state = requests.get(url + "/api/state", timeout=5).json()
    assert state["urls"] == suite.urls
    assert "idcard.insert" in state["actions"] and state["cards"]


def test_tapping_a_card_on_the_page_lets_the_driver_read_it(
    running: tuple[SimulatorSuite, str],
) -> None:
    suite, url = running
    card = suite.idcard.card_names()[0]
    reply = requests.post(url + "/api/idcard.insert", json={"card": card}, timeout=5)
    assert reply.ok, reply.text
    read = _drivers_cli("idcard", "read", "--url", suite.urls["idcard"], "--json")
    assert read.returncode == 0, read.stderr
    record = json.loads(read.stdout)
    assert len(record["id_number"]) == 18 and record["name"]
    requests.post(url + "/api/idcard.remove", json={}, timeout=5).raise_for_status()
    empty = _drivers_cli("idcard", "read", "--url", suite.urls["idcard"], "--timeout", "1")
    assert empty.returncode != 0 and "Traceback" not in empty.stderr


def test_pulling_the_paper_shows_in_the_printer_status(
    running: tuple[SimulatorSuite, str],
) -> None:
    suite, url = running
    requests.post(url + "/api/printer.paper", json={"mm": "0"}, timeout=5).raise_for_status()
    out = _drivers_cli("printer", "status", "--url", suite.urls["printer"], "--json")
    assert json.loads(out.stdout)["paper"] == "out"
    requests.post(url + "/api/printer.paper", json={"mm": "30000"}, timeout=5).raise_for_status()
    out = _drivers_cli("printer", "status", "--url", suite.urls["printer"], "--json")
    assert json.loads(out.stdout)["paper"] == "ok"


def test_bad_actions_are_clear_errors(running: tuple[SimulatorSuite, str]) -> None:
    suite, url = running
    reply = requests.post(url + "/api/idcard.explode", json={}, timeout=5)
    assert reply.status_code == 400 and "unknown action" in reply.json()["error"]
    reply = requests.post(url + "/api/printer.paper", data=b"[1]", timeout=5)
    assert reply.status_code == 400
    with pytest.raises(ControlError, match=r"idcard\.insert"):
        suite.control("idcard.insert", {"wrong": 1})
