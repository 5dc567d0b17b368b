"""Catalog cache against the real simulator: full and incremental sync, offline use, CLIs."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.platform import errors
from kiosk.platform.catalog_cache import CatalogCache
from kiosk.platform.client import PlatformClient
from kiosk.platform.search import CatalogSearch
from simulator.platform.server import PlatformServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def server() -> Iterator[PlatformServer]:
    srv = PlatformServer(seed=2)
    srv.start()
    yield srv
    srv.stop()


def _client(url: str) -> PlatformClient:
    return PlatformClient(url, "KM-DEMO-0001", "demo-secret", retries=1, backoff_s=0.01,
                          timeout=(1, 3))


def test_full_then_incremental_sync_and_offline_reads(server: PlatformServer,
                                                      tmp_path: Path) -> None:
    cache = CatalogCache(tmp_path / "catalog.db")
    first = cache.sync(_client(server.url))
    assert first.full and first.changed >= 200 and cache.version == 1
    assert len(cache.items()) == first.changed
    assert len(cache.departments()) >= 12 and len(cache.life_events()) >= 10
    assert cache.sync(_client(server.url)).changed == 0
    server.state.catalog.bump(updates=3, add=2, remove=1)
    delta = cache.sync(_client(server.url))
    assert not delta.full and (delta.changed, delta.removed) == (5, 1) and cache.version == 2
    live = {i["code"] for i in server.state.catalog.changes(None)["items"]}
    assert {i.code for i in cache.items()} == live
    changed = server.state.catalog.changes(1)["items"][0]
    assert cache.get(changed["code"]).popularity == changed["popularity"]  # type: ignore[union-attr]
    server.stop()
    with pytest.raises(errors.NetworkError):
        cache.sync(_client(server.url))
    assert cache.version == 2 and {i.code for i in cache.items()} == live  # kept intact
    hits = CatalogSearch(cache.items()).search("gjj", 5)
    assert hits and all("公积金" in h.name for h in hits)
    cache.close()
    reopened = CatalogCache(tmp_path / "catalog.db")
    assert reopened.version == 2 and len(reopened.items()) == len(live)
    reopened.close()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk", "catalog", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_technician_clis(server: PlatformServer, tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    empty = _cli("search", "社保", "--db", db, "--json")
    assert empty.returncode == 1 and "empty" in empty.stderr and "Traceback" not in empty.stderr
    synced = _cli("sync", "--platform", server.url, "--db", db, "--json")
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["items"] >= 200
    stats = json.loads(_cli("stats", "--json", "--db", db).stdout)
    assert stats["items"] >= 200 and stats["departments"] >= 12
    found = _cli("search", "wfz", "--json", "--db", db)
    rows = json.loads(found.stdout)
    assert rows[0]["name"] == "无犯罪记录证明开具"
    assert {"code", "name", "department"} <= set(rows[0])
    down = _cli("sync", "--platform", "http://127.0.0.1:1", "--db", db)
    assert down.returncode != 0 and down.stderr.count("\n") == 1
    assert "Traceback" not in down.stderr and "kept at version 1" in down.stderr
    wrong = subprocess.run([sys.executable, "-m", "kiosk", "catalog", "sync", "--platform",
                            server.url, "--db", db, "--secret", "bad"], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert wrong.returncode != 0 and "401" in wrong.stderr


def test_simulator_cli_serves_mints_and_stops_on_sigterm(tmp_path: Path) -> None:
    import signal

    import requests
    proc = subprocess.Popen([sys.executable, "-m", "simulator", "platform", "--port", "0",
                             "--state-dir", str(tmp_path / "state")], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert requests.get(url + "/health", timeout=5).json()["ok"]
        minted = requests.post(url + "/_sim/mint", timeout=5).json()
        assert minted["eid"].startswith("EBT1:EID:")
        client = _client(url)
        assert client.identify_qr(minted["eid"]).level == "idcard_face"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    assert (tmp_path / "state" / "platform.sqlite3").exists()
    bad = subprocess.run([sys.executable, "-m", "simulator", "platform", "--mint",
                          "--id-number", "123"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_outbox_cli_status_and_drain(server: PlatformServer, tmp_path: Path) -> None:
    import hashlib

    from kiosk.platform.outbox import Outbox, PlatformSender
    from kiosk.platform.service_client import ServiceClient
    from simulator.platform import idnumber
    db = tmp_path / "outbox.db"
    token = server.state.sessions.create(idnumber.SAMPLE_IDS[2], "王五", "idcard_face").token
    outbox = Outbox(db, PlatformSender(_client(server.url)))
    form = ServiceClient(_client(server.url)).form_document("KM-PSB-009")
    text = form["commitment"]["text"]
    commitment = {"accepted": True, "version": form["commitment"]["version"],
                  "text_sha256": hashlib.sha256(text.encode()).hexdigest()}
    materials = [{"name": m["name"], "via": "photo"} for m in form["materials"]
                 if m.get("required") and not m.get("deferrable")]
    outbox.put("application", {"item_code": "KM-PSB-009", "session_token": token,
                               "form": {"phone": "13800000000"}, "materials": materials,
                               "commitment": commitment}, "cli-key-0001")
    outbox.close()

    def run(*args: str) -> dict:
        done = subprocess.run([sys.executable, "-m", "kiosk", "outbox", *args, "--db", str(db),
                               "--json"], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    status = run("status")
    assert status["counts"] == {"pending": 1} and "form" not in json.dumps(status)
    drained = run("drain", "--platform", server.url)
    assert drained["sent"] == 1 and drained["counts"] == {"sent": 1}
    assert [c["idempotency_key"] for c in server.state.cases.all_cases()] == ["cli-key-0001"]
