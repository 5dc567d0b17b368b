"""Item 1: enrolment binds a terminal id once. Re-enrolling a live id never replaces its
secret without an operator's approval or a single-use token issued for that id; tokens are
single-use by default, expire, are stored hashed, and every step is audited."""

from __future__ import annotations

import secrets
import sqlite3
from pathlib import Path

import requests

from fleet.app import create_app
from fleet.context import FleetConfig
from fleet.protocol import ENROL_PATH
from fleet.testing import FleetHarness
from kiosk.agent.client import Credentials, FleetClient, FleetRejected
from tests.security.conftest import hb_body, post_signed


def enrol_raw(h: FleetHarness, token: str, tid: str,
              secret: str | None = None) -> requests.Response:
    body = {"token": token, "terminal_id": tid, "district": "五华区"}
    if secret is not None:
        body["secret"] = secret
    return requests.post(h.url + ENROL_PATH, json=body, timeout=10)


def actions(h: FleetHarness) -> list[str]:
    return [r["action"] for r in h.login("admin").get(h.url + "/api/ops/audit",
                                                       timeout=10).json()]


def test_a_live_id_is_not_taken_over_with_an_ordinary_token(harness: FleetHarness,
                                                            cred: Credentials) -> None:
    ops = harness.login("operator")
    ops.post(f"{harness.url}/api/ops/terminals/{cred.terminal_id}/commands",
             json={"kind": "restart_app"}, timeout=10).raise_for_status()
    attacker_secret = secrets.token_hex(32)
    taken = enrol_raw(harness, harness.token, cred.terminal_id, attacker_secret)
    assert taken.status_code == 202, taken.text  # parked for an operator, not enrolled
    assert taken.json()["status"] == "pending" and "secret" not in taken.json()
    legacy = enrol_raw(harness, harness.token, cred.terminal_id)  # no proposed secret
    assert legacy.status_code == 409 and "secret" not in legacy.json()
    # the real terminal keeps working and receives its command; the attacker gets nothing
    answer = FleetClient(harness.url, cred).heartbeat({"heartbeats": []})
    assert [c["kind"] for c in answer["commands"]] == ["restart_app"]
    forged = post_signed(harness.url, Credentials(cred.terminal_id, attacker_secret), hb_body(1))
    assert forged.status_code == 401
    assert {"terminal.reenrol_requested", "terminal.reenrol"} <= set(actions(harness))


def test_reenrolment_waits_for_approval_and_is_audited(harness: FleetHarness,
                                                       cred: Credentials) -> None:
    new_secret = secrets.token_hex(32)
    request_id = enrol_raw(harness, harness.token, cred.terminal_id, new_secret).json()[
        "request_id"]
    base = f"{harness.url}/api/ops/enrol-requests"
    for role in ("viewer", "operator"):
        session = harness.login(role)
        assert session.get(base, timeout=10).status_code == 403
        assert session.post(f"{base}/{request_id}/approve", json={},
                            timeout=10).status_code == 403
    admin = harness.login("admin")
    listed = admin.get(base, timeout=10).json()
    assert [(r["id"], r["terminal_id"], r["status"]) for r in listed] == [
        (request_id, cred.terminal_id, "pending")]
    assert all("secret" not in r for r in listed)
    assert post_signed(harness.url, cred, hb_body(0)).status_code == 200  # still the old one
    approved = admin.post(f"{base}/{request_id}/approve", json={}, timeout=10)
    assert approved.status_code == 200
    assert post_signed(harness.url, cred, hb_body(1)).status_code == 401
    replacement = Credentials(cred.terminal_id, new_secret)
    assert post_signed(harness.url, replacement, hb_body(2)).status_code == 200
    assert admin.post(f"{base}/{request_id}/approve", json={}, timeout=10).status_code == 404
    # a refused request keeps the live secret
    other = enrol_raw(harness, harness.token, cred.terminal_id, secrets.token_hex(32))
    refused = admin.post(f"{base}/{other.json()['request_id']}/refuse", json={}, timeout=10)
    assert refused.status_code == 200
    assert post_signed(harness.url, replacement, hb_body(3)).status_code == 200
    assert {"terminal.reenrol_approve", "terminal.reenrol_refuse"} <= set(actions(harness))


def test_a_token_issued_for_an_id_reenrols_that_id_once(harness: FleetHarness,
                                                       cred: Credentials) -> None:
    admin = harness.login("admin")
    token = admin.post(harness.url + "/api/ops/enrol-tokens",
                       json={"terminal_id": cred.terminal_id}, timeout=10).json()["token"]
    assert enrol_raw(harness, token, "KM-SEC-OTHER", secrets.token_hex(32)).status_code == 403
    fresh = secrets.token_hex(32)
    assert enrol_raw(harness, token, cred.terminal_id, fresh).status_code == 200
    assert post_signed(harness.url, Credentials(cred.terminal_id, fresh),
                       hb_body(0)).status_code == 200
    assert post_signed(harness.url, cred, hb_body(1)).status_code == 401
    assert enrol_raw(harness, token, cred.terminal_id, secrets.token_hex(32)).status_code == 403


def test_tokens_are_single_use_expiring_and_stored_hashed(harness: FleetHarness,
                                                         tmp_path: Path) -> None:
    admin = harness.login("admin")
    token = admin.post(harness.url + "/api/ops/enrol-tokens", json={},
                       timeout=10).json()["token"]
    assert enrol_raw(harness, token, "KM-SEC-A", secrets.token_hex(32)).status_code == 200
    assert enrol_raw(harness, token, "KM-SEC-B", secrets.token_hex(32)).status_code == 403
    db = (tmp_path / "fleet.db").read_bytes() + (tmp_path / "fleet.db-wal").read_bytes()
    assert token.encode() not in db and harness.token.encode() not in db
    with sqlite3.connect(tmp_path / "fleet.db") as conn:
        expiries = [r[0] for r in conn.execute("SELECT expires_at FROM enrol_tokens "
                                               "WHERE uses_left IS NOT NULL")]
    assert expiries and all(e is not None for e in expiries)


def test_server_enrol_token_is_limited_and_not_rearmed_by_a_restart(tmp_path: Path) -> None:
    config = FleetConfig(db_url=f"sqlite:///{tmp_path}/fleet.db", enrol_token="ebt1_fixed_demo")
    with FleetHarness(config.db_url or "", config) as h:
        assert enrol_raw(h, "ebt1_fixed_demo", "KM-SEC-1", secrets.token_hex(32)).ok
        assert enrol_raw(h, "ebt1_fixed_demo", "KM-SEC-2",
                         secrets.token_hex(32)).status_code == 403
        create_app(config, engine=h.engine)  # a restart of the server
        assert enrol_raw(h, "ebt1_fixed_demo", "KM-SEC-3",
                         secrets.token_hex(32)).status_code == 403


def test_tokens_never_look_like_a_command_line_option(harness: FleetHarness) -> None:
    admin = harness.login("admin")
    tokens = [admin.post(harness.url + "/api/ops/enrol-tokens", json={"uses": 1},
                         timeout=10).json()["token"] for _ in range(100)]
    assert not [t for t in tokens if t.startswith("-")]


def test_the_agent_reports_a_pending_reenrolment(harness: FleetHarness,
                                                 cred: Credentials) -> None:
    from kiosk.agent.client import EnrolmentPending, enrol

    try:
        enrol(harness.url, harness.token, cred.terminal_id)
    except EnrolmentPending as pending:
        assert pending.credentials.terminal_id == cred.terminal_id and pending.request_id
    else:
        raise AssertionError("re-enrolment of a live id was not parked")
    try:
        enrol(harness.url, "ebt1_not-a-token", "KM-SEC-NEW")
    except FleetRejected as exc:
        assert exc.status == 403
