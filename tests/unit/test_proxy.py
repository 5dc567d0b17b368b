"""代办: the agent identifies (card and face), then the principal's card is read, the
platform records the authorisation, and the receipt names both, masked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.flows.journey import CardNext, Journey
from kiosk.flows.ports import FlowPorts
from kiosk.flows.steps import Step
from kiosk.session import Session
from simulator.platform.server import PlatformServer
from tests.unit.flow_rig import complete_form, face_photo, flow_ports
from tests.unit.test_flows_journey import Card, OtherCard


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


def test_an_agent_applies_for_the_principal_and_the_receipt_names_both(
        ports: FlowPorts, server: PlatformServer) -> None:
    session = Session()
    journey = Journey(ports.platform.item("KM-CIVIL-007"), session, ports)   # 高龄津贴申领
    assert journey.advance() is Step.IDENTIFY
    journey.request_proxy()
    assert journey.after_card_read(camera_available=True) is CardNext.FACE
    assert not journey.identify_card(Card(), face_photo())       # the agent passed ...
    assert journey.awaiting_principal and journey.message.code == "principal_needed"
    assert journey.after_card_read(camera_available=True) is CardNext.VERIFY
    assert journey.identify_card(OtherCard(), None), journey.message  # ... the principal's card
    assert journey.step is Step.COMMITMENT and session.proxy is not None
    journey.accept_commitment()
    assert journey.submit_form(*complete_form(journey)) is Step.RESULT
    proxy = journey.result.case.proxy
    assert proxy is not None and proxy.relation == "委托"
    assert proxy.agent_masked.endswith(Card.id_number[-4:])
    assert proxy.principal_masked.endswith(OtherCard.id_number[-4:])
    texts = "\n".join(journey.receipt_document().texts())
    assert proxy.agent_masked in texts and proxy.principal_masked in texts
    assert Card.id_number not in texts and OtherCard.id_number not in texts
    rows = dict(journey.result_rows())
    assert rows["代办人"] == proxy.agent_masked and rows["委托人"] == proxy.principal_masked
    recorded = server.state.store.query("SELECT authorisation_no FROM case_proxies "
                                        "WHERE case_no=?", (journey.result.case.case_no,))
    assert [r[0] for r in recorded] == [proxy.authorisation_no]
    session.wipe()
    assert session.proxy is None and session.proxy_agent_label == ""


def test_an_agent_without_the_face_check_cannot_act_for_anyone(ports: FlowPorts) -> None:
    journey = Journey(ports.platform.item("KM-CIVIL-007"), Session(), ports)
    journey.advance()
    journey.request_proxy()
    assert not journey.identify_card(Card(), None)                  # card only: no face
    assert journey.awaiting_principal
    assert not journey.identify_card(OtherCard(), None)
    assert journey.message is not None and journey.message.code == "principal_rejected"
    assert journey.step is Step.IDENTIFY
