"""Parse what a host writes to a scanner module, per vendor, and build the module's answers.

Written independently of the driver's profile tables so that the simulator checks the
driver's bytes rather than echoing them. Each parser takes the bytes received so far and
returns ``(actions, answer, consumed)`` (Newland's ``SCNMOD0`` level mode = reading off,
``SCNMOD2`` / ``SCNMOD3`` = on); actions are ``"arm"`` (read once), ``"disarm"``,
``"scan_on"``, ``"scan_off"``. Unknown bytes are consumed and ignored, as a real module does.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Parsed = tuple[list[str], bytes, int]

_HONEYWELL = re.compile(rb"\x16([TU])\r|\x16M\r([A-Z0-9]+)([.!])")
_NEWLAND = re.compile(rb"\x7e\x01([0-9]{4})([#@])([A-Za-z0-9;]+?);\x03")
_GM65 = re.compile(rb"\x7e\x00\x08\x01(..)(.)\xab\xcd", re.DOTALL)
_GM65_OK = b"\x02\x00\x00\x01\x00\x33\x31"


def parse_honeywell(buffer: bytes) -> Parsed:
    """``[SYN]T[CR]`` / ``[SYN]U[CR]`` and ``[SYN]M[CR]TRGMODn.`` menu commands."""
    match = _HONEYWELL.search(buffer)
    if match is None:
        return [], b"", _garbage_prefix(buffer, b"\x16")
    if match.group(1) == b"T":
        return ["arm"], b"", match.end()
    if match.group(1) == b"U":
        return ["disarm"], b"", match.end()
    command = match.group(2)
    actions = []
    if command == b"TRGMOD3" or command == b"TRGMOD8":
        actions = ["scan_on"]
    elif command.startswith(b"TRGMOD"):
        actions = ["scan_off"]
    return actions, command + b"\x06" + match.group(3), match.end()


def parse_newland(buffer: bytes) -> Parsed:
    """``7E 01 "0000" "#" CMD ";" 03`` frames; several commands may be joined by ``;``."""
    match = _NEWLAND.search(buffer)
    if match is None:
        return [], b"", _garbage_prefix(buffer, b"\x7e")
    actions = []
    answer = b""
    for command in match.group(3).split(b";"):
        actions += {
            b"SCNTRG1": ["arm"], b"SCNTRG0": ["disarm"],
            b"SCNENA1": ["scan_on"], b"SCNENA0": ["scan_off"],
            b"SCNMOD0": ["scan_off"], b"SCNMOD2": ["scan_on"], b"SCNMOD3": ["scan_on"],
        }.get(command, [])
        ack = b"\x06" if command[:6] in (b"SCNTRG", b"SCNENA", b"SCNMOD") else b"\x15"
        answer += b"\x02\x01" + match.group(1) + match.group(2) + command + ack + b";\x03"
    return actions, answer, match.end()


def parse_gm65(buffer: bytes) -> Parsed:
    """Zone-bit writes ``7E 00 08 01 AH AL VV AB CD``: 0x0002 read on/off, 0x0000 mode."""
    match = _GM65.search(buffer)
    if match is None:
        return [], b"", _garbage_prefix(buffer, b"\x7e")
    address = int.from_bytes(match.group(1), "big")
    value = match.group(2)[0]
    actions: list[str] = []
    if address == 0x0002:
        actions = ["arm"] if value & 1 else ["disarm"]
    elif address == 0x0000:
        actions = ["scan_on"] if value & 0x03 == 0x02 else ["scan_off"]
    return actions, _GM65_OK, match.end()


def parse_nothing(buffer: bytes) -> Parsed:
    """A module without a command interface swallows everything."""
    return [], b"", len(buffer)


def _garbage_prefix(buffer: bytes, start: bytes) -> int:
    """Bytes before the first possible command start can be dropped."""
    index = buffer.find(start)
    if index < 0:
        return len(buffer)
    if len(buffer) - index > 256:  # a command start that never completed
        return index + 1
    return index


PARSERS: dict[str, Callable[[bytes], Parsed]] = {
    "honeywell": parse_honeywell,
    "newland": parse_newland,
    "gm65": parse_gm65,
    "generic": parse_nothing,
}
