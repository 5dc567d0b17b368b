"""Paper rounds (rate from heartbeats, N-hour horizon, route from the depot, CSV, refilled
closes alerts), the terminal page's timeline and screenshots, and push by server-sent events."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from fleet import paper_rounds
from fleet.ingest import Ingestor, Submission
from fleet.rules import RuleConfig, validate_heartbeat
from fleet.terminals import create_enrol_token, enrol
from fleet.testing import FleetHarness, fresh_engine, heartbeat
from kiosk.agent.client import FleetClient
from kiosk.agent.client import enrol as agent_enrol

HOUR = 3600


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[FleetHarness]:
    with FleetHarness(f"sqlite:///{tmp_path}/fleet.db") as h:
        yield h


def feed(ing: Ingestor, tid: str, levels: list[int], start: float, step: float) -> None:
    for i, level in enumerate(levels):
        hb = heartbeat(i, ts=int(start + i * step),
                       paper={"state": "low" if level <= 15 else "full", "level": level})
        ing.process([Submission(tid, [validate_heartbeat(hb)])])


def test_rates_horizon_route_csv_and_refill(tmp_path: Path) -> None:
    engine = fresh_engine(f"sqlite:///{tmp_path}/fleet.db")
    token = create_enrol_token(engine, uses=None)
    now = time.time()
    ing = Ingestor(engine, RuleConfig(), clock=lambda: now)
    # 五华区 depot at the district centre; three terminals east of it at 1, 3 and 2 km
    spots = {"KM-WH-A": (25.20, 102.67), "KM-WH-B": (25.20, 102.69), "KM-WH-C": (25.20, 102.68)}
    for tid in [*spots, "KM-WH-SLOW", "KM-GD-X"]:
        enrol(engine, token, tid, district="官渡区" if tid == "KM-GD-X" else "五华区",
              name=f"终端 {tid}", address="=cmd|' /C calc'!A0" if tid == "KM-WH-A" else "")
    with engine.begin() as conn:
        paper_rounds.import_locations(conn, "terminal_id,lat,lon\n" + "".join(
            f"{t},{la},{lo}\n" for t, (la, lo) in spots.items()))
    start = now - 4 * HOUR
    feed(ing, "KM-WH-A", [60, 50, 40, 100, 90], start, HOUR)    # a refill in between
    feed(ing, "KM-WH-B", [40, 30, 20, 10, 5], start, HOUR)
    feed(ing, "KM-WH-C", [25, 20, 15, 10, 0], start, HOUR)      # out now
    feed(ing, "KM-WH-SLOW", [90, 90, 89, 89, 88], start, HOUR)  # weeks of paper left
    feed(ing, "KM-GD-X", [30, 20, 10, 5, 1], start, HOUR)
    with engine.connect() as conn:
        rates = paper_rounds.use_rates(conn, now)
        rounds = paper_rounds.plan(conn, 12, now=now)
        only = paper_rounds.plan(conn, 12, district="五华区", now=now)
    assert rates["KM-WH-A"] == pytest.approx(30 / 4)  # 60→40 and 100→90; the refill is no use
    assert rates["KM-WH-B"] == pytest.approx(35 / 4)
    by_district = {r["district"]: r for r in rounds}
    assert set(by_district) == {"五华区", "官渡区"} and [r["district"] for r in only] == ["五华区"]
    stops = by_district["五华区"]["stops"]
    assert [s["terminal_id"] for s in stops] == ["KM-WH-A", "KM-WH-C", "KM-WH-B"]
    assert [s["stop"] for s in stops] == [1, 2, 3]
    assert stops[1]["hours_left"] == 0 and stops[0]["hours_left"] == pytest.approx(12.0)
    assert stops[0]["leg_km"] == pytest.approx(1.0, abs=0.05) and stops[2]["total_km"] > 2.9
    assert by_district["官渡区"]["stops"][0]["position"] == "estimated"
    text = paper_rounds.plan_csv(rounds)
    table = list(csv.DictReader(io.StringIO(text)))
    rows = {r["terminal_id"]: r for r in table}
    assert len(table) == 4 and rows["KM-GD-X"]["district"] == "官渡区"
    assert rows["KM-WH-A"]["address"].startswith("'=")  # never a formula in a spreadsheet
    with engine.begin() as conn:
        assert paper_rounds.mark_refilled(conn, "KM-WH-C", "op", now)
    with engine.connect() as conn:
        from fleet import alerts

        open_kinds = {(a["terminal_id"], a["kind"]) for a in alerts.list_alerts(conn)}
        assert not any(t == "KM-WH-C" for t, _ in open_kinds)
        assert ("KM-WH-B", "paper_low") in open_kinds
        assert "KM-WH-C" not in [s["terminal_id"] for r in paper_rounds.plan(conn, 1, now=now)
                                 for s in r["stops"]]
    engine.dispose()


def test_api_csv_refill_timeline_and_push(harness: FleetHarness) -> None:
    cred = agent_enrol(harness.url, harness.token, "KM-PG-1", district="盘龙区")
    client = FleetClient(harness.url, cred)
    client.heartbeat({"heartbeats": [heartbeat(0), heartbeat(1, paper={"state": "out",
                                                                         "level": 0})]})
    viewer, operator = harness.login("viewer"), harness.login("operator")
    events: list[tuple[str, Any]] = []
    stream = viewer.get(harness.url + "/api/ops/events", stream=True, timeout=30)
    assert stream.headers["content-type"].startswith("text/event-stream")

    def read() -> None:
        name = ""
        with contextlib.suppress(Exception):  # ends when the test closes the stream
            for line in stream.iter_lines(decode_unicode=True):
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    events.append((name, json.loads(line[6:])))

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 10
    while not any(n == "hello" for n, _ in events) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.5)  # the watcher's first look
    rounds = viewer.get(harness.url + "/api/ops/paper-rounds?hours=4", timeout=10).json()
    assert rounds["districts"][0]["stops"][0]["terminal_id"] == "KM-PG-1"
    body = viewer.get(harness.url + "/api/ops/paper-rounds.csv", timeout=10)
    assert body.text.startswith("\ufeffdistrict,stop,terminal_id")
    assert viewer.post(harness.url + "/api/ops/terminals/KM-PG-1/refilled", json={},
                       timeout=10).status_code == 403  # viewers look only
    assert operator.post(harness.url + "/api/ops/terminals/KM-PG-1/refilled", json={},
                         timeout=10).json() == {"ok": True}
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(
            n == "terminals" and any(r[0] == "KM-PG-1" and r[3] == "ok" for r in d["rows"])
            for n, d in events):
        time.sleep(0.05)
    pushed = [d for n, d in events if n == "terminals"]
    assert any(r[0] == "KM-PG-1" and r[3] == "ok" for d in pushed for r in d["rows"])
    assert any(n == "changed" and "alerts" in d["topics"] for n, d in events)
    stream.close()
    timeline = viewer.get(harness.url + "/api/ops/terminals/KM-PG-1/timeline",
                          timeout=10).json()
    kinds = [(e["kind"], e["state"]) for e in timeline]
    assert ("device", "online") in kinds and ("refill", "refilled") in kinds
    assert ("alert", "opened") in kinds and ("alert", "resolved") in kinds
    assert viewer.get(harness.url + "/api/ops/terminals/KM-PG-1/screenshots",
                      timeout=10).json() == []
    assert requests.get(harness.url + "/api/ops/events", timeout=10).status_code == 401
