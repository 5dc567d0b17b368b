"""The real Kivy UI under Xvfb, driven by touch events through the window against the
simulators: idle warning and wipe, live scheme/language/elderly switches, the operator
PIN, and the platform going down mid-application (outbox)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.ui.scenario_run import run_scenarios

pytestmark = [pytest.mark.ui, pytest.mark.skipif(not os.environ.get("DISPLAY"),
                                                 reason="needs an X display (scripts/test)")]


def _run(tmp_path: Path, *scenarios: str) -> dict[str, Any]:
    return run_scenarios(tmp_path, *scenarios, timeout=240)


@pytest.mark.timeout(260)
def test_switches_pin_and_platform_down(tmp_path: Path) -> None:
    summary = _run(tmp_path, "live_switches", "maintenance_pin",
                   "platform_down_queues_application")
    shots = {p.name for p in (tmp_path / "screens").glob("*.png")}
    assert any("dark-scheme" in s for s in shots) and any("queued" in s for s in shots)
    assert summary["passed"] is True


@pytest.mark.timeout(260)
def test_idle_warning_can_be_extended_and_then_wipes_the_visit(tmp_path: Path) -> None:
    summary = _run(tmp_path, "idle_warning_extend_then_wipe")
    steps = [s["step"] for s in summary["journeys"][0]["steps"]]
    assert "tap extend" in steps
