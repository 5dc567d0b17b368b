"""Fault switches of the platform simulator: named presets, counts, unknown names."""

from __future__ import annotations

import pytest

from simulator.platform.faults import PRESETS, Faults


def test_named_faults_and_counts() -> None:
    faults = Faults()
    for name in PRESETS:
        faults.set(name)
    on = faults.snapshot()
    assert on.maintenance and on.reject_face and on.latency_s == 2.0
    assert faults.take_hang() == 30.0 and faults.take_hang() == 30.0  # -1: every request
    faults.clear()
    faults.set("latency", latency_s=5.0)
    assert faults.snapshot().latency_s == 5.0
    faults.set(error_status=502, error_count=2)
    assert [faults.take_error() for _ in range(3)] == [502, 502, None]
    with pytest.raises(ValueError, match="unknown fault"):
        faults.set("meteor")
    with pytest.raises(ValueError, match="unknown fault setting"):
        faults.set(meteor=True)
