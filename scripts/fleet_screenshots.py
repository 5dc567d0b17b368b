"""Reference screenshots of the dashboard pages of the operator's day (docs/fleet-*.png).

    python scripts/fleet_screenshots.py [--out docs]

Starts a fleet server on 127.0.0.1 with a fresh temporary store, fills it with a small
Kunming fleet through the terminal API (36 terminals in four districts: paper used over the
last six hours, two terminals silent, a printer fault, a refused and two unknown
terminals, a maintenance window, surveyed positions and depots), lets the alert grouping
run, and photographs each page in Debian's headless chromium (Playwright). Demo data only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
import tempfile
import time
from pathlib import Path

import requests
from sqlalchemy import update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fleet.alerting import AlertingConfig  # noqa: E402
from fleet.commands import create_command  # noqa: E402
from fleet.context import FleetConfig  # noqa: E402
from fleet.db import commands, screenshots, terminals  # noqa: E402
from fleet.db_ops import paper_refills  # noqa: E402
from fleet.districts import DISTRICTS  # noqa: E402
from fleet.locations import LocationFile, store  # noqa: E402
from fleet.paper_rounds import mark_refilled  # noqa: E402
from fleet.rules import RuleConfig  # noqa: E402
from fleet.testing import PASSWORDS, FleetHarness, heartbeat  # noqa: E402
from kiosk.agent.client import Credentials, FleetClient, enrol  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CENTRE = {d.zh: (d.lat, d.lon) for d in DISTRICTS}
#: district, id prefix, terminals, paper use per hour (percent) of the busy ones
FLEET = [("五华区", "KM-WH", 12, 9.0), ("盘龙区", "KM-PL", 8, 4.0), ("官渡区", "KM-GD", 10, 7.5),
         ("西山区", "KM-XS", 6, 3.0)]
PLACES = ["政务服务中心一楼大厅", "街道便民服务中心", "社区服务站", "人民医院门诊楼",
          "火车站售票厅", "图书馆", "税务分局", "公安分局出入境大厅", "社保中心",
          "不动产登记中心", "商场", "地铁站"]
SHOTS = [ROOT / "docs" / "screens" / f"elderly-{n}.png" for n in ("browse", "home", "attract")]
HOUR = 3600


def position(district: str, i: int) -> tuple[float, float]:
    """A spread of points around the district's centre (demo data)."""
    lat, lon = CENTRE[district]
    angle, radius = i * 2.4, 0.01 + 0.006 * (i % 5)
    return round(lat + radius * math.sin(angle), 5), round(lon + radius * math.cos(angle), 5)


def populate(h: FleetHarness) -> dict[str, Credentials]:
    """Enrol the fleet and send six hours of heartbeats (see module docstring)."""
    creds: dict[str, Credentials] = {}
    located = LocationFile()
    now = time.time()
    for district, prefix, n, rate in FLEET:
        for i in range(1, n + 1):
            tid = f"{prefix}-{i:04d}"
            cred = enrol(h.url, h.token, tid, name=f"{district}{PLACES[i % len(PLACES)][:6]}",
                         district=district, address=f"{district}{PLACES[i % len(PLACES)]}")
            creds[tid] = cred
            lat, lon = position(district, i)
            located.terminals.append({"id": tid, "lat": lat, "lon": lon, "district": "",
                                      "address": ""})
            busy = i % 3 != 0
            start = 30 + (i * 7) % 50 if busy else 95
            hbs = []
            for k in range(13):  # every half hour for six hours, the last one now
                level = max(0, round(start - (rate if busy else 0.5) * k / 2))
                hb = heartbeat(k, ts=int(now - (12 - k) * HOUR / 2),
                               paper={"state": "out" if level == 0 else "low" if level < 15
                                      else "full", "level": level})
                hbs.append(hb)
            jammed = {("官渡区", 4): hbs[-2:], ("五华区", 1): hbs[4:6]}.get((district, i), [])
            for hb in jammed:  # a printer that jammed (and, in 五华区, was cleared)
                hb["devices"]["printer"] = {"state": "hardware_error",
                                            "status": {"error": "paper jam"}, "model": "sim"}
            FleetClient(h.url, cred).heartbeat({"heartbeats": hbs})
        located.depots.append({"district": district, "name": f"{district}政务服务中心",
                               "lat": CENTRE[district][0], "lon": CENTRE[district][1]})
    store(h.engine, located)
    with h.engine.begin() as conn:  # two terminals silent for twenty minutes
        conn.execute(update(terminals).where(terminals.c.id.in_(["KM-PL-0002", "KM-PL-0005"]))
                     .values(last_seen=now - 1200))
        conn.execute(paper_refills.insert().values(terminal_id="KM-WH-0001", ts=now - 5.7 * HOUR,
                                                   by="operator", level_before=4))
    return creds


def extras(h: FleetHarness, creds: dict[str, Credentials]) -> None:
    """Refused terminals, windows, commands, screenshots, a refill and an acknowledgement."""
    wrong = Credentials("KM-PL-0007", "0" * 64)  # a secret the server does not accept
    with contextlib.suppress(Exception):  # the 401 is the point
        FleetClient(h.url, wrong).heartbeat({"heartbeats": [heartbeat(99)]})
    for tid in ("KM-YL-0001", "KM-SL-0003"):
        requests.post(h.url + "/api/v1/refused", timeout=10,
                      json={"terminal_id": tid, "reason": "unknown_terminal"})
    op = h.login("operator")
    op.post(h.url + "/api/ops/maintenance-windows", timeout=10, json={
        "scope": "district", "target": "西山区", "minutes": 120,
        "reason": "西山区政务网络割接 network cut-over"})
    op.post(h.url + "/api/ops/maintenance-windows", timeout=10, json={
        "scope": "terminal", "target": "KM-GD-0004", "minutes": 60,
        "starts_at": time.time() + 20 * HOUR, "reason": "更换打印机 printer swap"})
    tid = "KM-WH-0001"
    now = time.time()
    for n, (kind, status, result) in enumerate([
            ("screenshot", "succeeded", {"screenshot_id": 1}),
            ("reload_config", "succeeded", {"applied": ["ui.idle_timeout_s"],
                                            "needs_restart": []}),
            ("restart_app", "succeeded", {"restart": "scheduled"}),
            ("screenshot", "sent", None)]):
        cid = create_command(h.engine, "operator", tid, kind, {})
        with h.engine.begin() as conn:
            conn.execute(update(commands).where(commands.c.id == cid).values(
                created_at=now - (4 - n) * 1500, sent_at=now - (4 - n) * 1500 + 2,
                status=status, done_at=None if result is None else now - (4 - n) * 1500 + 5,
                result=None if result is None else json.dumps(result)))
    with h.engine.begin() as conn:
        for n, png in enumerate(SHOTS):
            conn.execute(screenshots.insert().values(terminal_id=tid, ts=now - (3 - n) * 1500,
                                                     png=png.read_bytes()))
        mark_refilled(conn, "KM-WH-0002", "operator", now - 600)


def shoot(h: FleetHarness, out: Path) -> list[Path]:
    from playwright.sync_api import expect, sync_playwright

    pages = [("groups", "#groups-table tbody tr", "fleet-groups.png"),
             ("refused", "#refused-table tbody tr", "fleet-refused.png"),
             ("maintenance", "#mw-table tbody tr", "fleet-maintenance.png"),
             ("paper", "#pr-rounds .round", "fleet-paper-rounds.png"),
             ("terminal/KM-WH-0001", "#t-timeline tbody tr", "fleet-terminal-timeline.png")]
    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(20_000)
            page.goto(h.url + "/login")
            page.fill("#username", "operator")
            page.fill("#password", PASSWORDS["operator"])
            page.click("#login-button")
            page.wait_for_url(h.url + "/")
            for route, ready, name in pages:
                page.goto(h.url + "/#/" + route)
                expect(page.locator(ready).first).to_be_visible()
                if route.startswith("terminal"):
                    page.wait_for_function("[...document.querySelectorAll('#t-shots img')]"
                                           ".every((i) => i.complete && i.naturalWidth > 0)")
                page.wait_for_timeout(500)
                path = out / name
                page.screenshot(path=str(path), full_page=True)
                written.append(path)
        finally:
            browser.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs"))
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="fleet-shots-")
    config = FleetConfig(db_url=f"sqlite:///{tmp}/fleet.db",
                         rules=RuleConfig(offline_after_s=600),
                         alerting=AlertingConfig(group_wait_s=1, tick_s=0.3))
    with FleetHarness(config.db_url or "", config) as h:
        creds = populate(h)
        extras(h, creds)
        time.sleep(3)  # the sweep finds the silent terminals, the grouping runs
        groups = h.login("operator").get(h.url + "/api/ops/alert-groups", timeout=10).json()
        paper = next((g for g in groups if g["family"] == "paper"
                      and g["district"] == "官渡区"), None)
        if paper is not None:
            h.login("operator").post(h.url + f"/api/ops/alert-groups/{paper['id']}/ack",
                                     json={}, timeout=10)
        for path in shoot(h, Path(args.out)):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
