"""Fleet simulator: simulated terminals enrol themselves, heartbeat, fail and recover against
a real fleet server; the command line refuses to run without an enrolment token."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fleet.testing import FleetHarness
from simulator.fleet_sim import SimulatedFleet

ROOT = Path(__file__).resolve().parents[2]


def test_simulated_fleet_reports_to_a_real_server(tmp_path: Path) -> None:
    with FleetHarness(f"sqlite:///{tmp_path}/fleet.db") as h:
        fleet = SimulatedFleet(h.url, 6, h.token, tmp_path / "sim", interval=0.2,
                               fault_rate=0.3, seed=3, workers=3)
        fleet.enrol_all()
        totals = fleet.run(duration=2.0)
        for t in fleet.terminals:  # drain whatever a simulated network drop held back
            assert t.client is not None and t.agent is not None
            t.client.down_until = 0
            t.agent.flush()
        fleet.close()
        ops = h.login("viewer")
        overview = ops.get(h.url + "/api/ops/overview", timeout=10).json()
        usage = ops.get(h.url + "/api/ops/usage?by=terminal", timeout=10).json()
        alerts = ops.get(h.url + "/api/ops/alerts?all=1", timeout=10).json()
    assert totals["cycles"] >= 6
    assert sorted(r[0] for r in overview["terminals"]) == [f"SIM-{i:04d}" for i in range(6)]
    assert all(r[5] is not None for r in overview["terminals"])  # every one was seen
    assert sum(u["started"] for u in usage) > 0
    assert {"device_fault"} <= {a["kind"] for a in alerts}
    cred = (tmp_path / "sim" / "SIM-0000" / "credentials.json")
    assert cred.stat().st_mode & 0o077 == 0  # the secret is readable by its owner only


def test_cli_needs_an_enrolment_token() -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "simulator", "fleet", "--server", "http://127.0.0.1:9",
         "--terminals", "2"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "enrolment token" in proc.stderr and "Traceback" not in proc.stderr
