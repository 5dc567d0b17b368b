"""Terminal telemetry agent against a real fleet server: buffering while the server is down,
draining later, commands run once with results acknowledged, screenshots, privacy."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image

from fleet.testing import FleetHarness
from kiosk.agent import DurableBuffer, FleetClient, TelemetryAgent
from kiosk.agent.client import Credentials, enrol
from kiosk.agent.heartbeat import build_heartbeat


class Terminal:
    """A fake terminal: what the composition root would hand the agent."""

    def __init__(self) -> None:
        self.paper = 80
        self.session_active = False
        self.maintenance = False
        self.calls: list[str] = []

    def snapshot(self) -> dict[str, Any]:
        return {
            "devices": {"printer": {"state": "online", "message": "ok", "paper": "full"},
                        "idcard": {"state": "online", "media": "not_present"}},
            "paper": {"state": "full" if self.paper > 15 else "low", "level": self.paper},
            "screen": "attract", "counters": {"sessions": 1, "journeys": 1, "errors": 0},
            "maintenance": self.maintenance, "session_active": self.session_active,
        }

    def handlers(self) -> dict[str, Any]:
        def maintenance_on(_args: dict[str, Any]) -> dict[str, Any]:
            self.calls.append("maintenance_on")
            self.maintenance = True
            return {"maintenance": True}

        def screenshot(_args: dict[str, Any]) -> dict[str, Any]:
            buf = io.BytesIO()
            Image.new("RGB", (64, 48), "navy").save(buf, "PNG")
            return {"png": buf.getvalue()}

        def broken(_args: dict[str, Any]) -> dict[str, Any]:
            raise RuntimeError("config file missing")

        return {"maintenance_on": maintenance_on, "screenshot": screenshot,
                "reload_config": broken}


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[FleetHarness]:
    with FleetHarness(f"sqlite:///{tmp_path}/fleet.db") as h:
        yield h


def make_agent(url: str, cred: Credentials, term: Terminal, path: Path,
               **kw: Any) -> TelemetryAgent:
    return TelemetryAgent(FleetClient(url, cred, timeout=(1, 5)), term.snapshot,
                          term.handlers(), path, interval=0.05, **kw)


def test_buffers_while_server_down_then_drains(tmp_path: Path) -> None:
    h = FleetHarness(f"sqlite:///{tmp_path}/fleet.db", start=False)  # bound, not listening
    try:
        cred = Credentials("KM-PL-007", "not-yet")
        term = Terminal()
        agent = make_agent(h.url, cred, term, tmp_path / "buf.db", max_backoff_s=0.05)
        for _ in range(3):
            agent.run_once()
            time.sleep(0.06)
        agent.record_usage("GJJ-0001", "started", "公积金")
        assert agent.failures >= 1 and "reach" in agent.last_error
        assert agent.pending == 4
        agent.close()
        # power cut: a new agent on the same buffer file, server now up, real credentials
        h.server.start()
        real = enrol(h.url, h.token, "KM-PL-007")
        agent = make_agent(h.url, real, term, tmp_path / "buf.db")
        agent.run_once()
        assert agent.pending == 0 and agent.failures == 0
        detail = h.login().get(h.url + "/api/ops/terminals/KM-PL-007", timeout=10).json()
        assert detail["last_seq"] == 3 and len(detail["history"]) == 4
        usage = h.login().get(h.url + "/api/ops/usage?by=item", timeout=10).json()
        assert usage[0]["item_code"] == "GJJ-0001" and usage[0]["started"] == 1
        agent.close()
    finally:
        h.__exit__(None, None, None)


def test_commands_run_once_and_results_reach_the_audit(harness: FleetHarness,
                                                       tmp_path: Path) -> None:
    cred = enrol(harness.url, harness.token, "KM-CG-001")
    term = Terminal()
    agent = make_agent(harness.url, cred, term, tmp_path / "buf.db")
    agent.run_once()
    ops = harness.login("operator")
    base = harness.url + "/api/ops/terminals/KM-CG-001"
    ids = [ops.post(base + "/commands", json={"kind": k}, timeout=10).json()["id"]
           for k in ("maintenance_on", "screenshot", "reload_config", "refresh_catalog")]
    agent.run_once()
    assert term.calls == ["maintenance_on"]
    cmds = {c["id"]: c for c in ops.get(base, timeout=10).json()["commands"]}
    assert cmds[ids[0]]["status"] == "succeeded"
    assert cmds[ids[1]]["status"] == "succeeded" and "screenshot_id" in cmds[ids[1]]["result"]
    assert cmds[ids[2]]["status"] == "failed" and "config file missing" in cmds[ids[2]]["result"]
    assert cmds[ids[3]]["status"] == "failed" and "unsupported" in cmds[ids[3]]["result"]
    detail = ops.get(base, timeout=10).json()
    assert detail["health"] == "maintenance"
    png = ops.get(f"{harness.url}/api/ops/screenshots/{detail['screenshot']['id']}", timeout=10)
    assert Image.open(io.BytesIO(png.content)).size == (64, 48)
    audit = {r["command_id"]: r["result"] for r in
             ops.get(harness.url + "/api/ops/audit", timeout=10).json() if r["command_id"]}
    assert audit[ids[0]].startswith("succeeded") and audit[ids[2]].startswith("failed")
    agent.close()


def test_screenshot_refused_during_a_citizen_session(harness: FleetHarness,
                                                     tmp_path: Path) -> None:
    cred = enrol(harness.url, harness.token, "KM-XS-002")
    term = Terminal()
    term.session_active = True
    agent = make_agent(harness.url, cred, term, tmp_path / "buf.db")
    ops = harness.login("operator")
    base = harness.url + "/api/ops/terminals/KM-XS-002"
    ops.post(base + "/commands", json={"kind": "screenshot"}, timeout=10)
    agent.run_once()
    agent.run_once()
    (cmd,) = ops.get(base, timeout=10).json()["commands"]
    assert cmd["status"] == "failed" and "session" in cmd["result"]
    assert ops.get(base, timeout=10).json()["screenshot"] is None
    agent.close()


def test_heartbeat_carries_no_personal_data() -> None:
    snap = {"devices": {"idcard": {"state": "online", "name": "张三", "id_number": "530102",
                                   "message": "read 张三", "media": "present",
                                   "note": "x" * 100}},
            "paper": {"state": "low", "level": 250}, "screen": "identify",
            "counters": {"sessions": 3, "errors": -4}, "citizen": {"name": "张三"}}
    hb = build_heartbeat(snap, seq=5, ts=1.5, app_version="1.2", uptime_s=10)
    assert "张三" not in str(hb) and "530102" not in str(hb) and "citizen" not in hb
    assert hb["devices"]["idcard"] == {"state": "online", "status": {"media": "present"},
                                       "model": ""}
    assert hb["paper"] == {"state": "low", "level": 100}
    assert hb["counters"] == {"sessions": 3, "journeys": 0, "errors": 0}


def test_agent_thread_never_blocks_and_survives_a_broken_snapshot(
        harness: FleetHarness, tmp_path: Path) -> None:
    cred = enrol(harness.url, harness.token, "KM-AN-003")
    calls: list[int] = []

    def snapshot() -> dict[str, Any]:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("device layer hiccup")
        return {"screen": "attract"}

    agent = TelemetryAgent(FleetClient(harness.url, cred), snapshot, {}, tmp_path / "b.db",
                           interval=0.05)
    started = time.monotonic()
    agent.start()
    assert time.monotonic() - started < 1.0  # start() returns at once
    deadline = time.monotonic() + 10
    while len(calls) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    agent.stop()
    assert len(calls) >= 4 and not any(t.name == "telemetry-agent" and t.is_alive()
                                       for t in threading.enumerate())
    detail = harness.login().get(harness.url + "/api/ops/terminals/KM-AN-003", timeout=10)
    assert detail.json()["last_seq"] >= 3
    agent.close()


def test_buffer_caps_and_sequence_persist(tmp_path: Path) -> None:
    buf = DurableBuffer(tmp_path / "b.db", caps={"heartbeat": 3})
    for i in range(5):
        buf.put("heartbeat", {"n": i})
    assert [b["n"] for _, b in buf.peek("heartbeat", 10)] == [2, 3, 4]
    assert [buf.next_seq() for _ in range(3)] == [0, 1, 2]
    assert not buf.command_seen(7) and buf.command_seen(7)
    buf.close()
    again = DurableBuffer(tmp_path / "b.db")
    assert again.next_seq() == 3 and again.command_seen(7) and again.count("heartbeat") == 3
    again.close()


def test_backoff_grows_and_is_capped(tmp_path: Path) -> None:
    now = [0.0]
    client = FleetClient("http://127.0.0.1:9", Credentials("T", "s"), timeout=(0.2, 0.2),
                         session=requests.Session())
    agent = TelemetryAgent(client, dict, {}, tmp_path / "b.db", interval=10, max_backoff_s=40,
                           monotonic=lambda: now[0])
    waits = []
    for _ in range(5):
        agent.run_once()  # samples every time, sends only when the backoff allows
        waits.append(agent.link.next_send - now[0])
        now[0] = agent.link.next_send
    assert agent.failures == 5 and agent.pending == 5
    assert 8 <= waits[0] <= 12 and 16 <= waits[1] <= 24 and all(w <= 48 for w in waits)
    agent.close()


def test_factory_and_enrol_cli(harness: FleetHarness, tmp_path: Path) -> None:
    import subprocess
    import sys

    from kiosk.agent.factory import agent_from_config

    assert agent_from_config({}, dict, {}) is None  # no server configured: no agent
    cred_path = tmp_path / "cred.json"
    fleet = {"server": harness.url, "credentials": str(cred_path),
             "buffer": str(tmp_path / "buf.db"), "interval": 5}
    with pytest.raises(ValueError, match="credentials"):
        agent_from_config(fleet, dict, {})  # not enrolled yet
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk", "agent", "enrol", "--server", harness.url, "--token",
         harness.token, "--terminal-id", "KM-SM-010", "--district", "嵩明县",
         "--credentials", str(cred_path)], cwd=root, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    agent = agent_from_config(fleet, lambda: {"screen": "attract"}, {}, app_version="2.0")
    assert agent is not None and agent.interval == 5
    agent.run_once()
    detail = harness.login().get(harness.url + "/api/ops/terminals/KM-SM-010", timeout=10).json()
    assert detail["app_version"] == "2.0" and detail["district"] == "嵩明县"
    agent.close()
