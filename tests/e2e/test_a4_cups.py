"""A4 certificates through a real CUPS server with a virtual PDF printer (cups-pdf),
followed over IPP: printed once, the spooled PDF is the issued one and its seal validates;
paper out (a disabled queue), a printer that stops mid-job, CUPS stopped mid-job; the
download link for the fallback slip (expired or altered → 4xx)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from common.events import EventBus
from kiosk.a4.ipp import IppClient
from kiosk.a4.jobs import JobLedger
from kiosk.a4.printer import A4Printer
from kiosk.platform.client import PlatformClient
from kiosk.platform.models import Certificate
from kiosk.platform.money_client import MoneyClient
from simulator.platform import idnumber
from simulator.platform.server import PlatformServer
from tests.e2e.cups_rig import Cups, available
from tests.e2e.money_rig import SECRET, TERMINAL, Recorder, eid_session

pytestmark = pytest.mark.skipif(not available(), reason="CUPS and cups-pdf not installed")
ITEM = "KM-HRSS-001"      # 社会保险个人参保证明打印


@pytest.fixture(scope="module")
def cups() -> Iterator[Cups]:
    server = Cups()
    server.start()
    yield server
    server.stop(remove=True)


@pytest.fixture(scope="module")
def platform() -> Iterator[PlatformServer]:
    srv = PlatformServer(seed=5)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def money(platform: PlatformServer) -> MoneyClient:
    return MoneyClient(PlatformClient(platform.url, TERMINAL, SECRET))


@pytest.fixture()
def cert(platform: PlatformServer, money: MoneyClient) -> Certificate:
    token = eid_session(platform, money.platform, idnumber.SAMPLE_IDS[0])
    return money.issue_certificate(ITEM, token)


@pytest.fixture()
def rig(cups: Cups, tmp_path: Path) -> Iterator[tuple[A4Printer, Recorder]]:
    cups.admin("cupsenable")
    cups.admin("cupsaccept")
    bus = EventBus()
    events = Recorder()
    bus.subscribe("*", events)
    ledger = JobLedger(tmp_path / "a4.sqlite3")
    printer = A4Printer(IppClient(cups.url), ledger, bus, follow_timeout_s=60, poll_s=0.1)
    yield printer, events
    ledger.close()
    cups.admin("cupsenable")
    cups.admin("cupsaccept")


def seal_valid(platform: PlatformServer, pdf: bytes) -> bool:
    reader = PdfFileReader(io.BytesIO(pdf))
    status = validate_pdf_signature(reader.embedded_signatures[0],
                                    ValidationContext(trust_roots=[platform.state.seal.ca_asn1]))
    return bool(status.bottom_line)


def test_certificate_printed_once_and_the_spooled_pdf_is_the_sealed_one(
        rig: tuple[A4Printer, Recorder], cups: Cups, cert: Certificate,
        platform: PlatformServer) -> None:
    printer, events = rig
    result = printer.print_document(cert.verification_code, cert.pdf)
    assert result.printed and result.job_id > 0 and not result.already
    spooled = cups.spooled(result.job_id)
    assert spooled == cert.pdf
    assert seal_valid(platform, spooled)
    tampered = spooled.replace(cert.verification_code.encode(), b"X" * 16, 1)
    assert tampered == spooled or not seal_valid(platform, tampered)
    jobs_before = len(printer.ipp.jobs("all"))
    again = printer.print_document(cert.verification_code, cert.pdf)
    assert again.printed and again.already and again.job_id == result.job_id
    assert len(printer.ipp.jobs("all")) == jobs_before          # nothing printed twice
    assert events.topics() == ["a4.job_created", "a4.printed"]


def test_paper_out_disabled_queue_falls_back_without_a_job(
        rig: tuple[A4Printer, Recorder], cups: Cups, cert: Certificate) -> None:
    printer, events = rig
    cups.admin("cupsdisable")
    jobs_before = len(printer.ipp.jobs("all"))
    result = printer.print_document(cert.verification_code, cert.pdf)
    assert not result.printed and result.reason == "printer_stopped"
    assert "paused" in result.printer_reasons
    assert len(printer.ipp.jobs("all")) == jobs_before
    assert events.topics() == ["a4.print_failed"]


def test_queue_refusing_jobs_falls_back(rig: tuple[A4Printer, Recorder], cups: Cups,
                                        cert: Certificate) -> None:
    printer, _ = rig
    cups.admin("cupsreject")
    assert printer.print_document(cert.verification_code, cert.pdf).reason == "not_accepting"


def test_printer_stopping_under_the_job_cancels_it(
        rig: tuple[A4Printer, Recorder], cups: Cups, cert: Certificate) -> None:
    printer, events = rig
    printer._before_submit = lambda: cups.admin("cupsdisable")
    result = printer.print_document(cert.verification_code, cert.pdf)
    assert not result.printed and result.reason == "printer_stopped" and result.job_id
    assert printer.ipp.job(result.job_id).state == "canceled"     # never prints later
    cups.admin("cupsenable")
    assert printer.ipp.job(result.job_id).state == "canceled"
    assert "a4.print_failed" in events.topics()


def test_cups_stopped_mid_job_then_the_job_is_cancelled_on_return(
        rig: tuple[A4Printer, Recorder], cups: Cups, cert: Certificate) -> None:
    printer, events = rig

    def stop_cups_with_the_job_queued() -> None:
        cups.admin("cupsdisable")
        printer._before_submit = None
        job = printer.ipp.print_job(cert.pdf, cert.verification_code)
        printer.ledger.set(cert.verification_code, "submitted", job)
        cups.stop()
        raise_on_submit.append(job)

    raise_on_submit: list[int] = []
    printer._before_submit = stop_cups_with_the_job_queued
    try:
        result = printer.print_document(cert.verification_code, cert.pdf)
    finally:
        cups.start()
    assert not result.printed and result.reason == "cups_unreachable"
    row = printer.ledger.get(cert.verification_code)
    assert row is not None and row.state == "abandoned" and row.job_id == raise_on_submit[0]
    assert printer.reconcile() == {"canceled": 1}
    assert printer.ipp.job(raise_on_submit[0]).state == "canceled"
    assert events.topics().count("a4.print_failed") == 1


def test_download_link_serves_the_sealed_pdf_and_refuses_bad_tokens(
        platform: PlatformServer, cert: Certificate) -> None:
    answer = requests.get(cert.download_url, timeout=10)
    assert answer.status_code == 200 and answer.content == cert.pdf
    assert answer.headers["content-type"] == "application/pdf"
    assert seal_valid(platform, answer.content)
    head, _, sig = cert.download_url.rpartition(".")
    altered = head + "." + ("0" if sig[0] != "0" else "1") + sig[1:]
    bad = requests.get(altered, timeout=10)
    assert bad.status_code == 403 and bad.json()["error"]["code"] == "link_invalid"
    token = cert.download_url.rsplit("/", 1)[1]
    real_clock = platform.state.clock
    platform.state.clock = lambda: real_clock() + platform.state.downloads.ttl_s + 1
    try:
        expired = requests.get(f"{platform.url}/d/{token}", timeout=10)
    finally:
        platform.state.clock = real_clock
    assert expired.status_code == 410 and expired.json()["error"]["code"] == "link_expired"
