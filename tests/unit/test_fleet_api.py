"""Fleet HTTP API on a real server (SQLite): terminal authentication, validation, operator
roles, metrics, CSV, and the ``python -m fleet`` command line."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from fleet.protocol import HEARTBEAT_PATH, signed_headers
from fleet.testing import FleetHarness, heartbeat, pg_schema
from kiosk.agent.client import Credentials, FleetClient, FleetRejected, enrol

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[FleetHarness]:
    with FleetHarness(f"sqlite:///{tmp_path}/fleet.db") as h:
        yield h


@pytest.fixture
def cred(harness: FleetHarness) -> Credentials:
    return enrol(harness.url, harness.token, "KM-WH-001", name="五华区政务中心", district="五华区")


def post_signed(url: str, tid: str, secret: str, body: bytes, **kw: Any) -> requests.Response:
    headers = signed_headers(tid, secret, "POST", HEARTBEAT_PATH, body, **kw)
    headers["Content-Type"] = "application/json"
    return requests.post(url + HEARTBEAT_PATH, data=body, headers=headers, timeout=10)


def test_signed_heartbeat_accepted(harness: FleetHarness, cred: Credentials) -> None:
    answer = FleetClient(harness.url, cred).heartbeat({"heartbeats": [heartbeat(0)]})
    assert answer == {"accepted": 1, "commands": [], "interval": 30.0}


def test_unknown_terminal_and_bad_signatures_are_rejected(
        harness: FleetHarness, cred: Credentials) -> None:
    body = json.dumps({"heartbeats": [heartbeat(0)]}).encode()
    assert post_signed(harness.url, "KM-NOBODY", cred.secret, body).status_code == 401
    assert post_signed(harness.url, cred.terminal_id, "0" * 64, body).status_code == 401
    headers = signed_headers(cred.terminal_id, cred.secret, "POST", HEARTBEAT_PATH, body)
    tampered = body.replace(b'"seq": 0', b'"seq": 9')
    resp = requests.post(harness.url + HEARTBEAT_PATH, data=tampered, headers=headers, timeout=10)
    assert resp.status_code == 401
    old = post_signed(harness.url, cred.terminal_id, cred.secret, body, now=1_000_000_000)
    assert old.status_code == 401 and "window" in old.json()["error"]
    resp = requests.post(harness.url + HEARTBEAT_PATH, data=body, timeout=10)  # unsigned
    assert resp.status_code == 401
    metrics = harness.metrics()
    assert 'fleet_requests_rejected_total{reason="bad_signature"} 3.0' in metrics
    assert 'fleet_requests_rejected_total{reason="unknown_terminal"} 2.0' in metrics


@pytest.mark.parametrize("payload", [
    b"not json", b"[]", b'{"heartbeats": {}}',
    json.dumps({"heartbeats": [dict(heartbeat(0), citizen_name="张三")]}).encode(),
    json.dumps({"heartbeats": [dict(heartbeat(0), paper={"state": "soggy"})]}).encode(),
    json.dumps({"heartbeats": [dict(heartbeat(0), seq=-1)]}).encode(),
    json.dumps({"heartbeats": [heartbeat(0)], "usage": [{"item_code": "X"}]}).encode(),
])
def test_malformed_bodies_get_400(harness: FleetHarness, cred: Credentials,
                                  payload: bytes) -> None:
    resp = post_signed(harness.url, cred.terminal_id, cred.secret, payload)
    assert resp.status_code == 400 and resp.json()["error"]


def test_enrolment_refused_with_bad_token(harness: FleetHarness) -> None:
    with pytest.raises(FleetRejected) as info:
        enrol(harness.url, "guessed", "KM-X")
    assert info.value.status == 403


def test_roles(harness: FleetHarness, cred: Credentials) -> None:
    anonymous = requests.get(harness.url + "/api/ops/overview", timeout=10)
    assert anonymous.status_code == 401
    bad = requests.post(harness.url + "/api/ops/login", timeout=10,
                        json={"username": "admin", "password": "nope"})
    assert bad.status_code == 401
    viewer = harness.login("viewer")
    overview = viewer.get(harness.url + "/api/ops/overview", timeout=10).json()
    assert [row[0] for row in overview["terminals"]] == [cred.terminal_id]
    url = f"{harness.url}/api/ops/terminals/{cred.terminal_id}/commands"
    assert viewer.post(url, json={"kind": "restart_app"}, timeout=10).status_code == 403
    assert viewer.get(harness.url + "/api/ops/audit", timeout=10).status_code == 403
    operator = harness.login("operator")
    form = operator.post(url, data={"kind": "restart_app"}, timeout=10)  # not JSON: refused
    assert form.status_code in (415, 422)
    sent = operator.post(url, json={"kind": "restart_app"}, timeout=10)
    assert sent.status_code == 200 and sent.json()["status"] == "pending"
    assert operator.post(url, json={"kind": "rm -rf"}, timeout=10).status_code == 400
    assert operator.get(harness.url + "/api/ops/operators", timeout=10).status_code == 403
    admin = harness.login("admin")
    made = admin.post(harness.url + "/api/ops/operators", timeout=10,
                      json={"username": "zhao", "password": "zhao-password", "role": "viewer"})
    assert made.status_code == 200
    token = admin.post(harness.url + "/api/ops/enrol-tokens", json={"uses": 1}, timeout=10)
    assert enrol(harness.url, token.json()["token"], "KM-NEW").secret
    actions = [r["action"] for r in admin.get(harness.url + "/api/ops/audit", timeout=10).json()]
    assert {"command.restart_app", "operator.create", "enrol_token.create", "login"} <= set(
        actions)
    answer = FleetClient(harness.url, cred).heartbeat({"heartbeats": [heartbeat(0)]})
    assert [c["kind"] for c in answer["commands"]] == ["restart_app"]


def test_metrics_and_csv(harness: FleetHarness, cred: Credentials) -> None:
    client = FleetClient(harness.url, cred)
    usage = [{"event_id": "u1", "item_code": "GJJ-0001", "item_name": "住房公积金缴存证明",
              "kind": "started", "ts": 1_800_000_000}]
    client.heartbeat({"heartbeats": [heartbeat(0, paper={"state": "out", "level": 0})],
                      "usage": usage})
    text = harness.metrics()
    assert 'fleet_terminals{state="fault"} 1.0' in text
    assert 'fleet_terminals{state="ok"} 0.0' in text
    assert 'fleet_alerts_open{kind="paper_out"} 1.0' in text
    assert "fleet_heartbeats_accepted_total 1.0" in text
    viewer = harness.login("viewer")
    resp = viewer.get(harness.url + "/api/ops/usage.csv", timeout=10)
    assert resp.headers["content-type"].startswith("text/csv")
    lines = resp.content.decode("utf-8-sig").splitlines()
    assert lines == ["day,terminal_id,item_code,item_name,started,completed,abandoned",
                     f"2027-01-15,{cred.terminal_id},GJJ-0001,住房公积金缴存证明,1,0,0"]


def test_dashboard_assets_are_local(harness: FleetHarness) -> None:
    page = requests.get(harness.url + "/", timeout=10).text
    assert "http://" not in page and "https://" not in page
    svg = requests.get(harness.url + "/static/map.svg", timeout=10).text
    assert svg.count('class="district"') == 14 and "滇池" in svg
    for name in ("app.js", "views.js", "style.css", "login.js"):
        body = requests.get(f"{harness.url}/static/{name}", timeout=10).text
        assert "https://" not in body
    assert requests.get(harness.url + "/static/../db.py", timeout=10).status_code == 404


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fleet", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=60)


def test_cli_admin_commands(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/cli.db"
    token = run_cli("token", "create", "--uses", "2", "--db", db)  # --db after the command
    assert token.returncode == 0 and len(token.stdout.strip()) > 10
    out = run_cli("--db", db, "operator", "list")
    assert out.returncode == 0 and out.stdout == ""
    from fleet.db import make_engine
    from fleet.terminals import enrol as store_enrol

    engine = make_engine(db)  # the printed token is valid in that store
    assert store_enrol(engine, token.stdout.strip(), "KM-CLI-1")
    engine.dispose()
    bad = run_cli("--db", "postgresql+psycopg://x:y@127.0.0.1:1/none", "operator", "list")
    assert bad.returncode == 1
    assert bad.stderr.startswith("fleet: ") and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


@pytest.mark.postgres
def test_server_on_postgresql(tmp_path: Path) -> None:
    import os

    url = os.environ.get("FLEET_PG_URL")
    if not url:
        pytest.skip("FLEET_PG_URL not set (scripts/postgres start)")
    with pg_schema(url) as isolated, FleetHarness(isolated) as h:
        cred = enrol(h.url, h.token, "KM-PG-001", district="晋宁区")
        client = FleetClient(h.url, cred)
        assert client.heartbeat({"heartbeats": [heartbeat(0), heartbeat(1)]})["accepted"] == 2
        ops = h.login("operator")
        base = h.url + "/api/ops/terminals/KM-PG-001"
        cid = ops.post(base + "/commands", json={"kind": "refresh_catalog"}, timeout=10).json()
        (cmd,) = client.heartbeat({"heartbeats": [heartbeat(2)]})["commands"]
        assert cmd["id"] == cid["id"]
        client.heartbeat({"heartbeats": [], "results": [{"id": cmd["id"], "ok": True,
                                                         "result": {"items": 169}}]})
        detail = ops.get(base, timeout=10).json()
        assert detail["last_seq"] == 2 and detail["commands"][0]["status"] == "succeeded"
        assert 'fleet_terminals{state="ok"} 1.0' in h.metrics()
