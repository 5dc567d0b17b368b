"""Real-time printer status from DLE EOT replies, parsed here (not by python-escpos).

``DLE EOT n`` (10 04 n) asks the printer for one status byte, answered even while it is
offline or busy. Every reply byte has the fixed pattern ``0xx1xx10`` (bits 1 and 4 set,
bits 0 and 7 clear); a byte without it is garbage, not a status. The meaning used here:

* n=1 printer status: bit 3 offline;
* n=2 offline cause: bit 2 cover open, bit 5 printing stopped by paper end, bit 6 error;
* n=4 roll paper sensor: bits 2-3 paper near end, bits 5-6 paper out.

No reply means "unknown / offline", never "paper OK" (python-escpos assumes the opposite).

A *write-only* printer (a device file, an lp port, a USB printer without an IN endpoint, or
one configured ``status = "none"``) has no back-channel at all: :data:`WRITE_ONLY` stands
for its status — ready to take a job, paper and cover unknown — so jobs are sent and
reported as sent, not confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drivers.base import DeviceState, DeviceStatus
from drivers.errors import ProtocolError

DLE_EOT = b"\x10\x04"
#: the three queries one status check sends, in this order
QUERY = DLE_EOT + b"\x01" + DLE_EOT + b"\x02" + DLE_EOT + b"\x04"
REPLY_LENGTH = 3

PAPER_OK = "ok"
PAPER_LOW = "low"
PAPER_OUT = "out"
PAPER_UNKNOWN = "unknown"

#: what operators are told about a printer without a status back-channel
WRITE_ONLY_NOTE = (
    "write-only printer (no status back-channel): paper and cover state unknown; "
    "jobs are sent, not confirmed"
)


def is_status_byte(value: int) -> bool:
    """True when ``value`` has the fixed DLE EOT reply pattern 0xx1xx10."""
    return (value & 0x93) == 0x12


@dataclass(frozen=True)
class PrinterStatus:
    """One parsed status check. ``answered`` is False when the printer said nothing."""

    answered: bool
    offline: bool = True
    cover_open: bool = False
    paper: str = PAPER_UNKNOWN
    paper_end_stop: bool = False
    error: bool = False
    write_only: bool = False

    @property
    def ready(self) -> bool:
        """True when a job may start: answered, online, cover shut, paper not out, no error
        (a write-only printer is always taken to be ready: nothing can say otherwise)."""
        return self.write_only or (
            self.answered
            and not self.offline
            and not self.cover_open
            and self.paper in (PAPER_OK, PAPER_LOW)
            and not self.error
        )

    def problem(self) -> str:
        """The most important reason the printer is not ready ("" when it is); for a
        write-only printer, the note that its state is unknown."""
        if self.write_only:
            return WRITE_ONLY_NOTE
        if not self.answered:
            return "printer does not answer (offline or powered off)"
        if self.error:
            return "printer reports an error"
        if self.cover_open:
            return "printer cover is open"
        if self.paper == PAPER_OUT or self.paper_end_stop:
            return "printer is out of paper"
        if self.offline:
            return "printer is offline"
        return ""

    def device_state(self) -> DeviceState:
        """The common device state this status maps to (write-only: online, the line is up)."""
        if self.write_only:
            return DeviceState.ONLINE
        if not self.answered:
            return DeviceState.OFFLINE
        if self.error:
            return DeviceState.HARDWARE_ERROR
        if self.offline or self.cover_open or self.paper == PAPER_OUT:
            return DeviceState.OFFLINE
        return DeviceState.ONLINE

    def details(self) -> dict[str, Any]:
        """Per-class details for :class:`DeviceStatus` and the heartbeat."""
        return {
            "paper": self.paper,
            "cover_open": self.cover_open if self.answered else None,
            "error": self.error if self.answered else None,
            "answered": self.answered,
            "write_only": self.write_only,
        }

    def as_device_status(self) -> DeviceStatus:
        """This status in the device-layer vocabulary."""
        message = self.problem() or ("paper is low" if self.paper == PAPER_LOW else "ready")
        return DeviceStatus(self.device_state(), self.details(), message)


NO_REPLY = PrinterStatus(answered=False)
#: the status of a printer that has no back-channel (see the module docstring)
WRITE_ONLY = PrinterStatus(answered=False, offline=False, write_only=True)


def parse_printer_status(byte: int) -> bool:
    """DLE EOT 1 reply -> offline flag."""
    _check(byte, 1)
    return bool(byte & 0x08)


def parse_offline_cause(byte: int) -> tuple[bool, bool, bool]:
    """DLE EOT 2 reply -> (cover open, paper-end stop, error)."""
    _check(byte, 2)
    return bool(byte & 0x04), bool(byte & 0x20), bool(byte & 0x40)


def parse_paper_sensor(byte: int) -> str:
    """DLE EOT 4 reply -> "ok", "low" or "out"."""
    _check(byte, 4)
    if byte & 0x60:
        return PAPER_OUT
    if byte & 0x0C:
        return PAPER_LOW
    return PAPER_OK


def parse_reply(reply: bytes) -> PrinterStatus:
    """Parse the replies to :data:`QUERY` (n=1, 2, 4 in order).

    An empty reply is :data:`NO_REPLY`; a short reply or a byte without the fixed
    pattern raises :class:`ProtocolError`.
    """
    if not reply:
        return NO_REPLY
    if len(reply) != REPLY_LENGTH:
        raise ProtocolError(
            f"printer sent {len(reply)} status byte(s), expected {REPLY_LENGTH}: {reply.hex()}"
        )
    offline = parse_printer_status(reply[0])
    cover_open, paper_end_stop, error = parse_offline_cause(reply[1])
    paper = parse_paper_sensor(reply[2])
    if paper_end_stop:
        paper = PAPER_OUT
    return PrinterStatus(
        answered=True,
        offline=offline,
        cover_open=cover_open,
        paper=paper,
        paper_end_stop=paper_end_stop,
        error=error,
    )


def _check(byte: int, n: int) -> None:
    if not is_status_byte(byte):
        raise ProtocolError(f"DLE EOT {n} reply 0x{byte:02x} lacks the fixed bit pattern")
