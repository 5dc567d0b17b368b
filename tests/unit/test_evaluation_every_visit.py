"""好差评 after every visit kind, once per visit, and only by the citizen it belongs to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.flows.journey import Journey
from kiosk.flows.ports import FlowPorts
from kiosk.flows.steps import Step
from kiosk.platform import errors
from kiosk.platform.service_client import ServiceClient
from kiosk.session import Session
from simulator.platform.server import PlatformServer
from tests.unit.flow_rig import face_photo, flow_ports
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


def _item(ports: FlowPorts, code: str) -> Any:
    return ports.platform.item(code)


def test_a_certificate_is_rated_by_its_service_record(ports: FlowPorts,
                                                      server: PlatformServer) -> None:
    journey = Journey(_item(ports, "KM-HRSS-001"), Session(), ports)
    journey.advance()
    assert journey.identify_card(Card(), face_photo())
    assert journey.step is Step.RESULT and journey.result.certificate is not None
    assert journey.advance() is Step.EVALUATE
    rateable = journey.result.rateable
    assert rateable is not None and rateable.kind == "certificate"
    record = server.state.evaluations.services.get(rateable.number)
    assert record is not None and record.item_code == "KM-HRSS-001"
    assert record.visit_id == journey.session.visit_id
    assert journey.evaluate(5)
    answer = ports.outbox.deliver(journey.result.evaluation_key, 10)
    assert answer is not None and answer.level == 5


def test_one_evaluation_per_visit(ports: FlowPorts, server: PlatformServer) -> None:
    session = Session()
    first = Journey(_item(ports, "KM-TAX-014"), session, ports)     # a guide
    assert first.advance() is Step.EVALUATE
    assert first.evaluate(3)
    assert ports.outbox.deliver(first.result.evaluation_key, 10) is not None
    second = Journey(_item(ports, "KM-HPF-002"), session, ports)    # a query, same visit
    second.advance()
    assert second.identify_card(Card(), face_photo())
    assert second.advance() is Step.DONE      # the visit has rated: no second offer
    assert second.result.rateable is None
    with pytest.raises(RuntimeError):
        second.rating.evaluate(5, "")
    # and the platform refuses a second rating of the visit even if one were sent
    services = ServiceClient(ports.platform)
    other = services.register("KM-TAX-015", "guide", "svc-extra", visit_id=session.visit_id)
    with pytest.raises(errors.Conflict) as exc:
        services.evaluate(other.service_no, 5, "", "eval-extra", proof=other.evaluation_qr,
                          visit_id=session.visit_id)
    assert exc.value.code == "visit_already_evaluated"


def test_service_records_are_bound_to_what_was_done(ports: FlowPorts) -> None:
    services = ServiceClient(ports.platform)
    with pytest.raises(errors.IdentityRejected):      # a query needs the citizen's session
        services.register("KM-HPF-002", "query", "svc-q-0001")
    token = ports.platform.identify_idcard(
        {k: v for k, v in Card().as_dict().items()} | {"id_number": Card.id_number,
                                                        "name": Card.name}, None).token
    with pytest.raises(errors.NotFound):              # a certificate the platform never issued
        services.register("KM-HRSS-001", "certificate", "svc-c-0001", reference="0" * 16,
                          token=token)
    a = services.register("KM-HPF-002", "query", "svc-q-0002", token=token)
    b = services.register("KM-HPF-002", "query", "svc-q-0003", token=token)
    assert a.service_no != b.service_no and a.service_no[:6] == "530100"
    assert services.register("KM-HPF-002", "query", "svc-q-0002", token=token).duplicate


def test_a_guessed_number_cannot_be_rated(ports: FlowPorts, server: PlatformServer) -> None:
    services = ServiceClient(ports.platform)
    real = services.register("KM-TAX-014", "guide", "svc-g-guess")
    for proof in ("", f"EBT1:CASE:{real.service_no}:0123456789abcdef"):
        with pytest.raises(errors.NotFound):
            services.evaluate(real.service_no, 5, "", "eval-guess", proof=proof)
    assert services.evaluate(real.service_no, 5, "", "eval-guess",
                             proof=real.evaluation_qr).level == 5


def test_case_numbers_are_not_serial(server: PlatformServer) -> None:
    from simulator.platform.cases import fresh_number

    draws = iter([7, 7, 123456])
    with server.state.store.transaction() as conn:
        first = fresh_number(conn, "20261121", lambda _n: next(draws))
        conn.execute("INSERT INTO services VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                     (first, "guide", "X", "X", "X", "", "T", "", "", "k-serial", 0.0))
        second = fresh_number(conn, "20261121", lambda _n: next(draws))
    assert first.endswith("000007") and second.endswith("123456")   # a taken number is skipped


def test_an_appointment_is_rated_by_its_booking(ports: FlowPorts) -> None:
    from kiosk.appointments.booking import BookingDesk
    from kiosk.platform.money_client import MoneyClient

    ports.booking = BookingDesk(MoneyClient(ports.platform), 25.04, 102.71)
    journey = Journey(_item(ports, "KM-HEALTH-009"), Session(), ports)
    journey.advance()
    assert journey.identify_card(Card(), face_photo())
    assert journey.booking is not None and journey.booking.load_venues() is None
    assert journey.booking.choose_venue(journey.booking.state.venues[0].venue.id) is None
    day = journey.booking.state.days[0]
    assert journey.booking.choose_slot(day.date, next(s for s in day.slots if s.left).start) \
        is None
    assert journey.confirm_booking() and journey.step is Step.RESULT
    assert journey.advance() is Step.EVALUATE
    rateable = journey.result.rateable
    assert rateable is not None and rateable.kind == "appointment"
    assert journey.evaluate(5)
