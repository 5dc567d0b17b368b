"""The conversation with a printer over one line: status queries and job confirmation.

:class:`PrinterChannel` owns the transport (opened lazily by URL, dropped when it dies) and
speaks the two reply kinds a printer sends back:

* DLE EOT status bytes (pattern ``0xx1xx10``), answered at once;
* the GS r 1 reply (``0000xxxx``), answered only when the printer has worked through the
  data before it — the driver's "job done" confirmation.

Bit 4 tells them apart, so a status query may run while a confirmation is pending. Any
other byte is a protocol error.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from drivers.errors import DeviceError, DeviceOpenError, ProtocolError
from drivers.printer.status import (
    NO_REPLY,
    QUERY,
    REPLY_LENGTH,
    PrinterStatus,
    is_status_byte,
    parse_reply,
)
from drivers.printer.transports import PrinterTransport, open_transport

#: GS r 1 — transmit paper sensor status, processed in order after the job's data
JOB_BARRIER = b"\x1dr\x01"

Opener = Callable[[str, int], PrinterTransport]


class PrinterChannel:
    """One printer line with its status and confirmation protocol (not thread-safe)."""

    def __init__(
        self,
        url: str,
        baudrate: int = 115200,
        status_timeout: float = 0.5,
        opener: Opener = open_transport,
    ) -> None:
        self.url = url
        self.baudrate = baudrate
        self.status_timeout = status_timeout
        self._opener = opener
        self._line: PrinterTransport | None = None
        self.confirmed = False

    def line(self) -> PrinterTransport:
        """The open transport (opened on first use; raises DeviceOpenError)."""
        if self._line is None:
            self._line = self._opener(self.url, self.baudrate)
        return self._line

    def drop(self) -> None:
        """Close the transport; the next use reopens it."""
        if self._line is not None:
            self._line.close()
            self._line = None

    def write(self, data: bytes) -> None:
        """Send bytes (raises DeviceGone / DeviceTimeout / DeviceOpenError)."""
        self.line().write(data)

    def query(self) -> PrinterStatus:
        """One DLE EOT 1/2/4 round trip; :data:`NO_REPLY` when the printer says nothing.

        A broken line is reopened once; garbage is retried once, then raises ProtocolError.
        DeviceOpenError (absent device) is raised at once.
        """
        for attempt in (1, 2):
            try:
                line = self.line()
                self._drain(line)
                line.write(QUERY)
                return parse_reply(self._read_status(line, REPLY_LENGTH, self.status_timeout))
            except ProtocolError:
                if attempt == 2:
                    raise
            except DeviceError as exc:
                self.drop()
                if isinstance(exc, DeviceOpenError) or attempt == 2:
                    raise
        return NO_REPLY  # pragma: no cover - the loop always returns or raises

    def start_confirmation(self) -> None:
        """Send GS r 1 after a job; :attr:`confirmed` turns True when it is answered.

        Replies already waiting (a late answer to an earlier job) are drained first.
        """
        line = self.line()
        self._drain(line)
        self.confirmed = False
        line.write(JOB_BARRIER)

    def poll_confirmation(self, wait: float) -> bool:
        """Wait up to ``wait`` seconds for the GS r reply; return :attr:`confirmed`."""
        if not self.confirmed:
            self._sort(self.line().read(1, wait))
        return self.confirmed

    def _drain(self, line: PrinterTransport) -> None:
        """Drop stale status bytes, but note a job confirmation among them."""
        for _ in range(64):
            pending = line.read(256, 0)
            if not pending:
                return
            self._sort(pending)

    def _sort(self, data: bytes) -> bytes:
        """Return the DLE EOT status bytes of ``data``; note GS r replies."""
        status = bytearray()
        for value in data:
            if is_status_byte(value):
                status.append(value)
            elif value & 0xF0 == 0:
                self.confirmed = True
            else:
                raise ProtocolError(f"printer sent a byte that is no status: 0x{value:02x}")
        return bytes(status)

    def _read_status(self, line: PrinterTransport, wanted: int, timeout: float) -> bytes:
        status = b""
        end = time.monotonic() + timeout
        while len(status) < wanted:
            left = end - time.monotonic()
            if left <= 0:
                break
            status += self._sort(line.read(wanted - len(status), left))
        return status
