"""The fleet's remote commands carried out by the real UI (screens/remote.py): maintenance
on/off with the out-of-service attract screen, screenshot, reload_config and restart_app,
run through the agent's handler path in a child process under Xvfb against the simulators
(scenarios in tests/ui/ui_scenarios.py); and ``kiosk run``'s re-execution after a restart,
with the exec replaced by a stand-in."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from screens.cli_run import restart_command, serve
from tests.ui.scenario_run import run_scenarios

needs_display = pytest.mark.skipif(not os.environ.get("DISPLAY"),
                                   reason="needs an X display (scripts/test)")


def _run(tmp_path: Path, *scenarios: str) -> dict[str, Any]:
    return run_scenarios(tmp_path, *scenarios, timeout=280)


def _results(summary: dict[str, Any], name: str) -> list[tuple[str, Any]]:
    journey = next(j for j in summary["journeys"] if j["name"] == name)
    return [(s["step"], s.get("result")) for s in journey["steps"] if "result" in s]


@pytest.mark.ui
@needs_display
@pytest.mark.timeout(300)
def test_maintenance_screenshot_reload_and_restart(tmp_path: Path) -> None:
    summary = _run(tmp_path, "remote_maintenance_blocks_visits", "remote_screenshot",
                   "remote_reload_config", "remote_restart_when_idle")
    commands = _results(summary, "remote_maintenance_blocks_visits")
    assert ("command maintenance_on", {"maintenance": True, "deferred": True}) in commands
    assert list((tmp_path / "screens").glob("*-out-of-service.png"))
    restart = _results(summary, "remote_restart_when_idle")
    assert restart == [("command restart_app", {"restart": "scheduled"})]


@pytest.mark.ui
@needs_display
@pytest.mark.timeout(300)
def test_restart_waits_for_the_end_of_the_visit(tmp_path: Path) -> None:
    summary = _run(tmp_path, "remote_restart_after_visit")
    assert _results(summary, "remote_restart_after_visit") == [
        ("command restart_app", {"restart": "deferred"})]


class _App:
    def __init__(self, restart: bool, out_of_service: bool = False) -> None:
        self.restart_requested = restart
        self.out_of_service = out_of_service
        self.ran = False

    def run(self) -> None:
        self.ran = True


class _Terminal:
    def __init__(self, log: list[str]) -> None:
        self.log = log

    def close(self) -> None:
        self.log.append("closed")


def test_serve_reexecutes_with_the_original_arguments_after_the_terminal_closed() -> None:
    log: list[str] = []
    calls: list[tuple[str, list[str]]] = []

    def execv(path: str, argv: list[str]) -> None:
        log.append("exec")
        calls.append((path, argv))

    argv = ["run", "--config", "/etc/ebt/terminal.toml", "--windowed"]
    assert serve(_App(restart=True), _Terminal(log), argv, execv=execv) == 0
    assert log == ["closed", "exec"]
    assert calls == [(sys.executable, [sys.executable, "-m", "screens", *argv])]


def test_serve_without_a_restart_request_just_returns() -> None:
    log: list[str] = []
    app = _App(restart=False)
    assert serve(app, _Terminal(log), ["run"], execv=lambda *_a: log.append("exec")) == 0
    assert app.ran and log == ["closed"]


def test_a_restart_keeps_the_maintenance_state() -> None:
    python = [sys.executable, "-m", "screens"]
    assert restart_command(["run"], out_of_service=True) == [*python, "run", "--out-of-service"]
    assert restart_command(["run", "--out-of-service", "--windowed"], out_of_service=False) == [
        *python, "run", "--windowed"]
    assert restart_command(["run", "--out-of-service"], out_of_service=True) == [
        *python, "run", "--out-of-service"]
