"""The issue-14 demo journeys end to end: real simulators, a private CUPS server, the real
Kivy UI under Xvfb and real touches — paying a fine and the pension contribution, a
certificate on A4 (and the download slip when A4 stops), a certificate with a fee, and an
appointment with a real slot. Each must pass in summary.json."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cups import available

ROOT = Path(__file__).resolve().parents[2]
JOURNEYS = ["pay_traffic_fine", "pay_pension_contribution", "certificate_a4",
            "certificate_with_fee", "appointment_booking"]


@pytest.mark.skipif(not os.environ.get("DISPLAY"),
                    reason="needs an X display (scripts/test runs Xvfb)")
@pytest.mark.skipif(not available(), reason="CUPS and cups-pdf not installed")
@pytest.mark.timeout(600)
def test_money_and_document_journeys_pass(tmp_path: Path) -> None:
    only = [arg for name in JOURNEYS for arg in ("--only", name)]
    done = subprocess.run(
        [sys.executable, "-m", "screens", "demo", "--headless", "--out", str(tmp_path), *only],
        cwd=ROOT, capture_output=True, text=True, timeout=580)
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    failed = {j["name"]: j.get("error") for j in summary["journeys"] if not j["passed"]}
    assert done.returncode == 0 and not failed, (failed, done.stderr[-2000:])
    assert [j["name"] for j in summary["journeys"]] == JOURNEYS
    steps = [s for j in summary["journeys"] for s in j["steps"]]
    shown = [s["paid_to_screen_ms"] for s in steps if "paid_to_screen_ms" in s]
    assert len(shown) == 3                       # fine, pension, certificate fee
    receipts = list((tmp_path / "receipts").glob("*.txt"))
    assert any("Fine Payment Slip" in r.read_text(encoding="utf-8") for r in receipts)
