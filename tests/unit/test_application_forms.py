"""Forms the back office can act on: the platform's JSON Schema, Chinese messages, required
materials enforced, 容缺 listed on the receipt, the commitment sent, a refusal shown and kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from kiosk.flows.application_form import ApplicationDraft
from kiosk.flows.form_schema import FormSpec
from kiosk.flows.journey import Journey
from kiosk.flows.ports import FlowPorts
from kiosk.flows.steps import Step
from kiosk.platform.service_client import ServiceClient
from kiosk.session import Session
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


def _at_form(ports: FlowPorts, code: str, accept: bool = True) -> Journey:
    journey = Journey(ports.platform.item(code), Session(), ports)
    journey.advance()
    assert journey.identify_card(Card(), face_photo())
    if accept:
        journey.accept_commitment()
    else:
        journey.step = Step.FORM
    assert journey.step is Step.FORM and journey.form_spec is not None
    return journey


def test_the_platform_serves_each_form_as_json_schema(ports: FlowPorts) -> None:
    doc = ServiceClient(ports.platform).form_document("KM-HPF-005")
    Draft202012Validator.check_schema(doc["schema"])
    spec = FormSpec.from_document(doc)
    kinds = {f.name: f.kind for f in spec.fields}
    assert kinds == {"phone": "phone", "amount": "amount", "bank": "choice", "rent": "amount",
                     "note": "text"}
    assert spec.field("bank").options[0] == "工商银行"
    assert spec.commitment_version and "承诺" in spec.commitment_text


def test_validation_messages_are_chinese(ports: FlowPorts) -> None:
    spec = FormSpec.from_document(ServiceClient(ports.platform).form_document("KM-HRSS-007"))
    problems = {k: p.text() for k, p in spec.problems({}).items()}
    assert problems == {"phone": "请填写联系电话", "left_on": "请填写离职日期"}
    bad = spec.problems({"phone": "1380000", "left_on": "20241345"})
    assert bad["phone"].text() == "请输入11位手机号码"
    assert bad["left_on"].text() == "离职日期请按 年-月-日 填写，例如 2024-03-15"
    amount = FormSpec.from_document(ServiceClient(ports.platform).form_document("KM-HPF-005"))
    assert amount.problems({"amount": "12.345"})["amount"].text() == \
        "提取金额须为大于0的金额，最多两位小数"
    assert amount.problems({"bank": "花旗银行"})["bank"].text() == "请从选项中选择收款银行"
    assert amount.values({"amount": "12.5", "rent": "1800"}) == {"amount": 12.5, "rent": 1800.0}


def test_the_draft_will_not_submit_without_fields_or_materials(ports: FlowPorts) -> None:
    journey = _at_form(ports, "KM-HPF-004")               # 购房提取: contract and invoice
    draft = ApplicationDraft(phone="13800000000")
    check = draft.check(journey.item, journey.form_spec, identified=True)
    assert not check.ok and check.message == "请填写提取金额"
    draft.entries.update(amount="50000", bank="建设银行")
    check = draft.check(journey.item, journey.form_spec, identified=True)
    assert not check.ok and check.message == "请提供材料：购房合同及发票"
    draft.add_photo("购房合同及发票")
    assert draft.check(journey.item, journey.form_spec, identified=True).ok
    assert draft.form(journey.form_spec) == {"amount": 50000.0, "bank": "建设银行",
                                              "phone": "13800000000"}


def test_a_refused_submission_is_shown_and_never_lost(ports: FlowPorts) -> None:
    journey = _at_form(ports, "KM-HPF-004")
    form, _materials = complete_form(journey)
    assert journey.submit_form(form, []) is Step.FORM        # material left out
    assert journey.message is not None and journey.message.code == "refused"
    assert "缺少材料：购房合同及发票" in journey.message.message
    dead = ports.outbox.entries("dead")
    assert len(dead) == 1 and dead[0].kind == "application"   # kept, for operators
    assert journey.submit_form(*complete_form(journey)) is Step.RESULT
    assert journey.result.case is not None


def test_the_commitment_must_be_accepted(ports: FlowPorts) -> None:
    journey = _at_form(ports, "KM-HPF-004", accept=False)
    assert journey.submit_form(*complete_form(journey)) is Step.FORM
    assert journey.message is not None and "未确认告知承诺" in journey.message.message


def test_deferred_materials_are_listed_on_the_receipt(ports: FlowPorts) -> None:
    journey = _at_form(ports, "KM-HPF-005")               # 租房提取: the lease may follow
    assert journey.form_spec.deferrable_missing(set(), True) == ["房屋租赁合同"]
    assert journey.submit_form(*complete_form(journey)) is Step.RESULT
    case = journey.result.case
    assert case is not None and [d.name for d in case.deferred] == ["房屋租赁合同"]
    due = case.deferred[0].due_by
    texts = "\n".join(journey.receipt_document().texts())
    assert "容缺受理" in texts and "房屋租赁合同" in texts and due in texts
    assert dict(journey.result_rows())["容缺补交"] == f"房屋租赁合同（{due}前）"


def _platform_sees(server: PlatformServer, case_no: str) -> dict[str, Any]:
    return dict(server.state.store.query("SELECT form FROM cases WHERE case_no=?",
                                         (case_no,))[0])


def test_the_form_reaches_the_back_office_typed(ports: FlowPorts, server: PlatformServer) -> None:
    journey = _at_form(ports, "KM-HPF-005")
    assert journey.submit_form(*complete_form(journey)) is Step.RESULT
    stored = _platform_sees(server, journey.result.case.case_no)["form"]
    assert '"amount": 100.0' in stored and '"bank": "工商银行"' in stored
