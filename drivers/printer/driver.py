"""EscPosPrinter: the receipt printer device (ESC/POS over serial, TCP 9100, USB or lp).

A job is checked before it starts (paper out, cover open, offline or no answer: refused
with ``device_not_ready``), sent element by element with a status check between chunks,
and confirmed after it ends: the driver sends ``GS r 1`` — answered only once the printer
has worked through the job — and then checks DLE EOT status again. A job that fails
midway (paper ran out, cover opened, line lost) is ``hardware_error``; one the printer
never confirmed within ``job_timeout`` is ``timeout``; neither is ever reported as printed.

A write-only printer — configured ``status = "none"``, or detected (``status = "auto"``,
the default) because its line cannot carry an answer: ``file://``, an lp device that opens
write-only, a USB printer without an IN endpoint — is never asked for status: its jobs are
sent and the result is a success marked ``confirmed: False`` ("sent, not confirmed"), and
its status tells operators that paper and cover state are unknown. ``status = "dle_eot"``
insists on status answers (a printer that never answers is then offline). State and paper
changes are published on the bus as ``printer.state`` and ``printer.paper`` events.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

from drivers.base import (
    CancelToken,
    Capabilities,
    CommandResult,
    Completion,
    Deadline,
    Device,
    DeviceEvent,
    DeviceState,
    DeviceStateChanged,
    DeviceStatus,
)
from drivers.errors import ConfigError, DeviceError, DeviceOpenError, ProtocolError
from drivers.printer.channel import Opener, PrinterChannel
from drivers.printer.document import Document
from drivers.printer.encoding import UnprintableText
from drivers.printer.render import RenderedJob, Renderer
from drivers.printer.status import (
    NO_REPLY,
    PAPER_UNKNOWN,
    WRITE_ONLY,
    WRITE_ONLY_NOTE,
    PrinterStatus,
)
from drivers.printer.transports import open_transport

#: values of the ``status`` config key: how the driver learns the printer's state
STATUS_MODES = ("auto", "dle_eot", "none")
#: the message of a job sent to a write-only printer
SENT_NOT_CONFIRMED = (
    "sent, not confirmed: write-only printer (no status back-channel), paper and cover "
    "state unknown"
)


class EscPosPrinter(Device):
    """A Chinese receipt printer speaking ESC/POS."""

    device_class = "printer"

    def __init__(
        self,
        url: str,
        bus: Any = None,
        width_mm: int = 80,
        baudrate: int = 115200,
        status_timeout: float = 0.5,
        job_timeout: float = 30.0,
        strict_text: bool = False,
        chunk_bytes: int = 1024,
        confirm_job: bool = True,
        opener: Opener = open_transport,
        name: str = "printer",
        status_mode: str = "auto",
    ) -> None:
        if status_mode not in STATUS_MODES:
            raise ConfigError(f"printer: status must be one of {', '.join(STATUS_MODES)}, "
                              f"not {status_mode!r}")
        if job_timeout <= 0:
            raise ConfigError(f"printer: job_timeout must be positive, not {job_timeout}")
        self.url = url
        self.status_mode = status_mode
        self.bus = bus
        self.name = name
        self.job_timeout = job_timeout
        self.confirm_job = confirm_job
        self.chunk_bytes = max(64, chunk_bytes)
        self.renderer = Renderer(width_mm, strict_text)
        self.channel = PrinterChannel(url, baudrate, status_timeout, opener)
        self._lock = threading.RLock()
        self._last: RenderedJob | None = None
        self._state: DeviceState | None = None
        self._paper: str | None = None
        self._counters = {"jobs": 0, "printed": 0, "sent_unconfirmed": 0, "refused": 0,
                          "failed": 0}
        self._last_error = ""
        self._write_only_seen = False

    @classmethod
    def from_config(cls, config: Mapping[str, Any], bus: Any) -> EscPosPrinter:
        """Build from a ``[devices.printer]`` section: url, width_mm (58|80), baudrate,
        status (auto|dle_eot|none), job_timeout, confirm_job …"""
        url = str(config.get("url") or "")
        if not url:
            raise ConfigError("printer: config has no 'url'")
        width = int(config.get("width_mm", 80))
        if width not in (58, 80):
            raise ConfigError(f"printer: width_mm must be 58 or 80, not {width}")
        return cls(
            url,
            bus,
            width_mm=width,
            baudrate=int(config.get("baudrate", 115200)),
            status_timeout=float(config.get("status_timeout", 0.5)),
            job_timeout=float(config.get("job_timeout", 30.0)),
            strict_text=bool(config.get("strict_text", False)),
            confirm_job=bool(config.get("confirm_job", True)),
            name=str(config.get("name", "printer")),
            status_mode=str(config.get("status", "auto")),
        )

    def close(self) -> None:
        """Close the line (it reopens on the next command)."""
        with self._lock:
            self.channel.drop()

    # -- status --------------------------------------------------------------------------
    def query_status(self) -> PrinterStatus:
        """One raw DLE EOT round trip (no events); see :meth:`PrinterChannel.query`."""
        with self._lock:
            return self.channel.query()

    @property
    def write_only(self) -> bool:
        """True when the printer has no status back-channel (configured or detected;
        detection opens the line and may raise DeviceError)."""
        if self.status_mode != "auto":
            return self.status_mode == "none"
        return not getattr(self.channel.line(), "can_read", True)

    def _checked(self) -> tuple[PrinterStatus, DeviceError | None]:
        """Query status, publish changes, and return it with the error that stopped it."""
        with self._lock:
            try:
                current, error = (WRITE_ONLY if self.write_only else self.channel.query()), None
                self._write_only_seen = current.write_only
            except DeviceError as exc:
                current, error = NO_REPLY, exc
            self._publish(current, error)
            return current, error

    def status(self) -> DeviceStatus:
        """Current state with details paper (ok/low/out/unknown) and cover_open."""
        current, error = self._checked()
        if error is not None:
            return DeviceStatus(_error_state(error), current.details(), str(error))
        return current.as_device_status()

    def _publish(self, current: PrinterStatus, error: DeviceError | None = None) -> None:
        state = current.device_state() if error is None else _error_state(error)
        if state != self._state:
            previous, self._state = self._state, state
            message = str(error) if error is not None else current.problem()
            if self.bus is not None:
                self.bus.publish("printer.state", DeviceStateChanged(
                    "printer", state, message, previous, current.details()))
        if current.paper != self._paper:
            previous_paper, self._paper = self._paper, current.paper
            self._emit("paper", {"paper": current.paper, "previous": previous_paper})

    def _emit(self, kind: str, data: dict[str, Any]) -> None:
        if self.bus is not None:
            self.bus.publish(f"printer.{kind}", DeviceEvent(self.name, kind, data))

    # -- jobs ----------------------------------------------------------------------------
    def print_document(
        self, document: Document, timeout: float = 0, cancel: CancelToken | None = None
    ) -> CommandResult[dict[str, Any]]:
        """Render and print ``document``; the result says whether it really printed."""
        try:
            job = self.renderer.render(document)
        except UnprintableText as exc:
            return CommandResult.failure(Completion.INVALID_DATA, str(exc))
        self._last = job
        return self.print_job(job, timeout, cancel)

    def reprint_last(
        self, timeout: float = 0, cancel: CancelToken | None = None
    ) -> CommandResult[dict[str, Any]]:
        """Print the last receipt again (e.g. after the paper was refilled)."""
        if self._last is None:
            return CommandResult.failure(Completion.INVALID_DATA, "no receipt to reprint")
        return self.print_job(self._last, timeout, cancel)

    def forget_last(self) -> None:
        """Drop the kept receipt (at session end: it holds masked personal data)."""
        self._last = None

    @property
    def has_last(self) -> bool:
        """True when a receipt can be reprinted."""
        return self._last is not None

    def print_job(
        self, job: RenderedJob, timeout: float = 0, cancel: CancelToken | None = None
    ) -> CommandResult[dict[str, Any]]:
        """Send an already rendered job with pre-check, mid-job checks and post-check."""
        with self._lock:
            self._counters["jobs"] += 1
            result = self._run_job(job, Deadline(timeout), cancel or CancelToken())
            key = {Completion.SUCCESS: "printed", Completion.DEVICE_NOT_READY: "refused"}.get(
                result.completion, "failed"
            )
            if result.ok and result.value and result.value.get("confirmed") is False:
                key = "sent_unconfirmed"
            self._counters[key] += 1
            self._last_error = "" if result.ok else result.message
            return result

    def _run_job(
        self, job: RenderedJob, deadline: Deadline, cancel: CancelToken
    ) -> CommandResult[dict[str, Any]]:
        if cancel.cancelled:
            return CommandResult.failure(Completion.CANCELED, "canceled before printing")
        before, error = self._checked()
        if not before.ready:
            return CommandResult.failure(
                Completion.DEVICE_NOT_READY, f"not printed: {error or before.problem()}"
            )
        chunks = _chunks(job.segments, self.chunk_bytes)
        sent = 0
        try:
            for index, chunk in enumerate(chunks):
                if cancel.cancelled or deadline.expired:
                    return self._abort(job, sent, cancel.cancelled)
                self.channel.write(chunk)
                sent += len(chunk)
                if index < len(chunks) - 1 and not before.write_only:
                    mid, error = self._checked()
                    if not mid.ready:
                        return self._failed(f"{error or mid.problem()} during printing")
            if before.write_only:
                return CommandResult(Completion.SUCCESS, {
                    "kind": job.kind, "bytes": sent, "paper": PAPER_UNKNOWN,
                    "width_mm": job.width_mm, "confirmed": False,
                    "outcome": "sent_unconfirmed"}, SENT_NOT_CONFIRMED)
            after, confirmed = self._await_done(deadline)
        except DeviceError as exc:
            self.channel.drop()
            return self._failed(f"line lost during printing ({exc})")
        if not after.ready:
            return self._failed(after.problem() + " after printing")
        if not confirmed:
            return CommandResult.failure(
                Completion.TIMEOUT,
                "receipt not confirmed: the printer did not report the end of the job in time",
            )
        return CommandResult.success(
            {"kind": job.kind, "bytes": sent, "paper": after.paper, "width_mm": job.width_mm,
             "confirmed": True, "outcome": "printed"}
        )

    def _await_done(self, deadline: Deadline) -> tuple[PrinterStatus, bool]:
        """Send GS r 1 and wait for its answer (the printer worked through the job).

        Waits at most ``job_timeout`` (less when the caller's deadline comes first). Returns
        the final status and whether the job was confirmed; DLE EOT is polled while waiting,
        so a printer that stopped (paper out, cover open) ends the wait at once.
        """
        if not self.confirm_job:  # a printer without GS r: settle, then trust DLE EOT
            time.sleep(0.3)
            return self._checked()[0], True
        self.channel.start_confirmation()
        limit = deadline.remaining()
        end = time.monotonic() + (self.job_timeout if limit is None else min(limit,
                                                                             self.job_timeout))
        while True:
            self.channel.poll_confirmation(min(0.2, max(0.0, end - time.monotonic())))
            current, _ = self._checked()
            confirmed = self.channel.confirmed
            if confirmed or not current.ready or time.monotonic() >= end:
                return current, confirmed

    def _abort(self, job: RenderedJob, sent: int, canceled: bool) -> CommandResult[Any]:
        if sent:
            self.channel.write(self.renderer.encoder.cut())  # eject what was printed
        reason = "canceled" if canceled else "timed out"
        completion = Completion.CANCELED if canceled else Completion.TIMEOUT
        return CommandResult.failure(completion, f"{job.kind} receipt {reason}; not complete")

    def _failed(self, reason: str) -> CommandResult[Any]:
        return CommandResult.failure(
            Completion.HARDWARE_ERROR, f"receipt not printed completely: {reason}"
        )

    # -- Device --------------------------------------------------------------------------
    def capabilities(self) -> Capabilities:
        """Paper width, columns, cutter, native QR, raster images, Chinese GB18030."""
        enc = self.renderer.encoder
        return Capabilities(
            "printer",
            "ESC/POS",
            {"width_mm": enc.width_mm, "dots": enc.dots, "columns": enc.columns,
             "can_cut": True, "qr_native": True, "raster": True, "charset": "GB18030 2-byte",
             "status_channel": self.status_mode, "confirm_job": self.confirm_job},
        )

    def diagnostics(self) -> dict[str, Any]:
        """Counters, last error and the last known state (no receipt content)."""
        return {
            "url": self.url,
            "width_mm": self.renderer.width_mm,
            "status_channel": self.status_mode,
            "note": WRITE_ONLY_NOTE if self._write_only_seen else "",
            "state": self._state.value if self._state else "unknown",
            "paper": self._paper or PAPER_UNKNOWN,
            "last_error": self._last_error,
            "can_reprint": self.has_last,
            **self._counters,
        }

    def reset(self) -> CommandResult[None]:
        """Reopen the line and send ESC @ (initialise)."""
        with self._lock:
            self.channel.drop()
            try:
                self.channel.write(b"\x1b@")
            except DeviceError as exc:
                return CommandResult.failure(exc.completion, str(exc))
            return CommandResult.success()


def _error_state(error: DeviceError) -> DeviceState:
    """The device state behind a failed status check."""
    if isinstance(error, DeviceOpenError):
        return DeviceState.NO_DEVICE
    if isinstance(error, ProtocolError):
        return DeviceState.HARDWARE_ERROR
    return DeviceState.OFFLINE


def _chunks(segments: tuple[bytes, ...], size: int) -> list[bytes]:
    """Group whole segments into chunks of about ``size`` bytes (never splitting one)."""
    chunks: list[bytes] = []
    current = b""
    for segment in segments:
        if current and len(current) + len(segment) > size:
            chunks.append(current)
            current = b""
        current += segment
    if current:
        chunks.append(current)
    return chunks
