"""Items 5 and 6: sessions live on the server, so logout, a password change, a replaced or
disabled account end them at once; login is throttled per user and per address, costs the
same for unknown users, and a login flood does not starve the terminals."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

from fleet.testing import PASSWORDS, FleetHarness
from tests.security.conftest import hb_body, post_signed

ROOT = Path(__file__).resolve().parents[2]


def me(h: FleetHarness, session: requests.Session) -> int:
    return session.get(h.url + "/api/ops/me", timeout=10).status_code


def copy_of(h: FleetHarness, session: requests.Session) -> requests.Session:
    """Another client holding the same cookie (a stolen or second tab's copy)."""
    other = requests.Session()
    other.cookies.set("fleet_session", session.cookies["fleet_session"])
    return other


def login(h: FleetHarness, user: str, password: str) -> requests.Response:
    return requests.post(h.url + "/api/ops/login", json={"username": user, "password": password},
                         timeout=30)


def test_logout_ends_the_session_at_once(harness: FleetHarness) -> None:
    session = harness.login("operator")
    stolen = copy_of(harness, session)
    assert me(harness, stolen) == 200
    session.post(harness.url + "/api/ops/logout", json={}, timeout=10).raise_for_status()
    assert me(harness, stolen) == 401 and me(harness, session) == 401


def test_a_password_change_ends_every_other_session(harness: FleetHarness) -> None:
    first, second = harness.login("viewer"), harness.login("viewer")
    stolen = copy_of(harness, first)
    changed = first.post(harness.url + "/api/ops/password", timeout=30, json={
        "old_password": PASSWORDS["viewer"], "new_password": "a-new-long-password"})
    assert changed.status_code == 200
    assert me(harness, stolen) == 401 and me(harness, second) == 401
    assert me(harness, first) == 200  # the browser that changed it got a fresh session
    assert login(harness, "viewer", PASSWORDS["viewer"]).status_code == 401
    assert login(harness, "viewer", "a-new-long-password").status_code == 200
    wrong = first.post(harness.url + "/api/ops/password", timeout=30, json={
        "old_password": "not-it", "new_password": "another-long-one"})
    assert wrong.status_code == 403


def test_replacing_or_disabling_an_account_ends_its_sessions(harness: FleetHarness) -> None:
    session = harness.login("operator")
    env = dict(os.environ, FLEET_PASSWORD="replaced-password", PYTHONPATH=str(ROOT))
    db = harness.config.db_url or ""
    subprocess.run([sys.executable, "-m", "fleet", "--db", db, "operator", "add", "operator",
                    "--role", "operator"], cwd=ROOT, env=env, check=True, timeout=60,
                   capture_output=True)
    assert me(harness, session) == 401
    admin = harness.login("admin")
    subprocess.run([sys.executable, "-m", "fleet", "--db", db, "operator", "disable", "admin"],
                   cwd=ROOT, env=env, check=True, timeout=60, capture_output=True)
    assert me(harness, admin) == 401


def test_login_is_throttled_per_user(harness: FleetHarness) -> None:
    for _ in range(5):
        assert login(harness, "viewer", "wrong-password").status_code == 401
    locked = login(harness, "viewer", PASSWORDS["viewer"])  # even the right password
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert login(harness, "admin", PASSWORDS["admin"]).status_code == 200  # others unaffected


def test_login_is_throttled_per_address(harness: FleetHarness) -> None:
    statuses = [login(harness, f"nobody-{i}", "wrong-password").status_code for i in range(22)]
    assert statuses[:20] == [401] * 20 and set(statuses[20:]) == {429}
    assert login(harness, "admin", PASSWORDS["admin"]).status_code == 429


def test_unknown_users_cost_the_same_as_real_ones(harness: FleetHarness) -> None:
    def timed(user: str) -> float:
        start = time.perf_counter()
        assert login(harness, user, "wrong-password").status_code == 401
        return time.perf_counter() - start

    real = [timed("operator") for _ in range(4)]  # under the 5-failure limit per user
    ghost = [timed(f"ghost-{i}") for i in range(4)]
    ratio = statistics.median(ghost) / statistics.median(real)
    assert 0.6 < ratio < 1.6, (real, ghost)


def test_session_cookie_flags(harness: FleetHarness) -> None:
    resp = login(harness, "viewer", PASSWORDS["viewer"])
    cookie = resp.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie


def test_heartbeats_stay_fast_during_a_login_flood(harness: FleetHarness) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from kiosk.agent.client import enrol

    cred = enrol(harness.url, harness.token, "KM-SEC-FLOOD")
    seq = [0]

    def beat() -> float:
        seq[0] += 1
        start = time.perf_counter()
        assert post_signed(harness.url, cred, hb_body(seq[0])).status_code == 200
        return time.perf_counter() - start

    quiet = sorted(beat() for _ in range(40))
    stop = time.monotonic() + 4.0

    def flood(i: int) -> int:
        n = 0
        while time.monotonic() < stop:
            login(harness, "admin" if i % 2 else f"x{i}", "wrong-password")
            n += 1
        return n

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(flood, i) for i in range(8)]
        time.sleep(0.5)
        loud = sorted(beat() for _ in range(40))
        sum(f.result() for f in futures)
    p95_quiet, p95_loud = quiet[37], loud[37]
    assert p95_loud <= max(2 * p95_quiet, p95_quiet + 0.05), (p95_quiet, p95_loud)
