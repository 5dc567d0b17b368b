"""全市通办 / 跨省通办 from data: where each item can be done, which points offer it, and a
cross-province application forwarded to the other province's office with a receipt that
says so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.flows.items import progress_item
from kiosk.flows.journey import Journey
from kiosk.flows.ports import FlowPorts
from kiosk.flows.steps import Step
from kiosk.flows.where import where_answer
from kiosk.session import Session
from simulator.idcard.cards import load_cards
from simulator.platform.catalog import build_items
from simulator.platform.server import PlatformServer
from simulator.platform.service_points import build_points
from tests.unit.flow_rig import complete_form, face_photo, flow_ports


class Citizen:
    """A card record as the journey sees it (from the ID-card simulator's card files)."""

    def __init__(self, key: str) -> None:
        fields = load_cards()[key].fields
        self.name, self.id_number = fields["name"], fields["id_number"]
        self.photo = bytearray(16)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "id_number": self.id_number}


def test_where_is_derived_from_data_not_chance() -> None:
    items = {i["code"]: i for i in build_items()}
    assert build_items()[0]["where"] == items[build_items()[0]["code"]]["where"]
    points = build_points(list(items.values()))
    centres = [p for p in points if p["id"].endswith("00")]
    others = [p for p in points if not p["id"].endswith("00")]
    for code, item in items.items():
        if item["flow"] == "guide":
            continue
        at_centres = all(code in p["items"] for p in centres)
        everywhere = all(code in p["items"] for p in others)
        assert at_centres
        assert everywhere == (item["where"]["points"] == "all"), code
        assert item["scope"].startswith(item["where"]["text"])
    assert {i["where"]["cross_province"] for i in items.values()} >= {
        "全程网办", "异地代收代办", "多地联办"}
    assert all(i["cross_province"] == (i["where"]["cross_province"] is not None)
               for i in items.values())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlatformServer]:
    srv = PlatformServer(state_dir=tmp_path_factory.mktemp("platform"))
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def ports(server: PlatformServer, tmp_path: Path) -> Iterator[FlowPorts]:
    with flow_ports(server.url, tmp_path) as built:
        yield built


def _apply(ports: FlowPorts, code: str, card: str) -> Journey:
    journey = Journey(ports.platform.item(code), Session(), ports)
    journey.advance()
    assert journey.identify_card(Citizen(card), face_photo()), journey.message
    journey.accept_commitment()
    assert journey.submit_form(*complete_form(journey)) is Step.RESULT
    return journey


def test_a_cross_province_application_is_forwarded_and_the_receipt_says_so(
        ports: FlowPorts) -> None:
    journey = _apply(ports, "KM-HPF-007", "chuan")          # 退休提取住房公积金, 四川 register
    case = journey.result.case
    assert case is not None and case.cross_province is not None
    assert case.cross_province.mode == "异地代收代办"
    assert case.cross_province.office == "四川省住房公积金管理中心"
    assert case.cross_province.decided_by == case.cross_province.office
    rows = dict(journey.result_rows())
    assert rows["转递至"] == "四川省住房公积金管理中心"
    texts = "\n".join(journey.receipt_document().texts())
    assert "跨省通办（异地代收代办）" in texts and "四川省住房公积金管理中心" in texts
    look = Journey(progress_item(), journey.session, ports)   # the same citizen reads it
    assert look.enter_case(case.case_no)
    assert look.result.progress is not None
    assert look.result.progress.cross_province == case.cross_province


def test_a_local_citizen_is_not_forwarded(ports: FlowPorts) -> None:
    journey = _apply(ports, "KM-HPF-007", "han")
    assert journey.result.case is not None and journey.result.case.cross_province is None
    assert "转递至" not in dict(journey.result_rows())


def test_where_can_i_do_this_names_the_nearest_points(ports: FlowPorts) -> None:
    item = ports.platform.item("KM-HPF-007")
    points = ports.platform.service_points()
    answer = where_answer(item, points, 25.04, 102.71)
    assert answer.cross_province == "异地代收代办" and answer.offered_here
    assert len(answer.nearest) == 3 and answer.nearest[0][0] <= answer.nearest[-1][0]
    assert all(item.code in p.items for _km, p in answer.nearest)
    assert answer.lines()[0].startswith("全市通办")
