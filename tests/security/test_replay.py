"""Item 3: a captured signed request cannot be replayed — not to steal the terminal's queued
commands, not against another server process sharing the store (the nonce is claimed in
the database in the same transaction that hands out commands)."""

from __future__ import annotations

import requests

from fleet.app import create_app
from fleet.db import make_engine
from fleet.protocol import HEARTBEAT_PATH, signed_headers
from fleet.server import ServerThread
from fleet.testing import FleetHarness
from kiosk.agent.client import Credentials, FleetClient
from tests.security.conftest import hb_body


def capture(cred: Credentials, body: bytes) -> dict[str, str]:
    headers = signed_headers(cred.terminal_id, cred.secret, "POST", HEARTBEAT_PATH, body)
    headers["Content-Type"] = "application/json"
    return headers


def test_a_replayed_heartbeat_gets_no_command(harness: FleetHarness, cred: Credentials) -> None:
    body = hb_body(0)
    headers = capture(cred, body)  # seen on the wire
    first = requests.post(harness.url + HEARTBEAT_PATH, data=body, headers=headers, timeout=10)
    assert first.status_code == 200 and first.json()["commands"] == []
    ops = harness.login("operator")
    ops.post(f"{harness.url}/api/ops/terminals/{cred.terminal_id}/commands",
             json={"kind": "maintenance_on"}, timeout=10).raise_for_status()
    replay = requests.post(harness.url + HEARTBEAT_PATH, data=body, headers=headers, timeout=10)
    assert replay.status_code == 401 and "commands" not in replay.json()
    answer = FleetClient(harness.url, cred).heartbeat({"heartbeats": []})
    assert [c["kind"] for c in answer["commands"]] == ["maintenance_on"]


def test_replays_are_refused_across_server_processes(harness: FleetHarness,
                                                     cred: Credentials) -> None:
    other_engine = make_engine(harness.config.db_url)
    other = ServerThread(create_app(harness.config, engine=other_engine)).start()
    try:
        body = hb_body(0)
        headers = capture(cred, body)
        assert requests.post(other.url + HEARTBEAT_PATH, data=body, headers=headers,
                             timeout=10).status_code == 200
        again = requests.post(harness.url + HEARTBEAT_PATH, data=body, headers=headers,
                              timeout=10)
        assert again.status_code == 401
    finally:
        other.stop()
        other_engine.dispose()


def test_concurrent_duplicates_are_accepted_once(harness: FleetHarness,
                                                 cred: Credentials) -> None:
    from concurrent.futures import ThreadPoolExecutor

    ops = harness.login("operator")
    ops.post(f"{harness.url}/api/ops/terminals/{cred.terminal_id}/commands",
             json={"kind": "restart_app"}, timeout=10).raise_for_status()
    body = hb_body(0)
    headers = capture(cred, body)

    def send(_i: int) -> requests.Response:
        return requests.post(harness.url + HEARTBEAT_PATH, data=body, headers=headers,
                             timeout=10)

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(send, range(16)))
    assert sorted(a.status_code for a in answers) == [200] + [401] * 15
    handed = [c for a in answers if a.ok for c in a.json()["commands"]]
    assert [c["kind"] for c in handed] == ["restart_app"]
