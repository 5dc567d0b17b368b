"""The IPP codec and the A4 job follower without a CUPS server: encoding and decoding,
a printed document never printed again, a stopped queue, an aborted job, a lost Print-Job
answer found again by the job's name, a job that never moves (cancelled), CUPS gone."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

from common.events import EventBus
from kiosk.a4.ipp import (
    GROUP_JOB,
    GROUP_OPERATION,
    GROUP_PRINTER,
    OP_PRINT_JOB,
    T_ENUM,
    T_INTEGER,
    T_KEYWORD,
    IppError,
    JobStatus,
    PrinterStatus,
    decode,
    encode,
)
from kiosk.a4.jobs import JobLedger
from kiosk.a4.printer import A4Printer


def _attr(tag: int, name: str, raw: bytes) -> bytes:
    return struct.pack(">BH", tag, len(name)) + name.encode() + struct.pack(">H", len(raw)) + raw


def test_encode_puts_charset_language_then_attributes_and_end() -> None:
    data = encode(OP_PRINT_JOB, 7, [(T_KEYWORD, "requested-attributes", ["a", "b"])],
                  [(T_INTEGER, "copies", 1)])
    assert data[:8] == struct.pack(">BBHI", 1, 1, OP_PRINT_JOB, 7)
    assert data[8] == GROUP_OPERATION
    assert b"attributes-charset" in data and b"utf-8" in data
    assert data.index(b"requested-attributes") < data.index(b"copies")
    assert data.count(b"\x44\x00\x00\x00\x01b") == 1           # second value: empty name
    assert data[-1] == 0x03


def test_decode_reads_groups_and_multiple_values() -> None:
    body = (struct.pack(">BBHI", 1, 1, 0x0000, 7) + bytes([GROUP_OPERATION])
            + _attr(0x47, "attributes-charset", b"utf-8") + bytes([GROUP_JOB])
            + _attr(T_INTEGER, "job-id", struct.pack(">i", 42))
            + _attr(T_ENUM, "job-state", struct.pack(">i", 9))
            + _attr(T_KEYWORD, "job-state-reasons", b"job-completed-successfully")
            + _attr(T_KEYWORD, "", b"other") + bytes([GROUP_PRINTER])
            + _attr(0x22, "printer-is-accepting-jobs", b"\x01") + b"\x03")
    answer = decode(body)
    assert answer.status == 0 and answer.request_id == 7
    job = answer.group(GROUP_JOB)[0]
    assert job["job-id"] == [42] and job["job-state"] == [9]
    assert job["job-state-reasons"] == ["job-completed-successfully", "other"]
    assert answer.group(GROUP_PRINTER)[0]["printer-is-accepting-jobs"] == [True]


class FakeIpp:
    """An IPP queue in memory: jobs move through scripted states on each poll."""

    def __init__(self, states: list[str], printer: PrinterStatus | None = None) -> None:
        self.states = states
        self.printer = printer or PrinterStatus("idle", ("none",), True)
        self.jobs_made: list[tuple[int, str]] = []
        self.cancelled: list[int] = []
        self.fail_submit_after_queueing = False
        self.down = False

    def printer_status(self) -> PrinterStatus:
        if self.down:
            raise IppError("unreachable")
        return self.printer

    def print_job(self, document: bytes, job_name: str, mime: str = "") -> int:
        if self.down:
            raise IppError("unreachable")
        self.jobs_made.append((len(self.jobs_made) + 1, job_name))
        if self.fail_submit_after_queueing:
            raise IppError("answer lost")
        return len(self.jobs_made)

    def job(self, job_id: int) -> JobStatus:
        if self.down:
            raise IppError("unreachable")
        if job_id in self.cancelled:
            return JobStatus(job_id, "canceled", ("none",))
        state = self.states.pop(0) if len(self.states) > 1 else self.states[0]
        return JobStatus(job_id, state, ("none",))

    def jobs(self, which: str = "all") -> list[JobStatus]:
        if self.down:
            raise IppError("unreachable")
        return [JobStatus(i, "pending", ("none",), name) for i, name in self.jobs_made]

    def cancel(self, job_id: int) -> None:
        if self.down:
            raise IppError("unreachable")
        self.cancelled.append(job_id)


def make(ipp: FakeIpp, tmp_path: Path, follow_timeout_s: float = 60) -> tuple[A4Printer, list]:
    events: list[tuple[str, Any]] = []
    bus = EventBus()
    bus.subscribe("a4.*", lambda t, p: events.append((t, p)))
    printer = A4Printer(ipp, JobLedger(tmp_path / "a4.sqlite3"), bus,  # type: ignore[arg-type]
                        follow_timeout_s=follow_timeout_s, poll_s=0, sleep=lambda _s: None)
    return printer, events


def test_printed_once_then_never_again(tmp_path: Path) -> None:
    ipp = FakeIpp(["pending", "processing", "completed"])
    printer, events = make(ipp, tmp_path)
    assert printer.print_document("CODE1", b"%PDF").printed
    again = printer.print_document("CODE1", b"%PDF")
    assert again.printed and again.already and len(ipp.jobs_made) == 1
    assert [t for t, _ in events] == ["a4.job_created", "a4.printed"]


def test_stopped_queue_sends_no_job(tmp_path: Path) -> None:
    ipp = FakeIpp(["completed"], PrinterStatus("stopped", ("media-empty",), True))
    printer, events = make(ipp, tmp_path)
    result = printer.print_document("CODE2", b"%PDF")
    assert not result.printed and result.reason == "printer_stopped"
    assert result.printer_reasons == ("media-empty",) and ipp.jobs_made == []
    assert events[-1][0] == "a4.print_failed"


def test_aborted_job_falls_back(tmp_path: Path) -> None:
    printer, _ = make(FakeIpp(["processing", "aborted"]), tmp_path)
    assert printer.print_document("CODE3", b"%PDF").reason == "job_aborted"


def test_lost_answer_is_found_by_name_and_followed(tmp_path: Path) -> None:
    ipp = FakeIpp(["completed"])
    ipp.fail_submit_after_queueing = True
    printer, _ = make(ipp, tmp_path)
    result = printer.print_document("CODE4", b"%PDF")
    assert result.printed and result.job_id == 1 and len(ipp.jobs_made) == 1


def test_job_that_never_moves_is_cancelled(tmp_path: Path) -> None:
    ipp = FakeIpp(["pending"])
    printer, _ = make(ipp, tmp_path, follow_timeout_s=0)
    result = printer.print_document("CODE5", b"%PDF")
    assert result.reason == "timeout" and ipp.cancelled == [1]


def test_cups_gone_after_submit_then_cancelled_on_return(tmp_path: Path) -> None:
    ipp = FakeIpp(["pending"])
    printer, _ = make(ipp, tmp_path)
    original = ipp.print_job

    def submit_then_die(document: bytes, job_name: str, mime: str = "") -> int:
        job = original(document, job_name)
        ipp.down = True
        return job

    ipp.print_job = submit_then_die  # type: ignore[method-assign]
    result = printer.print_document("CODE6", b"%PDF")
    assert result.reason == "cups_unreachable"
    assert printer.reconcile() == {"left_for_later": 1}        # still away: nothing lost
    ipp.down = False
    assert printer.reconcile() == {"canceled": 1} and ipp.cancelled == [1]
