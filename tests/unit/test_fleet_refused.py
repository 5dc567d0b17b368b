"""No silent terminal: refused credentials are the agent's own fault (log, diagnostics,
backoff, beacon), the server lists refused and unknown terminals, the beacon is limited and
trusted for nothing else, and the fleet simulator reports refusals."""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from fleet.alerting import AlertingConfig
from fleet.context import FleetConfig
from fleet.protocol import REFUSED_PATH
from fleet.testing import FleetHarness
from kiosk.agent import FleetClient, TelemetryAgent
from kiosk.agent.buffer import DurableBuffer
from kiosk.agent.client import Credentials, enrol
from simulator.fleet_sim import SimulatedFleet

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[FleetHarness]:
    url = f"sqlite:///{tmp_path}/fleet.db"
    config = FleetConfig(db_url=url, alerting=AlertingConfig(tick_s=0.2))
    with FleetHarness(url, config) as h:
        yield h


def snapshot() -> dict[str, Any]:
    return {"paper": {"state": "full", "level": 80}, "screen": "attract"}


def wait_for(check: Any, timeout: float) -> float:
    """Seconds until ``check()`` is truthy (fails after ``timeout``)."""
    start = time.monotonic()
    while not check():
        assert time.monotonic() - start < timeout, "condition not met in time"
        time.sleep(0.05)
    return time.monotonic() - start


def metrics_text(h: FleetHarness) -> str:
    """``/metrics`` (through the harness's helper where the server guards it)."""
    getter = getattr(h, "metrics", None)
    return str(getter()) if getter else requests.get(h.url + "/metrics", timeout=10).text


def refused_rows(h: FleetHarness, **params: Any) -> dict[str, dict[str, Any]]:
    rows = h.login("viewer").get(h.url + "/api/ops/refused", params=params, timeout=10).json()
    return {r["terminal_id"]: r for r in rows}


def test_replaced_secret_is_listed_within_two_heartbeat_intervals(
        harness: FleetHarness, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    interval = 1.0
    cred = enrol(harness.url, harness.token, "KM-WH-007", district="五华区")
    agent = TelemetryAgent(FleetClient(harness.url, cred), snapshot, {}, tmp_path / "a.db",
                           interval=interval, max_backoff_s=interval)
    agent.start()
    try:
        wait_for(lambda: agent.diagnostics()["link"] == "ok", 5)
        # re-enrolled elsewhere (a token issued for this id: issue 17 binds an id once)
        enrol(harness.url, harness.token_for("KM-WH-007"), "KM-WH-007", district="五华区")
        with caplog.at_level(logging.ERROR, logger="kiosk.agent"):
            took = wait_for(lambda: "KM-WH-007" in refused_rows(harness), 2 * interval)
            wait_for(lambda: agent.diagnostics()["link"] == "refused", 2 * interval)
        row = refused_rows(harness)["KM-WH-007"]
        assert took <= 2 * interval
        assert row["status"] == "refused" and row["reason"] == "bad_signature"
        assert row["district"] == "五华区" and row["refusals"] >= 1
        diag = agent.diagnostics()
        assert diag["reason"] == "bad_signature" and "re-enrol" in diag["advice"]
        assert diag["pending"]["heartbeat"] >= 1  # nothing thrown away
        assert any("REFUSES THIS TERMINAL" in r.getMessage() for r in caplog.records)
        wait_for(lambda: refused_rows(harness)["KM-WH-007"]["beacons"] >= 1, 3)
        ops = harness.login("viewer")
        wait_for(lambda: any(a["kind"] == "credentials_refused" for a in ops.get(
            harness.url + "/api/ops/alerts", timeout=10).json()), 3)
    finally:
        agent.stop()
    status = DurableBuffer(tmp_path / "a.db")  # the technician's CLI reads the same record
    assert status.note("link")["link"] == "refused"  # type: ignore[index]
    status.close()
    proc = subprocess.run([sys.executable, "-m", "kiosk", "agent", "status", "--buffer",
                           str(tmp_path / "a.db")], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 3 and "link: refused" in proc.stdout, proc.stderr


def test_recovered_after_re_enrolment_and_alert_resolves(harness: FleetHarness,
                                                          tmp_path: Path) -> None:
    enrol(harness.url, harness.token, "KM-GD-001", district="官渡区")
    # re-enrolments with tokens issued for this id (issue 17: an id is bound once)
    stale = enrol(harness.url, harness.token_for("KM-GD-001"), "KM-GD-001", district="官渡区")
    enrol(harness.url, harness.token_for("KM-GD-001"), "KM-GD-001",
          district="官渡区")  # stale is now refused
    agent = TelemetryAgent(FleetClient(harness.url, stale), snapshot, {}, tmp_path / "b.db",
                           interval=0.3)
    agent.run_once()
    assert agent.diagnostics()["link"] == "refused"
    wait_for(lambda: "KM-GD-001" in refused_rows(harness), 3)
    fresh = enrol(harness.url, harness.token_for("KM-GD-001"), "KM-GD-001", district="官渡区")
    agent = TelemetryAgent(FleetClient(harness.url, fresh), snapshot, {}, tmp_path / "b.db",
                           interval=0.3)
    agent.run_once()
    assert agent.diagnostics()["link"] == "ok" and agent.pending == 0
    wait_for(lambda: "KM-GD-001" not in refused_rows(harness), 3)
    assert refused_rows(harness, all=1)["KM-GD-001"]["status"] == "recovered"
    ops = harness.login("viewer")
    wait_for(lambda: not any(a["kind"] == "credentials_refused" for a in ops.get(
        harness.url + "/api/ops/alerts", timeout=10).json()), 3)


def test_unknown_terminal_and_clock_skew(harness: FleetHarness, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    ghost = TelemetryAgent(FleetClient(harness.url, Credentials("KM-GHOST-1", "0" * 64)),
                           snapshot, {}, tmp_path / "g.db", interval=1)
    ghost.run_once()
    assert ghost.diagnostics()["reason"] == "unknown_terminal"
    wait_for(lambda: refused_rows(harness).get("KM-GHOST-1", {}).get("status") == "unknown", 3)
    cred = enrol(harness.url, harness.token, "KM-SKEW-1")
    import kiosk.agent.client as client_module

    real = client_module.signed_headers
    monkeypatch.setattr(client_module, "signed_headers",  # a terminal clock an hour late
                        lambda *a, **kw: real(*a, **kw, now=time.time() - 3600))
    skewed = TelemetryAgent(FleetClient(harness.url, cred), snapshot, {}, tmp_path / "s.db",
                            interval=1)
    skewed.run_once()
    assert skewed.diagnostics()["reason"] == "clock_skew"
    assert "NTP" in skewed.diagnostics()["advice"]


def test_beacon_is_limited_and_trusted_for_nothing_else(harness: FleetHarness) -> None:
    url = harness.url + REFUSED_PATH
    bad = [{"terminal_id": "KM-1", "reason": "bad_signature", "secret": "x"},
           {"terminal_id": "no spaces allowed", "reason": "other"},
           {"terminal_id": "KM-1", "reason": "because"}, ["KM-1"]]
    for body in bad:
        assert requests.post(url, json=body, timeout=10).status_code == 400
    assert requests.post(url, data=b"x" * 2000, timeout=10).status_code == 413
    ok = requests.post(url, json={"terminal_id": "KM-BEACON", "reason": "unknown_terminal"},
                       timeout=10)
    assert ok.status_code == 202
    again = requests.post(url, json={"terminal_id": "KM-BEACON", "reason": "other"},
                          timeout=10)
    assert again.status_code == 429 and again.headers["Retry-After"]
    wait_for(lambda: "KM-BEACON" in refused_rows(harness), 3)
    overview = harness.login("viewer").get(harness.url + "/api/ops/overview", timeout=10).json()
    assert overview["terminals"] == []  # a beacon enrols nothing, changes no terminal
    metrics = metrics_text(harness)
    assert 'fleet_refused_beacons_total{result="rate_limited"} 1.0' in metrics
    assert 'fleet_terminals_refused{status="unknown"} 1.0' in metrics
    ops = harness.login("operator")
    resp = ops.post(harness.url + "/api/ops/refused/KM-BEACON/dismiss", json={}, timeout=10)
    assert resp.json() == {"ok": True}
    assert "KM-BEACON" not in refused_rows(harness)


def test_simulator_starts_clean_and_reports_refusals(tmp_path: Path) -> None:
    work = tmp_path / "sim"
    with FleetHarness(f"sqlite:///{tmp_path}/a.db") as first:
        fleet = SimulatedFleet(first.url, 3, first.token, work, interval=0.2, fault_rate=0)
        fleet.enrol_all()
        fleet.run(duration=0.6)
        assert fleet.refused() == {}
        fleet.close()
    with FleetHarness(f"sqlite:///{tmp_path}/b.db") as fresh:  # a fresh server
        reused = SimulatedFleet(fresh.url, 3, fresh.token, work, interval=0.2, fault_rate=0,
                                reuse_workdir=True)
        reused.enrol_all()
        reused.run(duration=0.6)
        assert reused.refused() == {f"SIM-{i:04d}": "unknown_terminal" for i in range(3)}
        reused.close()
        clean = SimulatedFleet(fresh.url, 3, fresh.token, work, interval=0.2, fault_rate=0)
        clean.enrol_all()  # default: start clean, enrol afresh
        clean.run(duration=0.6)
        assert clean.refused() == {}
        clean.close()
        for i in range(2):  # credentials some other server once issued
            Credentials(f"GONE-{i:04d}", "1" * 64).save(work / f"GONE-{i:04d}" / "credentials.json")
        proc = subprocess.run(
            [sys.executable, "-m", "simulator", "fleet", "--server", fresh.url, "--terminals",
             "2", "--fault-rate", "0", "--duration", "1.5", "--interval", "0.3",
             "--enrol-token", "x",
             "--workdir", str(work), "--reuse-workdir", "--prefix", "GONE-"],
            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3
    assert "2 of 2 terminals refused by the server (unknown_terminal: 2)" in proc.stderr
