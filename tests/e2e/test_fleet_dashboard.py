"""Fleet dashboard end to end in headless Chromium (Debian's chromium, via Playwright):
log in, see a terminal go offline, acknowledge its alert, send a command, see its result —
every update pushed by the server (server-sent events), never a reload or a poll."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fleet.context import FleetConfig
from fleet.rules import RuleConfig
from fleet.testing import PASSWORDS, FleetHarness
from kiosk.agent import FleetClient, TelemetryAgent
from kiosk.agent.client import Credentials, enrol

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TID = "KM-GD-E2E"

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
            polls: list[str] = []
            page.on("request", lambda r: polls.append(r.url) if "/api/ops/overview" in r.url
                    else None)

            row = page.locator(f'#terminal-table tr[data-terminal="{TID}"]')
            expect(row.locator(".health")).to_contain_text("正常 OK")
            expect(page.locator(f'#map circle[data-terminal="{TID}"]')).to_have_attribute(
                "data-health", "ok")

            agent.close()  # the terminal goes silent
            expect(row.locator(".health")).to_contain_text("离线 Offline")
            expect(page.locator(f'#map circle[data-terminal="{TID}"]')).to_have_attribute(
                "data-health", "offline")
            assert page.evaluate("window.__sameDocument") is True  # pushed, not reloaded
            assert polls == []  # the change arrived without the overview being fetched
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
