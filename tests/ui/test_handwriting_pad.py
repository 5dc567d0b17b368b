"""The writing pad and the keyboards in a real Kivy window: a character drawn with
synthetic touches comes back as a candidate, picking it clears the pad, keys are where
citizens expect them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

pytestmark = pytest.mark.ui
ROOT = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, char: str) -> dict[str, Any]:
    if not os.environ.get("DISPLAY"):
        pytest.skip("needs a display (scripts/test runs pytest under Xvfb)")
    done = subprocess.run([sys.executable, "-m", "tests.ui.handwriting_app", str(tmp_path),
                           char], cwd=ROOT, capture_output=True, text=True, timeout=240,
                          check=False)
    result_file = tmp_path / "result.json"
    assert result_file.exists(), done.stdout[-2000:] + done.stderr[-3000:]
    result: dict[str, Any] = json.loads(result_file.read_text(encoding="utf-8"))
    assert "error" not in result, result["error"]
    assert done.returncode == 0, done.stderr[-3000:]
    return result


@pytest.mark.parametrize("char", ["社", "税"])
def test_a_drawn_character_becomes_a_candidate(tmp_path: Path, char: str) -> None:
    result = _run(tmp_path, char)
    assert result["strokes"] >= 5
    assert char in result["candidates"][:5]
    assert result["events"][0] == ["pick", char]        # tapped → picked …
    assert result["query"] == char and result["pad_after_pick"] == 0   # … and cleared
    assert result["after_undo"] == [[], False]           # a late answer is dropped
    assert all(h >= 96 for h in result["candidate_heights_dp"])
    shot = Image.open(tmp_path / "pad.png").convert("L")
    pad = shot.crop((0, 0, shot.width // 3, shot.height // 2))
    dark = sum(pad.histogram()[:60])
    assert dark > 2000                                  # the ink is on the screenshot


def test_keyboards_are_laid_out_as_on_a_phone(tmp_path: Path) -> None:
    result = _run(tmp_path, "公")
    assert result["qwerty_rows"] == ["QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM"]
    assert result["keypad"] == [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"],
                                ["删除", "0", "确认"]]
    keys = [k for kind, k in result["events"] if kind == "key"]
    assert keys == ["Q", "Z", "M", "退格", "1", "0", "删除", "确认"]
