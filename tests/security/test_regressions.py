"""The probes that held before issue 17, kept as regression tests: 401/403 on every operator
route without the right role, no SQL injection, SameSite=Strict JSON-only state changes,
forged and stale heartbeats refused."""

from __future__ import annotations

import json
import re
import time

import pytest
import requests
from starlette.routing import Route

from fleet.protocol import HEARTBEAT_PATH
from fleet.testing import FleetHarness
from kiosk.agent.client import Credentials, enrol
from tests.security.conftest import hb_body, post_signed

OPEN = {"/api/ops/login", "/api/ops/logout"}
#: the least role each operator route needs (routes not listed: at least "viewer")
NEEDS = {
    ("POST", "/api/ops/alerts/{alert_id}/ack"): "operator",
    ("POST", "/api/ops/terminals/{terminal_id}/commands"): "operator",
    ("GET", "/api/ops/audit"): "operator",
    ("GET", "/api/ops/operators"): "admin",
    ("POST", "/api/ops/operators"): "admin",
    ("POST", "/api/ops/enrol-tokens"): "admin",
    ("GET", "/api/ops/enrol-requests"): "admin",
    ("POST", "/api/ops/enrol-requests/{request_id}/approve"): "admin",
    ("POST", "/api/ops/enrol-requests/{request_id}/refuse"): "admin",
}
ROLES = ("viewer", "operator", "admin")


def operator_routes(h: FleetHarness) -> list[tuple[str, str]]:
    out = []
    for route in h.app.routes:
        if isinstance(route, Route) and route.path.startswith("/api/ops/"):
            for method in sorted((route.methods or set()) - {"HEAD"}):
                if route.path not in OPEN:
                    out.append((method, route.path))
    return sorted(set(out))


def concrete(path: str, tid: str) -> str:
    path = path.replace("{terminal_id}", tid)
    return re.sub(r"\{[a-z_]+\}", "1", path)


def call(session: requests.Session, h: FleetHarness, method: str, path: str) -> int:
    if method == "GET":
        resp = session.get(h.url + path, timeout=10, stream=True)
    else:
        resp = session.post(h.url + path, json={}, timeout=10, stream=True)
    resp.close()  # an event stream would never end
    return resp.status_code


def test_every_operator_route_needs_a_session_and_the_right_role(
        harness: FleetHarness, cred: Credentials) -> None:
    routes = operator_routes(harness)
    assert len(routes) >= 15
    anonymous = requests.Session()
    for method, path in routes:
        assert call(anonymous, harness, method, concrete(path, cred.terminal_id)) == 401, path
    sessions = {role: harness.login(role) for role in ROLES}
    for (method, path), needed in NEEDS.items():
        assert (method, path) in routes, path
        for role in ROLES[:ROLES.index(needed)]:
            status = call(sessions[role], harness, method, concrete(path, cred.terminal_id))
            assert status == 403, (role, method, path, status)


def test_state_changes_must_be_json(harness: FleetHarness, cred: Credentials) -> None:
    operator = harness.login("operator")
    url = f"{harness.url}/api/ops/terminals/{cred.terminal_id}/commands"
    for content_type in ("text/plain", "application/x-www-form-urlencoded",
                         "multipart/form-data; boundary=x"):
        resp = operator.post(url, data='{"kind": "restart_app"}', timeout=10,
                             headers={"Content-Type": content_type})
        assert resp.status_code in (415, 422), (content_type, resp.status_code)


PAYLOADS = ["' OR '1'='1", "'; DROP TABLE terminals; --", '" OR ""="', "1 OR 1=1",
            "KM-SEC-001' --", "%' UNION SELECT username, pw_hash FROM operators --",
            "') OR ('a'='a", "\\'; SELECT pg_sleep(5); --"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sql_injection_payloads_change_nothing(harness: FleetHarness, cred: Credentials,
                                               payload: str) -> None:
    admin = harness.login("admin")
    q = requests.utils.quote(payload, safe="")
    probes = [
        f"/api/ops/terminals/{q}", f"/api/ops/alerts?terminal={q}&all=1",
        f"/api/ops/usage?by=item&terminal={q}", f"/api/ops/usage?by=day&day_from={q}",
        f"/api/ops/usage.csv?day_from={q}&day_to={q}", f"/api/ops/usage?by={q}",
    ]
    for path in probes:
        resp = admin.get(harness.url + path, timeout=10)
        assert resp.status_code in (200, 400, 404), (path, resp.status_code)
        assert "pw_hash" not in resp.text and "scrypt$" not in resp.text
    assert requests.post(harness.url + "/api/ops/login", timeout=30, json={
        "username": payload, "password": payload}).status_code in (400, 401, 429)
    resp = requests.post(harness.url + "/api/v1/enrol", timeout=10, json={
        "token": payload, "terminal_id": payload})
    assert resp.status_code in (400, 403)
    overview = admin.get(harness.url + "/api/ops/overview", timeout=10).json()
    assert [row[0] for row in overview["terminals"]] == [cred.terminal_id]


def test_forged_and_stale_heartbeats_are_refused(harness: FleetHarness,
                                                 cred: Credentials) -> None:
    other = enrol(harness.url, harness.token, "KM-SEC-OTHER")
    body = hb_body(0)
    assert post_signed(harness.url, Credentials(cred.terminal_id, other.secret),
                       body).status_code == 401  # another terminal's secret
    assert post_signed(harness.url, Credentials(cred.terminal_id, "0" * 64),
                       body).status_code == 401
    for skew in (-301, 301):
        assert post_signed(harness.url, cred, body,
                           now=time.time() + skew).status_code == 401
    from fleet.protocol import signed_headers

    headers = signed_headers(cred.terminal_id, cred.secret, "POST", HEARTBEAT_PATH, body)
    tampered = body.replace(b'"seq":0', b'"seq":7')
    resp = requests.post(harness.url + HEARTBEAT_PATH, data=tampered, headers=headers,
                         timeout=10)
    assert resp.status_code == 401
    assert post_signed(harness.url, cred, body).status_code == 200
    detail = harness.login().get(f"{harness.url}/api/ops/terminals/{cred.terminal_id}",
                                 timeout=10).json()
    assert detail["last_seq"] == 0 and json.dumps(detail).count("KM-SEC-OTHER") == 0
