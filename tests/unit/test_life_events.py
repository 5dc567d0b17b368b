"""一件事一次办: one identification, one form (the union of the members' fields, each once),
one submission that creates linked cases, one receipt listing them, progress per case; a
member that fails is shown by name and nothing else is lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.flows.items import progress_item
from kiosk.flows.journey import Journey
from kiosk.flows.ports import FlowPorts
from kiosk.flows.steps import Step
from kiosk.session import Session
from simulator.platform.catalog import build_items
from simulator.platform.server import PlatformServer
from tests.unit.flow_rig import complete_form, face_photo, flow_ports
from tests.unit.test_flows_journey import Card


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


def _at_form(ports: FlowPorts, code: str) -> Journey:
    journey = Journey(ports.platform.item(code), Session(), ports)
    journey.advance()
    assert journey.identify_card(Card(), face_photo())
    journey.accept_commitment()
    assert journey.step is Step.FORM and journey.form_spec is not None
    return journey


def test_at_least_three_life_events_are_combined_services() -> None:
    bundles = [i for i in build_items() if i.get("bundle")]
    assert len(bundles) >= 3
    names = {i["name"] for i in build_items()}
    for bundle in bundles:
        assert len(bundle["bundle"]) >= 3 and bundle["flow"] == "application"
        assert bundle["life_events"]
    newborn = next(b for b in bundles if b["name"] == "新生儿出生一件事")
    members = {i["code"]: i["name"] for i in build_items() if i["code"] in newborn["bundle"]}
    assert set(members.values()) == {"出生登记", "新生儿参保登记", "社会保障卡申领"} <= names
    materials = [m["name"] for m in newborn["materials"]]
    assert len(materials) == len(set(materials)) and "出生医学证明" in materials


def test_one_form_one_submission_linked_cases_and_per_case_progress(
        ports: FlowPorts) -> None:
    journey = _at_form(ports, "KM-LE-001")
    names = [f.name for f in journey.form_spec.fields]
    assert len(names) == len(set(names)) and {"phone", "bank"} <= set(names)
    assert journey.submit_form(*complete_form(journey)) is Step.RESULT
    case = journey.result.case
    assert case is not None and len(case.linked) == 3 and not case.failed
    assert {c.item_name for c in case.linked} == {"出生登记", "新生儿参保登记", "社会保障卡申领"}
    assert len({c.case_no for c in case.linked} | {case.case_no}) == 4
    texts = "\n".join(journey.receipt_document().texts())
    assert "一件事一次办" in texts and all(c.case_no in texts for c in case.linked)
    look = Journey(progress_item(), journey.session, ports)
    assert look.enter_case(case.case_no)
    progress = look.result.progress
    assert progress is not None and [c.case_no for c in progress.linked] == \
        [c.case_no for c in case.linked]
    rows = dict(look.result_rows())
    assert all(c.item_name in rows for c in case.linked)


def test_a_failing_member_is_named_and_the_others_stand(ports: FlowPorts) -> None:
    journey = _at_form(ports, "KM-LE-001")
    form, materials = complete_form(journey)
    without_photo = [m for m in materials if m["name"] != "近期免冠证件照片（数码回执）"]
    assert journey.submit_form(form, without_photo) is Step.RESULT
    case = journey.result.case
    assert case is not None
    assert [f.item_name for f in case.failed] == ["社会保障卡申领"]
    assert "近期免冠证件照片" in case.failed[0].reasons
    assert {c.item_name for c in case.linked} == {"出生登记", "新生儿参保登记"}
    assert journey.message is not None and journey.message.code == "partly_refused"
    assert "社会保障卡申领" in journey.message.message
    assert "社会保障卡申领：" in dict(journey.result_rows())["未受理"]
