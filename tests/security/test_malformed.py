"""Item 7: every malformed input is a 400/401/413 — never a 500. Non-ASCII bytes in the
signature headers and the session cookie, NaN/Infinity, JSON nested 100,000 deep, a ``ts``
of 1e300, 30-digit ids and oversized strings, on the fleet server and the platform
simulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from fleet.protocol import ENROL_PATH, HEARTBEAT_PATH, signed_headers
from fleet.testing import FleetHarness, heartbeat
from kiosk.agent.client import Credentials
from kiosk.platform import signing
from simulator.platform.server import PlatformServer
from tests.security.conftest import post_signed, raw_request, status_of

DEEP = b'{"heartbeats":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
NON_ASCII = "签名".encode() + b"\xff" * 30


def hb(**fields: Any) -> dict[str, Any]:
    return dict(heartbeat(0), **fields)


BAD_HEARTBEAT_BODIES = {
    "deep": DEEP,
    "infinity": b'{"heartbeats":[{"seq":Infinity}]}',
    "nan": b'{"heartbeats":[],"usage":[{"event_id":"e","item_code":"X","kind":"started",'
           b'"ts":NaN}]}',
    "ts_1e300": json.dumps({"heartbeats": [hb(ts=1e300)]}).encode(),
    "seq_1e30": json.dumps({"heartbeats": [hb(seq=10**30)]}).encode(),
    "uptime_1e308": json.dumps({"heartbeats": [hb(uptime_s=1e308)]}).encode(),
    "counter_huge": json.dumps({"heartbeats": [hb(counters={"errors": 10**25})]}).encode(),
    "usage_ts_1e300": json.dumps({"heartbeats": [], "usage": [
        {"event_id": "e1", "item_code": "X", "kind": "started", "ts": 1e300}]}).encode(),
    "result_id_huge": json.dumps({"heartbeats": [], "results": [{"id": 10**30}]}).encode(),
    "event_id_long": json.dumps({"heartbeats": [], "usage": [
        {"event_id": "e" * 5000, "item_code": "X", "kind": "started", "ts": 1.8e9}]}).encode(),
    "big_int_literal": b'{"heartbeats":[{"seq":' + b"9" * 5000 + b"}]}",
    "not_utf8": b'{"heartbeats":["\xff\xfe"]}',
}


@pytest.mark.parametrize("name", sorted(BAD_HEARTBEAT_BODIES))
def test_bad_heartbeat_bodies_are_400(harness: FleetHarness, cred: Credentials,
                                      name: str) -> None:
    resp = post_signed(harness.url, cred, BAD_HEARTBEAT_BODIES[name])
    assert resp.status_code == 400, resp.text


def signed_raw(cred: Credentials, body: bytes, **override: bytes) -> bytes:
    headers = {k: v.encode() for k, v in signed_headers(
        cred.terminal_id, cred.secret, "POST", HEARTBEAT_PATH, body).items()}
    headers.update(override)
    lines = [b"POST " + HEARTBEAT_PATH.encode() + b" HTTP/1.1", b"Host: 127.0.0.1",
             b"Content-Type: application/json", b"Content-Length: " + str(len(body)).encode()]
    lines += [k.encode() + b": " + v for k, v in headers.items()]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


@pytest.mark.parametrize("header,value", [
    ("X-Signature", NON_ASCII), ("X-Signature", b"0" * 5000), ("X-Terminal-Id", NON_ASCII),
    ("X-Terminal-Id", b"K" * 500), ("X-Timestamp", b"1e300"), ("X-Timestamp", b"9" * 400),
    ("X-Timestamp", NON_ASCII), ("X-Nonce", NON_ASCII), ("X-Nonce", b"n" * 5000),
])
def test_bad_signature_headers_are_401(harness: FleetHarness, cred: Credentials, header: str,
                                       value: bytes) -> None:
    answer = raw_request(harness.url, signed_raw(cred, b'{"heartbeats":[]}', **{header: value}))
    assert status_of(answer) == 401, answer[:300]


@pytest.mark.parametrize("cookie", [NON_ASCII, b"x" * 3000, b"a.b.c", b"\"quoted\"",
                                    b"eyJ0ZXN0IjoxfQ.00"])
@pytest.mark.parametrize("path", ["/api/ops/me", "/api/ops/overview"])
def test_bad_session_cookies_are_401(harness: FleetHarness, cookie: bytes, path: str) -> None:
    data = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: fleet_session=".encode()
            + cookie + b"\r\n\r\n")
    assert status_of(raw_request(harness.url, data)) == 401


@pytest.mark.parametrize("body", [
    DEEP, b'{"token": Infinity, "terminal_id": "KM-1"}', b'{"token": ["x"], "terminal_id": 1}',
    json.dumps({"token": "x", "terminal_id": "K" * 5000}).encode(),
    json.dumps({"token": "x" * 5000, "terminal_id": "KM-1"}).encode(),
    json.dumps({"token": "x", "terminal_id": "KM-1", "secret": "é" * 64}).encode(),
    b"[]", b"null", b"\xff\xfe",
])
def test_bad_enrolments_are_4xx(harness: FleetHarness, body: bytes) -> None:
    resp = requests.post(harness.url + ENROL_PATH, data=body, timeout=10,
                         headers={"Content-Type": "application/json"})
    assert 400 <= resp.status_code < 500, resp.text


@pytest.mark.parametrize("body", [
    DEEP, b'{"username": Infinity, "password": "x"}', b'{"username": ["a"], "password": {}}',
    json.dumps({"username": "u" * 5000, "password": "x"}).encode(), b"[1]", b"\xff",
])
def test_bad_logins_are_4xx(harness: FleetHarness, body: bytes) -> None:
    resp = requests.post(harness.url + "/api/ops/login", data=body, timeout=10,
                         headers={"Content-Type": "application/json"})
    assert 400 <= resp.status_code < 500, resp.text


@pytest.mark.parametrize("method,path,payload", [
    ("POST", "/api/ops/alerts/999999999999999999999999999999/ack", {}),
    ("GET", "/api/ops/screenshots/999999999999999999999999999999", None),
    ("GET", "/api/ops/terminals/" + "K" * 3000, None),
    ("GET", "/api/ops/audit?limit=999999999999999999999999", None),
    ("GET", "/api/ops/usage?by=item&day_from=" + "9" * 3000, None),
    ("POST", "/api/ops/terminals/KM-SEC-001/commands", {"kind": "reload_config",
                                                        "args": {"x": [[[[[[1]]]]]]}}),
    ("POST", "/api/ops/enrol-tokens", {"uses": 10**30}),
    ("POST", "/api/ops/enrol-tokens", {"terminal_id": "bad id/../"}),
    ("POST", "/api/ops/enrol-requests/999999999999999999999999999999/approve", {}),
    ("POST", "/api/ops/operators", {"username": "u" * 500, "password": "p" * 10,
                                    "role": "viewer"}),
])
def test_operator_inputs_never_500(harness: FleetHarness, cred: Credentials, method: str,
                                   path: str, payload: dict[str, Any] | None) -> None:
    admin = harness.login("admin")
    resp = admin.request(method, harness.url + path, json=payload, timeout=10)
    assert resp.status_code < 500, (resp.status_code, resp.text[:300])


def test_operator_json_with_infinity_or_depth_is_refused(harness: FleetHarness,
                                                         cred: Credentials) -> None:
    admin = harness.login("admin")
    url = f"{harness.url}/api/ops/terminals/{cred.terminal_id}/commands"
    deep = b'{"kind": "reload_config", "args": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"
    for body in (b'{"kind": "reload_config", "args": {"x": Infinity}}', deep):
        resp = admin.post(url, data=body, headers={"Content-Type": "application/json"},
                          timeout=10)
        assert resp.status_code == 400, resp.text
    listed = admin.get(f"{harness.url}/api/ops/terminals/{cred.terminal_id}", timeout=10)
    assert listed.json()["commands"] == []


# -- the platform simulator --------------------------------------------------------------
@pytest.fixture(scope="module")
def platform() -> Iterator[PlatformServer]:
    with PlatformServer(seed=0) as srv:
        yield srv


def platform_raw(url: str, body: bytes, **override: bytes) -> bytes:
    path = "/v1/evaluations"
    headers = {k: v.encode() for k, v in signing.sign_headers(
        "KM-DEMO-0001", "demo-secret", "POST", path, body).items()}
    headers.update(override)
    lines = [f"POST {path} HTTP/1.1".encode(), b"Host: 127.0.0.1",
             b"Content-Type: application/json", f"Content-Length: {len(body)}".encode()]
    lines += [k.encode() + b": " + v for k, v in headers.items()]
    return raw_request(url, b"\r\n".join(lines) + b"\r\n\r\n" + body)


@pytest.mark.parametrize("header,value", [
    (signing.HEADER_SIGNATURE, NON_ASCII), (signing.HEADER_SIGNATURE, b"0" * 5000),
    (signing.HEADER_TERMINAL, NON_ASCII), (signing.HEADER_TIMESTAMP, b"1e300"),
    (signing.HEADER_TIMESTAMP, b"9" * 5000), (signing.HEADER_NONCE, NON_ASCII),
])
def test_platform_bad_signature_headers_are_401(platform: PlatformServer, header: str,
                                                value: bytes) -> None:
    answer = platform_raw(platform.url, b"{}", **{header: value})
    assert status_of(answer) == 401, answer[:300]


@pytest.mark.parametrize("body", [
    DEEP, b'{"case_no": "x", "score": Infinity}', b'{"score": NaN}',
    b'{"score": ' + b"9" * 5000 + b"}", b"\xff\xfe",
])
def test_platform_bad_json_is_400(platform: PlatformServer, body: bytes) -> None:
    assert status_of(platform_raw(platform.url, body)) == 400
