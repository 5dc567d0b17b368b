"""Item 4: a copy of the fleet database gives nothing to forge with. Terminal secrets are
sealed with a key kept outside the database, there is no session-signing key any more
(sessions are server-side, stored as hashes), and the database files are 0600."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import shutil
import sqlite3
import stat
import time
from pathlib import Path

import requests

from fleet.app import create_app
from fleet.testing import FleetHarness
from kiosk.agent.client import Credentials
from tests.security.conftest import hb_body, post_signed


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_and_key_files_are_owner_only(harness: FleetHarness, cred: Credentials,
                                               tmp_path: Path) -> None:
    for name in ("fleet.db", "fleet.db-wal", "fleet.db-shm", "fleet.key"):
        assert mode(tmp_path / name) == 0o600, name


def test_an_existing_world_readable_store_is_tightened(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    sqlite3.connect(db).close()
    db.chmod(0o644)
    with FleetHarness(f"sqlite:///{db}"):
        assert mode(db) == 0o600


def test_a_database_copy_forges_neither_terminal_nor_operator(
        harness: FleetHarness, cred: Credentials, tmp_path: Path) -> None:
    admin = harness.login("admin")
    admin.get(harness.url + "/api/ops/me", timeout=10).raise_for_status()
    copy = tmp_path / "stolen.db"
    with sqlite3.connect(tmp_path / "fleet.db") as src, sqlite3.connect(copy) as dst:
        src.backup(dst)  # what a backup or a read-only leak contains
    raw = copy.read_bytes()
    assert cred.secret.encode() not in raw
    with sqlite3.connect(copy) as conn:
        stored = conn.execute("SELECT secret FROM terminals WHERE id = ?",
                              (cred.terminal_id,)).fetchone()[0]
        settings = dict(conn.execute("SELECT key, value FROM settings").fetchall())
        session_rows = conn.execute("SELECT token_hash FROM operator_sessions").fetchall()
    assert stored.startswith("enc1:") and cred.secret not in stored
    # whatever the thief tries with the column value, the server refuses it
    for guess in (stored, stored.split(":")[-1]):
        assert post_signed(harness.url, Credentials(cred.terminal_id, guess[:64]),
                           hb_body(0)).status_code == 401
    # the old attack: an admin cookie signed with the key from the settings table
    assert "session_key" not in settings
    payload = base64.urlsafe_b64encode(json.dumps(["admin", "admin", int(time.time()) + 3600])
                                       .encode())
    for key in [b"guess", *[v.encode() for v in settings.values()]]:
        forged = f"{payload.decode()}.{hmac.new(key, payload, hashlib.sha256).hexdigest()}"
        resp = requests.get(harness.url + "/api/ops/me", cookies={"fleet_session": forged},
                            timeout=10)
        assert resp.status_code == 401
    for (token_hash,) in session_rows:  # what is stored is not the cookie
        resp = requests.get(harness.url + "/api/ops/me", cookies={"fleet_session": token_hash},
                            timeout=10)
        assert resp.status_code == 401


def test_secrets_of_an_older_store_are_sealed_on_start(harness: FleetHarness,
                                                       cred: Credentials,
                                                       tmp_path: Path) -> None:
    clear = "a" * 64
    with harness.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE terminals SET secret = ? WHERE id = ?",
                             (clear, cred.terminal_id))
    create_app(harness.config, engine=harness.engine)  # the upgraded server starts
    with harness.engine.connect() as conn:
        stored = str(conn.exec_driver_sql("SELECT secret FROM terminals").scalar())
    assert stored.startswith("enc1:")
    harness.app.state.fleet.secrets.forget(cred.terminal_id)
    assert post_signed(harness.url, Credentials(cred.terminal_id, clear),
                       hb_body(0)).status_code == 200


def test_a_sealed_secret_moved_to_another_row_does_not_open(harness: FleetHarness,
                                                            cred: Credentials) -> None:
    from kiosk.agent.client import enrol

    other = enrol(harness.url, harness.token, "KM-SEC-002")
    with harness.engine.begin() as conn:
        sealed = conn.exec_driver_sql("SELECT secret FROM terminals WHERE id = ?",
                                      (cred.terminal_id,)).scalar()
        conn.exec_driver_sql("UPDATE terminals SET secret = ? WHERE id = ?",
                             (sealed, other.terminal_id))
    harness.app.state.fleet.secrets.forget(other.terminal_id)
    assert post_signed(harness.url, Credentials(other.terminal_id, cred.secret),
                       hb_body(0)).status_code == 401


def test_the_key_can_come_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    import secrets as pysecrets

    from fleet.secretbox import KEY_ENV, load_box

    key = pysecrets.token_hex(32)
    monkeypatch.setenv(KEY_ENV, key)
    box = load_box(db_url=f"sqlite:///{tmp_path}/x.db")
    assert box.source == f"${KEY_ENV}" and not (tmp_path / "fleet.key").exists()
    sealed = box.seal("s3cret", "terminal:KM-1")
    assert box.open(sealed, "terminal:KM-1") == "s3cret"
    shutil.rmtree(tmp_path, ignore_errors=True)
