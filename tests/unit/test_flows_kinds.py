"""The remaining flow kinds and the rules across one visit (no Kivy, real platform simulator):
guide only, certificate, appointment, e-ID identity, identity and evaluation once per visit,
no way back past a submitted step, and the wipe at the end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from drivers.base import Completion
from kiosk.appointments.booking import BookingDesk
from kiosk.flows.journey import Journey
from kiosk.flows.ports import FlowPorts
from kiosk.flows.steps import Step
from kiosk.platform.money_client import MoneyClient
from kiosk.session import Session
from simulator.platform.payloads import platform_key, sample_payloads
from simulator.platform.server import PlatformServer
from tests.unit.flow_rig import RecordingPrinter, complete_form, face_photo, flow_ports

ID_NUMBER = "530102198503121313"


class Card:
    name = "张晓明"
    id_number = ID_NUMBER
    photo = bytearray(b"\x01" * 32)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "id_number": self.id_number, "sex": "男", "nation": "汉",
                "birth_date": "1985-03-12", "address": "云南省昆明市五华区华山南路100号",
                "issuer": "昆明市公安局五华分局", "valid_from": "2016-05-20",
                "valid_to": "2036-05-20"}


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


def _item(ports: FlowPorts, code: str) -> Any:
    return ports.platform.item(code)


def test_a_guide_item_is_read_without_identity(ports: FlowPorts) -> None:
    session = Session()
    journey = Journey(_item(ports, "KM-TAX-014"), session, ports)
    assert journey.step is Step.GUIDE and not journey.needs_identity
    assert journey.advance() is Step.EVALUATE   # a guide read is rated too (凡办必评)
    rateable = journey.result.rateable
    assert rateable is not None and rateable.kind == "guide"
    journey.skip_evaluation()
    assert journey.advance() is Step.DONE
    assert session.identity is None and not session.identified


def test_certificate_with_card_and_face_has_a_verifiable_code(ports: FlowPorts) -> None:
    journey = Journey(_item(ports, "KM-HRSS-001"), Session(), ports)
    assert journey.advance() is Step.IDENTIFY
    assert journey.identify_card(Card(), face_photo()), journey.message
    assert journey.step is Step.RESULT and journey.message is None
    cert = journey.result.certificate
    assert cert.pdf.startswith(b"%PDF") and cert.qr_payload == f"EBT1:CERT:{cert.verification_code}"
    assert dict(journey.result_rows())["验证码"] == cert.verification_code
    assert journey.print_receipt() and journey.printed


def test_identity_is_asked_once_per_visit(ports: FlowPorts) -> None:
    session = Session()
    first = Journey(_item(ports, "KM-HPF-002"), session, ports)
    first.advance()
    assert first.identify_card(Card(), face_photo())
    second = Journey(_item(ports, "KM-HPF-003"), session, ports)
    assert second.advance() is Step.RESULT          # already identified: straight to result
    assert second.message is None and second.result.query is not None


def test_an_electronic_id_qr_identifies(ports: FlowPorts, server: PlatformServer) -> None:
    eid = sample_payloads(platform_key(0), ID_NUMBER)["eid"]
    session = Session()
    journey = Journey(_item(ports, "KM-HPF-002"), session, ports)
    journey.advance()
    assert not journey.identify_qr("EBT1:EID:broken.0000000000000000")
    assert journey.step is Step.IDENTIFY and journey.message is not None
    assert journey.identify_qr(eid), journey.message
    assert journey.step is Step.RESULT and session.identified


def test_appointment_books_a_real_slot_and_offers_evaluation(ports: FlowPorts) -> None:
    ports.booking = BookingDesk(MoneyClient(ports.platform), 25.04, 102.71)
    session = Session()
    journey = Journey(_item(ports, "KM-HEALTH-009"), session, ports)
    journey.advance()
    assert journey.identify_card(Card(), face_photo())
    assert journey.step is Step.BOOK and journey.booking is not None
    assert journey.booking.load_venues() is None
    venue = journey.booking.state.venues[0].venue
    assert journey.booking.choose_venue(venue.id) is None
    day = journey.booking.state.days[0]
    slot = next(s for s in day.slots if s.left)
    assert journey.booking.choose_slot(day.date, slot.start) is None
    assert journey.confirm_booking() and journey.step is Step.RESULT
    assert session.case_numbers and journey.receipt_document() is not None
    assert journey.back() is Step.RESULT             # never back past a booking


def test_evaluation_is_offered_once_per_visit(ports: FlowPorts) -> None:
    session = Session()
    journey = Journey(_item(ports, "KM-PSB-001"), session, ports)
    journey.advance()
    journey.identify_card(Card(), face_photo())
    journey.accept_commitment()
    journey.submit_form(*complete_form(journey))
    assert journey.advance() is Step.EVALUATE
    assert journey.evaluate(5)
    again = Journey(_item(ports, "KM-PSB-002"), session, ports)
    again.advance()
    again.accept_commitment()
    again.submit_form(*complete_form(again))
    assert again.advance() is Step.DONE             # already rated in this visit


def test_the_wipe_forgets_the_visit(ports: FlowPorts) -> None:
    session = Session()
    card = Card()
    card.photo = bytearray(b"\x07" * 32)
    journey = Journey(_item(ports, "KM-HPF-002"), session, ports)
    journey.advance()
    journey.identify_card(card, face_photo())
    assert session.identified and session.results
    session.wipe()
    assert card.photo == bytearray(32)
    assert session.identity is None and session.identity_token is None
    assert not session.results and not session.case_numbers and session.wiped


def test_paper_out_on_a_query_does_not_promise_a_qr(ports: FlowPorts) -> None:
    ports.printer = RecordingPrinter(fail=Completion.DEVICE_NOT_READY)
    journey = Journey(_item(ports, "KM-HPF-002"), Session(), ports)
    journey.advance()
    journey.identify_card(Card(), face_photo())
    assert not journey.print_receipt()
    assert journey.message is not None and journey.message.code == "print_failed"
    assert "二维码" not in journey.message.message and "拍照保存本页" in journey.message.message
