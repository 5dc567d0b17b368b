"""The security items that live in the store, on PostgreSQL too: nonces claimed across
server processes, id binding and approval, server-side sessions, throttling counters, and
out-of-range values answered 400 (PostgreSQL refuses them where SQLite overflows)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
import requests

from fleet.app import create_app
from fleet.context import FleetConfig
from fleet.db import make_engine
from fleet.protocol import ENROL_PATH, HEARTBEAT_PATH, signed_headers
from fleet.server import ServerThread
from fleet.testing import FleetHarness, pg_schema
from kiosk.agent.client import Credentials, enrol
from tests.security.conftest import hb_body, post_signed

PG_URL = os.environ.get("FLEET_PG_URL")
pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="FLEET_PG_URL not set (scripts/postgres)")]


@pytest.fixture
def pg(tmp_path) -> Iterator[FleetHarness]:  # type: ignore[no-untyped-def]
    assert PG_URL
    with pg_schema(PG_URL) as url:
        config = FleetConfig(db_url=url, key_file=str(tmp_path / "fleet.key"))
        with FleetHarness(url, config) as h:
            yield h


def test_store_backed_defences_on_postgres(pg: FleetHarness) -> None:
    cred = enrol(pg.url, pg.token, "KM-PG-SEC")
    # replay refused by a second server process on the same database
    other_engine = make_engine(pg.config.db_url)
    other = ServerThread(create_app(pg.config, engine=other_engine)).start()
    try:
        body = hb_body(0)
        headers = signed_headers(cred.terminal_id, cred.secret, "POST", HEARTBEAT_PATH, body)
        headers["Content-Type"] = "application/json"
        assert requests.post(other.url + HEARTBEAT_PATH, data=body, headers=headers,
                             timeout=10).status_code == 200
        assert requests.post(pg.url + HEARTBEAT_PATH, data=body, headers=headers,
                             timeout=10).status_code == 401
    finally:
        other.stop()
        other_engine.dispose()
    # an id is bound once; approval switches the secret
    proposed = secrets.token_hex(32)
    parked = requests.post(pg.url + ENROL_PATH, timeout=10, json={
        "token": pg.token, "terminal_id": cred.terminal_id, "secret": proposed})
    assert parked.status_code == 202
    admin = pg.login("admin")
    rid = parked.json()["request_id"]
    assert admin.post(f"{pg.url}/api/ops/enrol-requests/{rid}/approve", json={},
                      timeout=10).status_code == 200
    assert post_signed(pg.url, cred, hb_body(1)).status_code == 401
    assert post_signed(pg.url, Credentials(cred.terminal_id, proposed),
                       hb_body(1)).status_code == 200
    # out-of-range ids: 400, not a DataError 500
    for path in ("/api/ops/alerts/99999999999999999999/ack",
                 "/api/ops/enrol-requests/9223372036854775808/approve"):
        assert admin.post(pg.url + path, json={}, timeout=10).status_code in (400, 404)
    assert admin.get(pg.url + "/api/ops/screenshots/99999999999999999999",
                     timeout=10).status_code == 400
    # sessions end at logout; failures are counted in the store
    stolen = requests.Session()
    stolen.cookies.set("fleet_session", admin.cookies["fleet_session"])
    admin.post(pg.url + "/api/ops/logout", json={}, timeout=10)
    assert stolen.get(pg.url + "/api/ops/me", timeout=10).status_code == 401
    for _ in range(5):
        requests.post(pg.url + "/api/ops/login", timeout=30,
                      json={"username": "viewer", "password": "wrong"})
    assert requests.post(pg.url + "/api/ops/login", timeout=30, json={
        "username": "viewer", "password": "viewer-password"}).status_code == 429
