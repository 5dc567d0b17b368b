"""The real Kivy UI under Xvfb, driven by touch events through the window against the
simulators: idle warning and wipe, live scheme/language/elderly switches, the operator
PIN, and the platform going down mid-application (outbox)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.ui, pytest.mark.skipif(not os.environ.get("DISPLAY"),
                                                 reason="needs an X display (scripts/test)")]


def _run(tmp_path: Path, *scenarios: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "tests.ui.ui_scenarios", str(tmp_path),
                           *scenarios], cwd=ROOT, capture_output=True, text=True, timeout=240)
    summary_file = tmp_path / "summary.json"
    assert summary_file.exists(), done.stdout[-2000:] + done.stderr[-3000:]
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    failed = [(j["name"], j.get("error")) for j in summary["journeys"] if not j["passed"]]
    assert not failed, failed
    assert done.returncode == 0, done.stdout[-2000:]
    assert [j["name"] for j in summary["journeys"]] == list(scenarios)
    return summary


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
