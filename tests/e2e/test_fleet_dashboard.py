"""Fleet dashboard end to end in headless Chromium (Debian's chromium, via Playwright):
log in, see a terminal go offline, acknowledge its alert, send a command, see its result —
every update pushed by the server (server-sent events), never a reload or a poll."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from fleet.alerting import AlertingConfig
from fleet.context import FleetConfig
from fleet.db import screenshots
from fleet.paper_rounds import import_locations, set_depot
from fleet.rules import RuleConfig
from fleet.testing import PASSWORDS, FleetHarness
from kiosk.agent import FleetClient, TelemetryAgent
from kiosk.agent.client import Credentials, enrol

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TID = "KM-GD-E2E"
# records the moment the terminal's row first shows offline (a later "changed" event may
# still refetch the overview: only fetches begun before that moment would mean a poll)
WATCH_OFFLINE = """(tid) => {
  window.__watchFrom = performance.now();
  window.__offlineAt = null;
  const body = document.querySelector("#terminal-table tbody");
  new MutationObserver(() => {
    const cell = body.querySelector(`tr[data-terminal="${tid}"] .health`);
    if (window.__offlineAt === null && cell && cell.textContent.includes("离线")) {
      window.__offlineAt = performance.now();
    }
  }).observe(body, { subtree: true, childList: true, characterData: true });
}"""
OVERVIEW_FETCHES_BEFORE_OFFLINE = """performance.getEntriesByType("resource").filter((e) =>
  e.name.includes("/api/ops/overview") && e.startTime >= window.__watchFrom
  && e.startTime <= window.__offlineAt).length"""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("chromium") is None and not Path(CHROMIUM).exists(),
                       reason="Debian's chromium package is not installed"),
]


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[FleetHarness]:
    config = FleetConfig(db_url=f"sqlite:///{tmp_path}/fleet.db", sweep_interval_s=0.2,
                         rules=RuleConfig(offline_after_s=2.5))
    with FleetHarness(config.db_url or "", config) as h:
        yield h


def snapshot() -> dict[str, Any]:
    return {"devices": {"printer": {"state": "online", "paper": "full"}},
            "paper": {"state": "full", "level": 70}, "screen": "attract",
            "counters": {"sessions": 2, "journeys": 2, "errors": 0}}


def new_agent(h: FleetHarness, cred: Credentials, tmp_path: Path) -> TelemetryAgent:
    return TelemetryAgent(FleetClient(h.url, cred), snapshot,
                          {"reload_config": lambda _a: {"reloaded": True}},
                          tmp_path / "agent.db", interval=0.3)


def test_operator_flow(harness: FleetHarness, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    cred = enrol(harness.url, harness.token, TID, name="官渡区自助终端", district="官渡区")
    agent = new_agent(harness, cred, tmp_path)
    agent.start()
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.set_default_timeout(15_000)
            page.goto(harness.url + "/")
            expect(page).to_have_url(harness.url + "/login")
            page.fill("#username", "operator")
            page.fill("#password", "wrong-password")
            page.click("#login-button")
            expect(page.locator("#login-error")).to_contain_text("wrong")
            page.fill("#password", PASSWORDS["operator"])
            page.click("#login-button")
            page.wait_for_url(harness.url + "/")
            page.goto(harness.url + "/#/")
            expect(page.locator("body")).to_have_attribute("data-push", "live")
            page.evaluate("window.__sameDocument = true")  # gone if the page reloads

            row = page.locator(f'#terminal-table tr[data-terminal="{TID}"]')
            expect(row.locator(".health")).to_contain_text("正常 OK")
            expect(page.locator(f'#map circle[data-terminal="{TID}"]')).to_have_attribute(
                "data-health", "ok")

            # when the row turns offline, and the overview fetches begun before that moment
            page.evaluate(WATCH_OFFLINE, TID)
            agent.close()  # the terminal goes silent
            expect(row.locator(".health")).to_contain_text("离线 Offline")
            expect(page.locator(f'#map circle[data-terminal="{TID}"]')).to_have_attribute(
                "data-health", "offline")
            assert page.evaluate("window.__sameDocument") is True  # pushed, not reloaded
            assert page.evaluate(OVERVIEW_FETCHES_BEFORE_OFFLINE) == 0  # pushed, not fetched
            alert = page.locator(
                f'#overview-alerts tr[data-kind="offline"][data-terminal="{TID}"]').first
            expect(alert).to_contain_text("未处理 open")
            alert.locator("button.ack").click()
            expect(alert).to_contain_text("已确认 acknowledged by operator")

            page.goto(harness.url + f"/#/terminal/{TID}")
            page.click('button[data-command="reload_config"]')
            expect(page.locator("#t-command-note")).to_contain_text("已排队 queued")
            command = page.locator("#t-commands tbody tr").first
            expect(command).to_have_attribute("data-status", "pending")

            agent = new_agent(harness, cred, tmp_path)  # the terminal comes back
            agent.start()
            expect(command).to_have_attribute("data-status", "succeeded")
            expect(command.locator(".cmd-result")).to_contain_text("reloaded")
            expect(page.locator("#t-title")).to_contain_text("正常 OK")
            latest = page.locator('#t-alerts tr[data-kind="offline"] .alert-state').first
            expect(latest).to_contain_text("已恢复 resolved")
            expect(page.locator("#alert-badge")).to_have_text("")
            page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

            page.goto(harness.url + "/#/alerts")
            page.check("#show-resolved")
            resolved = page.locator(
                f'#alerts-table tr[data-kind="offline"][data-terminal="{TID}"]').first
            expect(resolved).to_contain_text("已恢复 resolved")
        finally:
            browser.close()
            agent.stop()
            agent.close()
    assert errors == []


# -- the operator's day: alert groups, refused terminals, maintenance windows, paper rounds,
#    the terminal's timeline and screenshots — each page opened, each pushed change seen
#    without a reload. FLEET_DOCS_SHOTS=DIR also saves one screenshot per page there.

SHOT = Path(__file__).resolve().parents[2] / "docs" / "screens" / "attract-maintenance.png"
PAGES = {"groups": "fleet-groups.png", "refused": "fleet-refused.png",
         "maintenance": "fleet-maintenance.png", "paper": "fleet-paper-rounds.png",
         "terminal": "fleet-terminal-timeline.png"}


@pytest.fixture
def ops_harness(tmp_path: Path) -> Iterator[FleetHarness]:
    config = FleetConfig(db_url=f"sqlite:///{tmp_path}/fleet.db", sweep_interval_s=0.2,
                         rules=RuleConfig(offline_after_s=2.5),
                         alerting=AlertingConfig(group_wait_s=0.5, tick_s=0.2))
    with FleetHarness(config.db_url or "", config) as h:
        yield h


def test_operators_day_pages(ops_harness: FleetHarness, tmp_path: Path) -> None:
    from playwright.sync_api import Page, expect, sync_playwright

    h = ops_harness
    expect.set_options(timeout=15_000)  # paper rounds reload at most every 5 s
    paper = {"state": "full", "level": 70}

    def snap() -> dict[str, Any]:
        return dict(snapshot(), paper=dict(paper))

    cred = enrol(h.url, h.token, TID, name="官渡区自助终端", district="官渡区")
    with h.engine.begin() as conn:
        set_depot(conn, "官渡区", "官渡区政务服务中心", 25.0215, 102.7443)
        import_locations(conn, f"terminal_id,lat,lon\n{TID},25.0312,102.7521\n")
    agent = TelemetryAgent(FleetClient(h.url, cred), snap, {}, tmp_path / "agent.db",
                           interval=0.3)
    agent.start()
    docs = os.environ.get("FLEET_DOCS_SHOTS")
    errors: list[str] = []

    def shoot(page: Page, name: str) -> None:
        page.screenshot(path=str(tmp_path / PAGES[name]), full_page=True)
        if docs:
            page.screenshot(path=str(Path(docs) / PAGES[name]), full_page=True)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda m: errors.append(m.text)
                    if "Content Security Policy" in m.text else None)
            page.set_default_timeout(15_000)
            page.goto(h.url + "/login")
            page.fill("#username", "operator")
            page.fill("#password", PASSWORDS["operator"])
            page.click("#login-button")
            page.wait_for_url(h.url + "/")

            # alert groups: a paper-low terminal makes a group that is pushed in, then acked
            page.goto(h.url + "/#/groups")
            expect(page.locator("body")).to_have_attribute("data-push", "live")
            expect(page.locator("#groups-table tr.empty")).to_be_visible()
            page.evaluate("window.__sameDocument = true")  # gone if the page reloads
            paper.update(state="low", level=10)
            group = page.locator('#groups-table tr[data-family="paper"][data-district="官渡区"]')
            expect(group).to_contain_text(TID)
            expect(group).to_contain_text("纸张 paper: 1 terminals in 官渡区")
            expect(page.locator("#group-badge")).to_have_text("1")
            shoot(page, "groups")
            group.locator("button.ack").click()
            expect(group).to_have_attribute("data-state", "acknowledged")
            expect(group).to_contain_text("by operator")
            expect(page.locator("#group-badge")).to_have_text("")

            # refused and unknown terminals: a beacon is pushed in, then dismissed
            page.goto(h.url + "/#/refused")
            expect(page.locator("#refused-table tr.empty")).to_be_visible()
            beacon = requests.post(h.url + "/api/v1/refused", timeout=10, json={
                "terminal_id": "KM-XS-GHOST", "reason": "unknown_terminal"})
            assert beacon.status_code in (200, 202)
            ghost = page.locator('#refused-table tr[data-terminal="KM-XS-GHOST"]')
            expect(ghost).to_have_attribute("data-status", "unknown")
            expect(ghost).to_contain_text("unknown_terminal")
            expect(page.locator("#refused-badge")).to_have_text("1")
            shoot(page, "refused")
            ghost.locator("button.dismiss").click()
            expect(ghost).to_have_count(0)

            # maintenance windows: planned in the form; one planned elsewhere is pushed in
            page.goto(h.url + "/#/maintenance")
            expect(page.locator("#mw-table tr.empty")).to_be_visible()
            page.select_option("#mw-scope", "terminal")  # suggestions follow the scope
            expect(page.locator(f'#mw-districts option[value="{TID}"]')).to_have_count(1)
            page.select_option("#mw-scope", "district")
            expect(page.locator('#mw-districts option[value="官渡区"]')).to_have_count(1)
            page.fill("#mw-target", "官渡区")
            page.fill("#mw-minutes", "45")
            page.fill("#mw-reason", "更换打印机 printer swap")
            page.click("#mw-submit")
            expect(page.locator("#mw-note")).to_contain_text("已计划 planned")
            planned = page.locator('#mw-table tr[data-scope="district"][data-target="官渡区"]')
            expect(planned).to_contain_text("进行中 active")
            other = h.login("operator").post(
                h.url + "/api/ops/maintenance-windows", timeout=10, json={
                    "scope": "terminal", "target": "KM-WH-0007", "minutes": 90,
                    "starts_at": time.time() + 3600, "reason": "网络改造 network work"})
            assert other.status_code == 200
            pushed = page.locator('#mw-table tr[data-scope="terminal"][data-target="KM-WH-0007"]')
            expect(pushed).to_contain_text("计划中 planned")
            shoot(page, "maintenance")
            planned.locator("button.end").click()
            expect(planned).to_have_count(0)

            # paper rounds: the terminal runs out → pushed into 官渡区's round; CSV; refilled
            page.goto(h.url + "/#/paper")
            expect(page.locator("#pr-rounds .none")).to_be_visible()
            assert "hours=8" in (page.get_attribute("#pr-csv", "href") or "")
            paper.update(state="out", level=0)
            stop = page.locator(f'.round[data-district="官渡区"] tr[data-terminal="{TID}"]')
            expect(stop).to_have_attribute("data-stop", "1")
            expect(stop).to_contain_text("已缺纸 out now")
            expect(stop).to_contain_text("实测 surveyed")
            expect(page.locator('.round[data-district="官渡区"]')).to_contain_text("官渡区政务服务中心")
            sketch = page.locator('.round[data-district="官渡区"] svg.route')
            expect(sketch.locator('g.stop-out[data-stop="1"] circle')).to_have_count(1)
            expect(sketch.locator("rect.route-depot")).to_have_count(1)
            csv_href = page.get_attribute("#pr-csv", "href") or ""
            csv_text = page.request.get(h.url + csv_href).text()
            assert TID in csv_text and csv_text.lstrip("\ufeff").startswith("district,stop")
            shoot(page, "paper")
            agent.close()  # no heartbeat says "out" again after the refill
            stop.locator("button.refilled").click()
            expect(stop).to_have_count(0)
            expect(page.locator("#pr-rounds .none")).to_be_visible()

            # the terminal's page: timeline, command history, a screenshot pushed in
            page.goto(h.url + f"/#/terminal/{TID}")
            expect(page.locator('#t-timeline tr[data-kind="refill"]')).to_have_count(1)
            expect(page.locator('#t-timeline tr[data-kind="alert"][data-state="opened"]').first
                   ).to_be_visible()
            expect(page.locator('#t-timeline tr[data-kind="device"]').first).to_be_visible()
            expect(page.locator("#t-shots")).to_contain_text("暂无截屏 No screenshot yet")
            page.click('button[data-command="screenshot"]')
            expect(page.locator("#t-commands tbody tr").first).to_have_attribute(
                "data-status", "pending")
            expect(page.locator('#t-timeline tr[data-kind="command"]')).to_have_count(1)
            with h.engine.begin() as conn:
                conn.execute(screenshots.insert().values(terminal_id=TID, ts=time.time(),
                                                         png=SHOT.read_bytes()))
            expect(page.locator("#t-shots figure.newest img")).to_be_visible()
            page.wait_for_function(
                "document.querySelector('#t-shots img').naturalWidth > 0")
            shoot(page, "terminal")
            assert page.evaluate("window.__sameDocument") is True  # pushed, never reloaded

            # a viewer sees the same pages without the operators' buttons
            viewer = browser.new_page(viewport={"width": 1400, "height": 900})
            viewer.on("pageerror", lambda exc: errors.append(str(exc)))
            viewer.goto(h.url + "/login")
            viewer.fill("#username", "viewer")
            viewer.fill("#password", PASSWORDS["viewer"])
            viewer.click("#login-button")
            viewer.wait_for_url(h.url + "/")
            viewer.goto(h.url + "/#/groups")
            expect(viewer.locator("#groups-table tbody tr").first).to_be_visible()
            viewer.check("#groups-all")
            expect(viewer.locator('#groups-table tr[data-family="paper"]')).to_have_count(1)
            expect(viewer.locator("#groups-table button")).to_have_count(0)
            viewer.goto(h.url + "/#/maintenance")
            expect(viewer.locator('#mw-table tr[data-target="KM-WH-0007"]')).to_be_visible()
            expect(viewer.locator("#mw-table button")).to_have_count(0)
            expect(viewer.locator("#mw-submit")).to_be_disabled()
        finally:
            browser.close()
            agent.stop()
            agent.close()
    assert errors == []
