"""Print a document on A4 through CUPS and follow the job over IPP until it is out.

``A4Printer.print_document(key, pdf)`` checks the queue first (a stopped or disabled
queue — our stand-in for paper out — means no job is sent), records the job in the
:class:`JobLedger` before and after Print-Job, then follows it: ``completed`` → printed;
``processing-stopped``, a queue that stops under a pending job, ``canceled``/``aborted``,
CUPS gone or no progress within ``follow_timeout_s`` → the job is cancelled (so it cannot
come out later for someone else) and the caller falls back to the slip. The same key is
never printed twice: a printed key answers ``already``; a key whose answer was lost is
found again by its job name. Operators hear of every fallback (``a4.print_failed``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from kiosk.a4.ipp import IppClient, IppError, JobStatus
from kiosk.a4.jobs import JobLedger

log = logging.getLogger(__name__)


class Publisher(Protocol):
    """The event bus as the A4 printer sees it."""

    def publish(self, topic: str, payload: Any = None) -> int:
        """Publish an event."""


@dataclass(frozen=True)
class A4Result:
    """How an A4 attempt ended. ``reason`` is empty when printed."""

    printed: bool
    reason: str = ""
    job_id: int = 0
    already: bool = False
    printer_reasons: tuple[str, ...] = ()


class A4Printer:
    """One CUPS queue, followed over IPP, with a ledger against double printing."""

    def __init__(self, ipp: IppClient, ledger: JobLedger, bus: Publisher,
                 follow_timeout_s: float = 90.0, poll_s: float = 0.25,
                 sleep: Callable[[float], None] = time.sleep,
                 before_submit: Callable[[], None] | None = None) -> None:
        self.ipp = ipp
        self.ledger = ledger
        self.bus = bus
        self.follow_timeout_s = follow_timeout_s
        self.poll_s = poll_s
        self._sleep = sleep
        self._before_submit = before_submit      # tests: stop the printer at this moment

    def print_document(self, key: str, pdf: bytes) -> A4Result:
        """Print once; on any failure the caller shows and prints the fallback slip."""
        row = self.ledger.get(key)
        if row is not None and row.state == "printed":
            return A4Result(True, "", row.job_id, already=True)
        if row is not None and row.state in ("submitting", "submitted"):
            job_id = row.job_id or self._find(key) or 0
            if job_id:
                return self._follow(key, job_id)
        try:
            status = self.ipp.printer_status()
        except IppError:
            return self._fallback(key, "cups_unreachable", 0)
        if not status.ready:
            reason = "not_accepting" if not status.accepting else "printer_stopped"
            return self._fallback(key, reason, 0, status.reasons)
        self.ledger.set(key, "submitting")
        if self._before_submit is not None:
            self._before_submit()
        try:
            job_id = self.ipp.print_job(pdf, key)
        except IppError:
            found = self._find(key)          # did the job get there before the answer got lost?
            if found is None:                # cannot tell: cancel it when CUPS is back
                self.ledger.set(key, "abandoned", reason="cups_unreachable")
                return self._fallback(key, "cups_unreachable", 0, record=False)
            if not found:
                return self._fallback(key, "cups_unreachable", 0)
            job_id = found
        self.ledger.set(key, "submitted", job_id)
        self.bus.publish("a4.job_created", {"job_id": job_id})
        return self._follow(key, job_id)

    def _find(self, key: str) -> int | None:
        """The live job printing ``key`` (0: none; None: CUPS cannot be asked)."""
        try:
            jobs = self.ipp.jobs("all")
        except IppError:
            return None
        live = [j for j in jobs if j.name == key and j.state not in ("canceled", "aborted")]
        return live[-1].job_id if live else 0

    def _follow(self, key: str, job_id: int) -> A4Result:
        deadline = time.monotonic() + self.follow_timeout_s
        while True:
            try:
                job = self.ipp.job(job_id)
                printer = self.ipp.printer_status() if not job.final else None
            except IppError:
                self.ledger.set(key, "abandoned", job_id, "cups_unreachable")
                return self._fallback(key, "cups_unreachable", job_id, record=False)
            if job.state == "completed":
                self.ledger.set(key, "printed", job_id)
                self.bus.publish("a4.printed", {"job_id": job_id})
                return A4Result(True, "", job_id)
            if job.state in ("canceled", "aborted"):
                return self._fallback(key, f"job_{job.state}", job_id, job.reasons)
            log.debug("job %s %s printer %s", job_id, job, printer)
            stopped = job.state == "processing-stopped" or (
                printer is not None and not printer.ready and job.state != "processing")
            if stopped or time.monotonic() >= deadline:
                reasons = printer.reasons if printer is not None else job.reasons
                return self._give_up(key, job, "printer_stopped" if stopped else "timeout",
                                     reasons)
            self._sleep(self.poll_s)

    def _give_up(self, key: str, job: JobStatus, reason: str,
                 reasons: tuple[str, ...]) -> A4Result:
        try:
            self.ipp.cancel(job.job_id)
        except IppError:
            self.ledger.set(key, "abandoned", job.job_id, reason)
            return self._fallback(key, reason, job.job_id, reasons, record=False)
        return self._fallback(key, reason, job.job_id, reasons)

    def _fallback(self, key: str, reason: str, job_id: int,
                  printer_reasons: tuple[str, ...] = (), record: bool = True) -> A4Result:
        if record:
            self.ledger.set(key, "fallback", job_id, reason)
        self.bus.publish("a4.print_failed", {"reason": reason, "job_id": job_id,
                                             "printer_reasons": list(printer_reasons)})
        log.warning("A4 printing failed: %s %s", reason, ",".join(printer_reasons))
        return A4Result(False, reason, job_id, printer_reasons=printer_reasons)

    def reconcile(self) -> dict[str, int]:
        """Cancel what was given up or left by a crash, so it never prints later; run at
        start-up and whenever CUPS answers again. Returns counts by outcome."""
        counts: dict[str, int] = {}
        for row in self.ledger.in_state("abandoned", "submitting", "submitted"):
            job_id = row.job_id or self._find(row.doc_key)
            if job_id is None:
                counts["left_for_later"] = counts.get("left_for_later", 0) + 1
                continue
            try:
                job = self.ipp.job(job_id) if job_id else None
                if job is not None and job.state == "completed":
                    self.ledger.set(row.doc_key, "printed", job_id)
                    self.bus.publish("a4.orphan_printed", {"job_id": job_id})
                    outcome = "orphan_printed"
                else:
                    if job is not None and not job.final:
                        self.ipp.cancel(job_id)
                    self.ledger.set(row.doc_key, "canceled", job_id, row.reason)
                    outcome = "canceled"
            except IppError:
                outcome = "left_for_later"
            counts[outcome] = counts.get(outcome, 0) + 1
        return counts
