"""Commands and status codes of the ID-card reader's SAM protocol.

Each :class:`Command` is the request payload (``CMD PARA``); :data:`SW3_TABLE` maps every
status code the reader can answer with to a :class:`~drivers.base.Completion` and a clear
English message (technicians read it in CLIs and diagnostics).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from drivers.base import Completion
from drivers.errors import DeviceReportedError, ProtocolError


class Command(bytes, Enum):
    """Request payloads (``CMD PARA``) of the commands the driver uses."""

    SAM_STATUS = b"\x11\xff"
    SAM_ID = b"\x12\xff"
    FIND_CARD = b"\x20\x01"
    SELECT_CARD = b"\x20\x02"
    READ_BASE = b"\x30\x01"
    READ_ADDRESS = b"\x30\x03"
    READ_BASE_FINGERPRINT = b"\x30\x10"


#: SW3 codes that mean the command did what was asked
SW3_SUCCESS = 0x90
SW3_CARD_FOUND = 0x9F
SW3_NO_CARD = 0x80
SW3_NO_ITEM = 0x91


@dataclass(frozen=True)
class StatusCode:
    """What one SW3 value means."""

    completion: Completion
    message: str


SW3_TABLE: dict[int, StatusCode] = {
    0x90: StatusCode(Completion.SUCCESS, "success"),
    0x9F: StatusCode(Completion.SUCCESS, "card found"),
    0x80: StatusCode(Completion.USER_ERROR, "no card on the reader"),
    0x81: StatusCode(Completion.USER_ERROR, "selecting the card failed (card moved?)"),
    0x41: StatusCode(Completion.USER_ERROR, "reading the card failed (card moved away?)"),
    0x10: StatusCode(Completion.INVALID_DATA, "reader reports a checksum error in the request"),
    0x11: StatusCode(Completion.INVALID_DATA, "reader reports a length error in the request"),
    0x21: StatusCode(Completion.UNSUPPORTED, "reader rejected the command"),
    0x23: StatusCode(Completion.HARDWARE_ERROR, "operation not authorised by the reader"),
    0x24: StatusCode(Completion.HARDWARE_ERROR, "reader reports an unrecognised error"),
    0x31: StatusCode(Completion.INVALID_DATA, "card failed to authenticate the SAM"),
    0x32: StatusCode(Completion.INVALID_DATA, "SAM failed to authenticate the card"),
    0x33: StatusCode(Completion.INVALID_DATA, "card–SAM authentication error (card not genuine?)"),
    0x40: StatusCode(Completion.USER_ERROR, "unknown card type (not a resident ID card?)"),
    0x60: StatusCode(Completion.HARDWARE_ERROR, "SAM self-test failed"),
    0x66: StatusCode(Completion.HARDWARE_ERROR, "SAM not authorised"),
    0x91: StatusCode(Completion.UNSUPPORTED, "no such item on the card"),
}


def describe_sw3(sw3: int) -> StatusCode:
    """The meaning of ``sw3``; unknown codes are hardware errors with the code in the text."""
    known = SW3_TABLE.get(sw3)
    if known is not None:
        return known
    return StatusCode(Completion.HARDWARE_ERROR, f"reader answered unknown status 0x{sw3:02X}")


@dataclass(frozen=True)
class Reply:
    """A decoded reply: the status bytes and the data after them."""

    sw1: int
    sw2: int
    sw3: int
    data: bytes

    @classmethod
    def parse(cls, payload: bytes) -> Reply:
        """Split a reply payload; raise ProtocolError when it is not a reply."""
        if len(payload) < 3:
            raise ProtocolError(f"reply too short ({len(payload)} bytes)")
        if payload[0] or payload[1]:
            raise ProtocolError(
                f"reply has unexpected SW1 SW2 {payload[0]:02X} {payload[1]:02X} "
                "(not a SAM reply — wrong device or wrong baud rate?)"
            )
        return cls(payload[0], payload[1], payload[2], payload[3:])

    @property
    def ok(self) -> bool:
        """True for the success codes (0x90, 0x9F)."""
        return self.sw3 in (SW3_SUCCESS, SW3_CARD_FOUND)

    def error(self, command: Command) -> DeviceReportedError:
        """The exception that reports this status for ``command``."""
        status = describe_sw3(self.sw3)
        text = f"{status.message} (SW3 0x{self.sw3:02X} to {command.name.lower()})"
        return DeviceReportedError(text, status.completion, self.sw3)


def format_sam_id(data: bytes) -> str:
    """Render the 16-byte SAM id the way vendor tools print it (``05.01-20101012-…``)."""
    if len(data) < 16:
        raise ProtocolError(f"SAM id reply has {len(data)} bytes, expected 16")
    first = int.from_bytes(data[0:2], "little")
    second = int.from_bytes(data[2:4], "little")
    rest = [int.from_bytes(data[i:i + 4], "little") for i in (4, 8, 12)]
    return f"{first:02d}.{second:02d}-{rest[0]:08d}-{rest[1]:010d}-{rest[2]:010d}"
