"""一键求助: a ticket on the fleet server that an operator acknowledges; 12345 when nobody
answers in time, when the fleet cannot be reached, or without a fleet link at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from fleet.testing import FleetHarness
from kiosk.agent.client import FleetClient, enrol
from kiosk.help_desk import HelpDesk, HelpState, fleet_poster


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Fleet:
    """A fake fleet: tickets that stay open until told otherwise."""

    def __init__(self) -> None:
        self.acknowledged = False
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((path, body))
        return {"ticket_id": 7, "state": "acknowledged" if self.acknowledged else "open"}


def test_a_ticket_nobody_answers_falls_back_to_12345() -> None:
    clock, fleet = Clock(), Fleet()
    desk = HelpDesk(fleet, fallback_after_s=60, clock=clock)
    status = desk.raise_ticket("form", "KM-HPF-005")
    assert status.state is HelpState.WAITING and status.ticket_id == 7
    assert fleet.calls[0] == ("/api/v1/help", {"screen": "form", "item_code": "KM-HPF-005",
                                               "proxy": False})
    clock.now = 59
    assert desk.poll().state is HelpState.WAITING
    clock.now = 60
    fallback = desk.poll()
    assert fallback.state is HelpState.FALLBACK and "12345" in fallback.message


def test_an_acknowledged_ticket_tells_the_citizen_staff_is_coming() -> None:
    clock, fleet = Clock(), Fleet()
    desk = HelpDesk(fleet, fallback_after_s=60, clock=clock)
    desk.raise_ticket("guide")
    fleet.acknowledged = True
    clock.now = 10
    status = desk.poll()
    assert status.state is HelpState.ACKNOWLEDGED and status.message == "工作人员已收到，正在赶来"
    assert desk.raise_ticket("guide") is status          # one call per visit
    desk.reset()
    assert desk.status.state is HelpState.IDLE


def test_no_link_or_a_dead_link_gives_12345_at_once() -> None:
    assert HelpDesk(None).raise_ticket("home").state is HelpState.FALLBACK

    def down(_path: str, _body: dict[str, Any]) -> dict[str, Any]:
        raise ConnectionError("fleet unreachable")
    assert HelpDesk(down).raise_ticket("home").state is HelpState.FALLBACK


@pytest.mark.timeout(60)
def test_the_operator_sees_and_acknowledges_it_on_the_fleet_server(tmp_path: Path) -> None:
    with FleetHarness(f"sqlite:///{tmp_path}/fleet.db") as fleet:
        client = FleetClient(fleet.url, enrol(fleet.url, fleet.token, "KM-HELP-0001"))
        desk = HelpDesk(fleet_poster(client), fallback_after_s=600)
        status = desk.raise_ticket("form", "KM-HPF-005", proxy=True)
        assert status.state is HelpState.WAITING and status.ticket_id is not None
        viewer = fleet.login("viewer")
        tickets = viewer.get(fleet.url + "/api/ops/help", timeout=10).json()["tickets"]
        assert [(t["terminal_id"], t["state"], t["proxy"]) for t in tickets] == [
            ("KM-HELP-0001", "open", 1)]
        refused = viewer.post(f"{fleet.url}/api/ops/help/{status.ticket_id}/ack", timeout=10)
        assert refused.status_code in (401, 403)        # looking is not acknowledging
        operator = fleet.login("operator")
        ack = operator.post(f"{fleet.url}/api/ops/help/{status.ticket_id}/ack", json={},
                            timeout=10)
        assert ack.status_code == 200 and ack.json()["acknowledged_by"] == "operator"
        assert desk.poll().state is HelpState.ACKNOWLEDGED
        other = requests.post(fleet.url + "/api/v1/help/status", json={"ticket_id": 1},
                              timeout=10)
        assert other.status_code == 401                # unsigned: nobody else may ask
