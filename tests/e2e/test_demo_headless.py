"""The headless demo end to end: real simulators, the real Kivy UI under Xvfb, real touches.

Runs ``python -m screens demo --headless`` as the README's run command does (scripts/test
provides the X display) and checks what it leaves behind: summary.json, numbered
screenshots and the receipts the printer simulator rendered.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
needs_display = pytest.mark.skipif(not os.environ.get("DISPLAY"),
                                   reason="needs an X display (scripts/test runs Xvfb)")


@needs_display
@pytest.mark.timeout(300)
def test_guide_and_query_journeys_pass_with_screenshots_and_receipts(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "screens", "demo", "--headless", "--out", str(tmp_path),
         "--only", "guide_by_pinyin", "--only", "provident_fund_query"],
        cwd=ROOT, capture_output=True, text=True, timeout=280)
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert summary["passed"] is True
    journeys = summary["journeys"]
    assert [j["name"] for j in journeys] == ["guide_by_pinyin", "provident_fund_query"]
    assert all(j["passed"] and j["steps"] for j in journeys)
    shots = sorted(p.name for p in (tmp_path / "screens").glob("*.png"))
    assert shots and shots[0].startswith("01-guide_by_pinyin")
    assert list((tmp_path / "receipts").glob("*.png")), "the query slip was printed"


def test_without_a_display_the_demo_says_so_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    done = subprocess.run([sys.executable, "-m", "screens", "demo", "--headless", "--out",
                           str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env=env)
    assert done.returncode == 2
    output = (done.stdout + done.stderr).strip()
    assert "xvfb" in output.lower() and "Traceback" not in output
    assert not (tmp_path / "summary.json").exists()
