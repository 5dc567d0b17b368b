"""Run named UI scenarios (tests/ui/ui_scenarios.py) in a child process under the current
display and return their summary, failing the test with the child's output when any
scenario failed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_scenarios(tmp_path: Path, *scenarios: str, timeout: float = 280) -> dict[str, Any]:
    """The summary.json of the scenarios, in order; asserts every one passed."""
    done = subprocess.run([sys.executable, "-m", "tests.ui.ui_scenarios", str(tmp_path),
                           *scenarios], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)
    summary_file = tmp_path / "summary.json"
    assert summary_file.exists(), done.stdout[-2000:] + done.stderr[-3000:]
    summary: dict[str, Any] = json.loads(summary_file.read_text(encoding="utf-8"))
    failed = [(j["name"], j.get("error")) for j in summary["journeys"] if not j["passed"]]
    assert not failed, failed
    assert done.returncode == 0, done.stdout[-2000:]
    assert [j["name"] for j in summary["journeys"]] == list(scenarios)
    return summary
