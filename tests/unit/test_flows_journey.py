"""The flow engine against the real platform simulator (no Kivy): every flow kind."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from drivers.base import Completion
from kiosk.flows.journey import Journey
from kiosk.flows.ports import FlowPorts
from kiosk.flows.steps import Step, steps_for
from kiosk.session import Session
from simulator.platform.idnumber import SAMPLE_IDS
from simulator.platform.server import PlatformServer
from tests.unit.flow_rig import RecordingPrinter, complete_form, face_photo, flow_ports


class Card:
    """What the ID-card driver's record offers to a journey."""

    name = "李明华"
    id_number = "530102199003071211"
    photo = bytearray(16)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "id_number": self.id_number, "sex": "男",
                "nation": "汉", "birth_date": "1990-03-07", "address": "云南省昆明市五华区",
                "issuer": "昆明市公安局五华分局", "valid_from": "2020-01-01",
                "valid_to": "2040-01-01"}


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, PlatformServer]]:
    server = PlatformServer(state_dir=tmp_path_factory.mktemp("platform"))
    url = server.start()
    yield url, server
    server.stop()


@pytest.fixture
def ports(platform: tuple[str, PlatformServer], tmp_path: Path) -> Iterator[FlowPorts]:
    with flow_ports(platform[0], tmp_path) as built:
        yield built


def _item(ports: FlowPorts, flow: str, identity: str | None = None) -> Any:
    items = ports.platform.catalog().items
    for item in sorted(items, key=lambda i: -i.popularity):
        if item.flow == flow and (identity is None or item.identity_level == identity):
            return item
    raise AssertionError(f"no {flow} item in the catalog")


def test_every_flow_kind_has_steps_ending_in_done() -> None:
    for flow in ("guide", "query", "certificate", "application", "appointment", "progress"):
        assert steps_for(flow)[-1] is Step.DONE
    assert steps_for("unknown-kind") == steps_for("guide")


def test_query_identifies_with_card_and_face_then_prints_a_slip(ports: FlowPorts) -> None:
    session = Session()
    journey = Journey(_item(ports, "query"), session, ports)
    assert journey.step is Step.GUIDE
    assert journey.advance() is Step.IDENTIFY
    assert journey.identify_card(Card(), face_photo()), journey.message
    assert journey.step is Step.RESULT and journey.message is None
    rows = journey.result_rows()
    assert rows and all(len(r) == 2 for r in rows)
    assert journey.print_receipt()
    assert ports.printer.docs  # type: ignore[union-attr]
    assert journey.advance() is Step.EVALUATE  # 凡办必评: a query is rated too
    rateable = journey.result.rateable
    assert rateable is not None and rateable.kind == "query"
    assert journey.evaluation_later() == rateable.proof
    assert journey.evaluate(4)
    assert journey.step is Step.DONE
    answer = ports.outbox.deliver(journey.result.evaluation_key, 10)
    assert answer is not None and answer.case_no == rateable.number


def test_a_rejected_face_keeps_the_citizen_on_identify(
    ports: FlowPorts, platform: tuple[str, PlatformServer],
) -> None:
    _, server = platform
    server.faults.set("reject_face")
    try:
        journey = Journey(_item(ports, "query"), Session(), ports)
        journey.advance()
        assert not journey.identify_card(Card(), face_photo())
        assert journey.step is Step.IDENTIFY
        assert journey.message is not None and journey.message.code == "identity_rejected"
    finally:
        server.faults.clear()


def test_application_goes_through_the_outbox_and_evaluation(ports: FlowPorts) -> None:
    session = Session()
    journey = Journey(_item(ports, "application"), session, ports)
    journey.advance()
    assert journey.identify_card(Card(), face_photo())
    assert journey.step is Step.COMMITMENT
    assert journey.accept_commitment() is Step.FORM
    assert journey.submit_form(*complete_form(journey)) is Step.RESULT
    case_no = journey.result.case_no
    assert len(case_no) == 20 and case_no.startswith("530100")
    assert session.case_numbers == [case_no]
    assert journey.print_receipt()
    assert journey.advance() is Step.EVALUATE
    assert not journey.evaluate(1)  # a bad review needs a reason
    assert journey.message is not None and journey.message.code == "reason_needed"
    assert journey.evaluate(1, "等候时间太长")
    assert journey.step is Step.DONE and session.evaluated
    assert ports.outbox.deliver(journey.result.evaluation_key, 10) is not None  # sent on its own
    later = journey.evaluation_later()
    assert later is not None and later.startswith("EBT1:EVAL:" + case_no)


def test_platform_down_queues_the_application_and_says_so(
    ports: FlowPorts, platform: tuple[str, PlatformServer],
) -> None:
    _, server = platform
    session = Session()
    journey = Journey(_item(ports, "application"), session, ports)
    journey.advance()
    assert journey.identify_card(Card(), face_photo())
    journey.accept_commitment()
    server.faults.set("error_5xx")
    try:
        ports.delivery_wait_s = 0.5
        assert journey.submit_form(*complete_form(journey)) is Step.RESULT
        assert journey.message is not None and journey.message.code == "queued"
        assert journey.result.case is None
        assert [e.kind for e in ports.outbox.pending()] == ["application"]
    finally:
        server.faults.clear()
    key = journey.result.idempotency_key
    for _ in range(50):  # the outbox backs off after failures; the platform is back now
        ports.outbox.drain_once()
        if ports.outbox.result(key) is not None:
            break
        time.sleep(0.1)
    assert ports.outbox.result(key) is not None


class OtherCard(Card):
    """Another citizen (a valid ID number that is not the applicant's)."""

    name = "王秀英"
    id_number = SAMPLE_IDS[1]


def _case(ports: FlowPorts) -> Journey:
    app = Journey(_item(ports, "application"), Session(), ports)
    app.advance()
    app.identify_card(Card(), face_photo())
    app.accept_commitment()
    app.submit_form(*complete_form(app))
    assert app.result.case is not None
    return app


def test_progress_by_typed_number_asks_the_owner_to_identify(ports: FlowPorts) -> None:
    case_no = _case(ports).result.case_no
    progress = Journey(_item(ports, "progress"), Session(), ports)
    assert progress.step is Step.CASE_ENTRY
    assert progress.enter_case(case_no) and progress.step is Step.IDENTIFY
    assert progress.identify_card(Card(), face_photo()), progress.message
    assert progress.step is Step.RESULT and progress.message is None
    assert dict(progress.result_rows())["受理编号"] == case_no
    assert progress.result.rateable is not None  # the owner may rate the case


def test_a_guessed_case_number_cannot_be_read_or_rated(ports: FlowPorts) -> None:
    case_no = _case(ports).result.case_no
    session = Session()
    stranger = Journey(_item(ports, "progress"), session, ports)
    stranger.enter_case(case_no)
    assert stranger.identify_card(OtherCard(), face_photo())
    assert stranger.step is Step.RESULT and stranger.result.progress is None
    assert stranger.message is not None and stranger.message.code == "not_found"
    assert stranger.result.rateable is None
    # the same answer as for a number nobody has
    other = Journey(_item(ports, "progress"), session, ports)
    assert not other.enter_case("53010020000101999999")
    assert other.message is not None and other.message.code == "not_found"
    # a forged receipt QR is no proof either
    forged = Journey(_item(ports, "progress"), Session(), ports)
    assert not forged.enter_case(case_no, f"EBT1:CASE:{case_no}:0123456789abcdef")
    assert forged.message is not None and forged.message.code == "not_found"


def test_progress_by_the_receipts_signed_qr_needs_no_identity(ports: FlowPorts) -> None:
    receipt = _case(ports).result.case
    assert receipt is not None and receipt.progress_qr.count(":") == 3
    progress = Journey(_item(ports, "progress"), Session(), ports)
    assert progress.enter_case(receipt.case_no, receipt.progress_qr)
    assert progress.step is Step.RESULT and not progress.session.identified
    assert progress.result.progress is not None


def test_printer_out_of_paper_keeps_the_qr_on_screen(ports: FlowPorts) -> None:
    ports.printer = RecordingPrinter(fail=Completion.DEVICE_NOT_READY)
    events: list[str] = []
    ports.bus.subscribe("journey.*", lambda t, p: events.append(t))  # type: ignore[attr-defined]
    session = Session()
    journey = Journey(_item(ports, "application"), session, ports)
    journey.advance()
    journey.identify_card(Card(), face_photo())
    journey.accept_commitment()
    journey.submit_form(*complete_form(journey))
    assert not journey.print_receipt()
    assert journey.result.print_failed and journey.result.progress_qr.startswith("EBT1:CASE:")
    assert journey.message is not None and journey.message.code == "print_failed"
    assert "journey.print_failed" in events


def test_a_write_only_printer_keeps_the_qr_and_says_why(ports: FlowPorts) -> None:
    """Issue 18's write-only printers answer "sent, not confirmed": the receipt counts as
    printed but the citizen is told to keep the QR in case no paper came out."""
    from drivers.base import CommandResult

    class WriteOnly(RecordingPrinter):
        def print_document(self, doc: Any, timeout: float = 0, cancel: Any = None
                           ) -> CommandResult[Any]:
            self.docs.append(doc)
            return CommandResult.success({"confirmed": False, "bytes": 10})

    ports.printer = WriteOnly()
    journey = Journey(_item(ports, "application"), Session(), ports)
    journey.advance()
    assert journey.identify_card(Card(), face_photo())
    journey.accept_commitment()
    journey.submit_form({"phone": "13800000000"}, [])
    assert journey.print_receipt() and journey.printed
    assert journey.message is not None and journey.message.code == "print_unconfirmed"
    assert journey.result.progress_qr.startswith("EBT1:CASE:")
