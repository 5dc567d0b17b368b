"""The ``scanner.code`` event payload shared by serial scanners and camera decoding.

A :class:`ScanEvent` keeps the raw bytes exactly as read and the text decoded from them
(UTF-8 first, then GB18030, the superset of GBK that older government codes use). Its
``repr`` never shows the content: scanned codes can carry personal data and must not reach
logs by accident.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from drivers.base import DeviceEvent

#: topic of every decoded code, whichever device read it
CODE_TOPIC = "scanner.code"
#: topic of line loss / return and enable / disable changes
STATE_TOPIC = "scanner.state"
#: topic of advice for the technician (a likely misconfiguration), published once
NOTICE_TOPIC = "scanner.notice"


def decode_payload(raw: bytes) -> tuple[str, str]:
    """Decode scanned bytes: UTF-8 (BOM stripped) first, then GB18030, else UTF-8 with
    replacement characters. Returns ``(text, encoding)`` with encoding one of
    ``"utf-8"``, ``"gb18030"``, ``"binary"``."""
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return body.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return body.decode("utf-8", errors="replace"), "binary"


@dataclass(frozen=True)
class ScanEvent:
    """One decoded code: raw bytes, decoded text, the device that read it, when."""

    raw: bytes = field(repr=False)
    text: str = field(repr=False)
    source: str
    timestamp: float = field(default_factory=time.time)
    encoding: str = "utf-8"

    @classmethod
    def from_raw(cls, raw: bytes, source: str, timestamp: float | None = None) -> ScanEvent:
        """Build an event from raw bytes, decoding the text as the terminal does."""
        text, encoding = decode_payload(raw)
        return cls(raw, text, source, time.time() if timestamp is None else timestamp, encoding)

    @property
    def raw_hex(self) -> str:
        """The raw bytes as lowercase hex."""
        return self.raw.hex()

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for the diagnostic CLIs' JSON lines (keys text, raw_hex, source …)."""
        return {
            "text": self.text,
            "raw_hex": self.raw_hex,
            "source": self.source,
            "timestamp": round(self.timestamp, 3),
            "encoding": self.encoding,
        }

    def __repr__(self) -> str:
        return (
            f"ScanEvent(source={self.source!r}, bytes={len(self.raw)}, "
            f"encoding={self.encoding!r}, timestamp={self.timestamp:.3f})"
        )


def notice_event(source: str, message: str) -> DeviceEvent:
    """The ``scanner.notice`` payload: advice such as a line-ending mismatch."""
    return DeviceEvent(source, "notice", {"message": message})
