"""Operators' 好差评 figures: ratings from terminals counted per item, department and
terminal (with CSV), and the bad reviews to follow up."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from common.events import EventBus
from fleet.testing import FleetHarness
from kiosk.agent.client import FleetClient, enrol
from kiosk.evaluation_report import EvaluationReporter
from kiosk.help_desk import fleet_poster


def _rating(n: int, code: str, level: int, reason: str = "") -> dict[str, object]:
    return {"event_id": f"eval-{n:04d}", "item_code": code, "item_name": code,
            "kind": "query", "level": level, "reason": reason}


@pytest.mark.timeout(60)
def test_ratings_are_counted_per_item_department_and_terminal(tmp_path: Path) -> None:
    with FleetHarness(f"sqlite:///{tmp_path}/fleet.db") as fleet:
        clients = {t: FleetClient(fleet.url, enrol(fleet.url, fleet.token, t))
                   for t in ("KM-A-0001", "KM-B-0001")}
        buses = {t: EventBus() for t in clients}
        reporters = {t: EvaluationReporter(buses[t], fleet_poster(c)) for t, c in clients.items()}
        for n, (term, code, level, reason) in enumerate([
                ("KM-A-0001", "KM-HPF-002", 5, ""), ("KM-A-0001", "KM-HPF-002", 2, "等待时间长"),
                ("KM-B-0001", "KM-HPF-005", 4, ""), ("KM-B-0001", "KM-TAX-001", 1, "设备故障")]):
            buses[term].publish("journey.evaluated", _rating(n, code, level, reason))
        for _attempt in range(20):     # a send that fails (a busy server) waits for the next
            for reporter in reporters.values():
                reporter.flush()
            if all(r.pending() == 0 for r in reporters.values()):
                break
            time.sleep(0.25)
        assert all(r.pending() == 0 for r in reporters.values())
        viewer = fleet.login("viewer")
        by_item = {r["key"]: r for r in viewer.get(
            fleet.url + "/api/ops/evaluations?by=item", timeout=10).json()["rows"]}
        assert by_item["KM-HPF-002"]["total"] == 2 and by_item["KM-HPF-002"]["bad"] == 1
        assert by_item["KM-HPF-002"]["satisfaction"] == 0.5
        by_dept = {r["key"]: r["total"] for r in viewer.get(
            fleet.url + "/api/ops/evaluations?by=department", timeout=10).json()["rows"]}
        assert by_dept == {"HPF": 3, "TAX": 1}
        by_terminal = {r["key"]: r["bad"] for r in viewer.get(
            fleet.url + "/api/ops/evaluations?by=terminal", timeout=10).json()["rows"]}
        assert by_terminal == {"KM-A-0001": 1, "KM-B-0001": 1}
        csv = viewer.get(fleet.url + "/api/ops/evaluations.csv?by=department", timeout=10)
        assert csv.headers["content-type"].startswith("text/csv")
        assert csv.content.decode("utf-8-sig").splitlines()[0].startswith("department,total")
        bad = viewer.get(fleet.url + "/api/ops/evaluations/bad", timeout=10).json()["reviews"]
        assert {(b["item_code"], b["reason"]) for b in bad} == {
            ("KM-HPF-002", "等待时间长"), ("KM-TAX-001", "设备故障")}
        operator = fleet.login("operator")
        done = operator.post(f"{fleet.url}/api/ops/evaluations/{bad[0]['id']}/follow-up",
                             json={"note": "已电话回访"}, timeout=10)
        assert done.status_code == 200
        after = viewer.get(fleet.url + "/api/ops/evaluations/bad", timeout=10).json()["reviews"]
        assert after[-1]["followed_up_by"] == "operator" and after[0]["followed_up_at"] is None
        # the same rating again is one rating; a bad one without a reason is refused
        post = fleet_poster(clients["KM-A-0001"])
        assert post("/api/v1/evaluation", _rating(0, "KM-HPF-002", 5))["duplicate"]
        with pytest.raises(Exception, match="reason"):
            post("/api/v1/evaluation", _rating(99, "KM-HPF-002", 1))
