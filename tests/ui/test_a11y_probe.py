"""The real probe and `python -m screens audit` on a fixture app with known faults."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from screens.cli_audit import display

pytestmark = pytest.mark.ui
ROOT = Path(__file__).resolve().parents[2]
FIXTURE = "tests.ui.a11y_fixture_app:FixtureApp"


def _env(disp: str) -> dict[str, str]:
    return dict(os.environ, DISPLAY=disp, PYTHONPATH=str(ROOT), KIVY_NO_ARGS="1",
                KIVY_NO_CONSOLELOG="1", SDL_AUDIODRIVER="dummy")


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "screens", "audit", "--json", "--app", FIXTURE,
         "--no-sequences"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert done.returncode == 1, done.stderr  # violations found -> exit 1
    return json.loads(done.stdout)


def test_counts(report: dict[str, Any]) -> None:
    assert report["screens"] == 2
    assert report["views"] == 2 * 2 * 3 * 2
    assert report["errors"] == []
    assert report["violations"] == len(report["details"]) == 5 * 12
    assert report["checks"] > report["violations"]


def test_good_screen_is_clean(report: dict[str, Any]) -> None:
    assert [d for d in report["details"] if d["screen"] == "home"] == []


def test_each_known_fault_is_reported_in_every_view(report: dict[str, Any]) -> None:
    bad = [d for d in report["details"] if d["screen"] == "result"]
    rules: dict[str, list[dict[str, Any]]] = {}
    for d in bad:
        rules.setdefault(d["rule"], []).append(d)
    assert sorted(rules) == ["contrast", "line_spacing", "repeat_control", "target_size",
                             "text_size"]
    assert all(len(v) == 12 for v in rules.values())
    contrast = rules["contrast"][0]
    assert contrast["detail"] == "#999999 on #FFFFFF"  # measured, the panel is white
    assert contrast["value"] == pytest.approx(2.85, abs=0.01)
    needed = {(d["scheme"], d["needed"]) for d in rules["contrast"]}
    assert needed == {("standard", 4.5), ("high_contrast_dark", 7.0),
                      ("yellow_on_black", 7.0)}
    assert {(d["mode"], d["needed"]) for d in rules["target_size"]} == {
        ("standard", 44), ("elderly", 96)}
    assert {(d["mode"], d["value"]) for d in rules["text_size"]} == {
        ("standard", 12.0), ("elderly", 12.0)}
    assert rules["target_size"][0]["widget"].endswith("Button")


def test_probe_measures_the_background_behind_each_text(tmp_path: Path) -> None:
    out = tmp_path / "records.jsonl"
    with display() as disp:
        subprocess.run(
            [sys.executable, "-m", "screens.audit_probe", "--out", str(out), "--app", FIXTURE,
             "--screens", "home", "--modes", "elderly", "--schemes", "yellow_on_black",
             "--languages", "zh_CN", "--screenshots", str(tmp_path)],
            cwd=ROOT, env=_env(disp), capture_output=True, timeout=120, check=True,
        )
    (record,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    by_text = {e.get("text"): e for e in record["elements"]}
    assert (by_text["办事大厅"]["fg"], by_text["办事大厅"]["bg"]) == ("#FFE600", "#000000")
    button = by_text["开始"]
    assert (button["fg"], button["bg"]) == ("#000000", "#FFE600")
    assert button["touchable"] and button["size_dp"] == [240.0, 106.0]
    assert by_text["办事大厅"]["font_size_dp"] == 48.0
    assert Path(record["screenshot"]).stat().st_size > 1000
