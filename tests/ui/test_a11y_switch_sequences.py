"""The audit reaches every (mode, scheme) from every state one switch away, and the
identify screen is clean after each of those switches (issue 13: after high_contrast_dark →
yellow_on_black the card's 身份证 was yellow on white, 1.28:1, and the audit said 0).

Run against the code before the fix (screens/theme.py without ``_reapply_rules``), this
audit reports 8 contrast violations on 身份证 (1.27:1 and 1.41:1), all after a switch.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.appearance import SCHEMES, SIZE_PROFILES
from kiosk.audit.plan import switch_edges

pytestmark = [pytest.mark.ui, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "screens", "audit", "--json", "--screens",
                           "identify", "--languages", "zh_CN"], cwd=ROOT,
                          capture_output=True, text=True, timeout=900, check=False,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.stdout.strip(), done.stderr
    doc: dict[str, Any] = json.loads(done.stdout)
    assert "error" not in doc, doc.get("error")
    return doc


def test_every_switch_was_taken(report: dict[str, Any]) -> None:
    edges = switch_edges(list(SIZE_PROFILES), list(SCHEMES))
    assert report["views"] == len(edges) + 1          # the start, then one per switch
    assert report["errors"] == []


def test_identify_is_clean_after_every_switch(report: dict[str, Any]) -> None:
    lines = [f"{d['mode']}/{d['scheme']} after {d['reached_from']}: {d['rule']} "
             f"{d['value']} {d['detail']} {d['text']}" for d in report["details"]]
    assert report["violations"] == 0, "\n".join(lines)


def test_elderly_body_text_is_measured_in_pixels(report: dict[str, Any]) -> None:
    scale = report["measures"]["elderly_body_scale"]
    assert {m["scheme"] for m in scale["screens"]} == set(SCHEMES)
    for m in scale["screens"]:
        assert m["standard_px"] > 10 and m["elderly_px"] > m["standard_px"]
        assert m["ratio"] == pytest.approx(m["elderly_px"] / m["standard_px"], abs=0.001)
    assert scale["min_ratio"] >= scale["needed"] == 1.6
