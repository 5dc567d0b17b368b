"""The dashboard pages of the operator's day (fleet/web/operations.js, paper.js,
terminal_page.js): every script and style the page names is served, nothing inline that the
CSP would block, and the push names maintenance-window changes so their page updates."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from fleet.maintenance_windows import add_window, end_window
from fleet.push import PushHub
from fleet.testing import FleetHarness, fresh_engine

WEB = Path(__file__).resolve().parents[2] / "fleet" / "web"
OURS = ("operations.js", "paper.js", "terminal_page.js")


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[FleetHarness]:
    with FleetHarness(f"sqlite:///{tmp_path}/fleet.db") as h:
        yield h


def test_every_asset_the_page_names_is_served(harness: FleetHarness) -> None:
    html = (WEB / "index.html").read_text(encoding="utf-8")
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert {f"/static/{n}" for n in (*OURS, "operations.css")} <= set(assets)
    for path in assets:
        resp = requests.get(harness.url + path, timeout=10)
        assert resp.status_code == 200, path
        kind = "text/css" if path.endswith(".css") else "text/javascript"
        assert resp.headers["content-type"].startswith(kind), path


def test_nothing_inline_a_strict_csp_would_block() -> None:
    html = (WEB / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert re.search(r"\sstyle=", html) is None
    assert re.search(r"\son[a-z]+=", html) is None
    for name in OURS:
        js = (WEB / name).read_text(encoding="utf-8")
        assert "innerHTML" not in js and "eval(" not in js, name
        assert re.search(r"""["']?style["']?\s*:""", js) is None, name  # el(…, {style: …})
        assert ".style." not in js and 'setAttribute("style"' not in js, name


def test_push_names_maintenance_window_changes(tmp_path: Path) -> None:
    engine = fresh_engine(f"sqlite:///{tmp_path}/fleet.db")
    hub = PushHub(engine, offline_after=90.0)
    now = time.time()
    assert hub.scan(now) == []  # the first look only remembers
    with engine.begin() as conn:
        window = add_window(conn, "district", "五华区", now, now + 600, "printer swap", "op")
    assert any(b"event: changed" in e and b'"windows"' in e for e in hub.scan(now))
    assert hub.scan(now) == []
    with engine.begin() as conn:
        assert end_window(conn, window, now + 60)
    assert any(b'"windows"' in e for e in hub.scan(now + 60))
    engine.dispose()


class _Request:
    async def is_disconnected(self) -> bool:
        return False


def test_a_change_right_after_hello_is_pushed(tmp_path: Path) -> None:
    """The first dashboard's hello comes after the hub's first look: a change made while the
    page loads is pushed (it used to be swallowed by the watcher's first look)."""
    engine = fresh_engine(f"sqlite:///{tmp_path}/fleet.db")
    hub = PushHub(engine, offline_after=90.0)

    async def connect_then_change() -> list[bytes]:
        stream = hub.stream(_Request())  # type: ignore[arg-type]
        hello = await stream.__anext__()
        assert b"event: hello" in hello
        with engine.begin() as conn:  # the page is loading its view meanwhile
            add_window(conn, "fleet", "", time.time(), time.time() + 600, "", "op")
        events = hub.scan()
        await stream.aclose()
        return events

    events = asyncio.run(connect_then_change())
    assert any(b'"windows"' in e for e in events)
    engine.dispose()
