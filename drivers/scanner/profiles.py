"""Vendor command sets of serial scanner modules: trigger, stop, scanning on / off.

Two modes are supported. In *triggered* mode the host starts each read (the module reads
once, or until stopped) and the driver re-arms it while a screen wants a code. In
*continuous* mode the module reads whatever is in front of it and the driver switches
scanning on and off. Command bytes (see docs/scanners.md and the vendors' manuals):

* Honeywell (Xenon / Youjie serial): ``[SYN]T[CR]`` trigger, ``[SYN]U[CR]`` stop; menu
  commands ``[SYN]M[CR]TRGMOD3.`` (presentation = continuous) and ``TRGMOD0.`` (manual
  trigger = off), answered by the command echoed with ACK (06) before the terminator.
* Newland: ``7E 01 "0000" "#" CMD ";" 03`` with ``SCNTRG1`` / ``SCNTRG0`` (start / stop a
  read) and ``SCNENA1`` / ``SCNENA0`` (scanning on / off); the answer is
  ``02 01 "0000" "#" CMD 06 ";" 03``.
* GM65-type (Hangzhou Grow): zone-bit writes ``7E 00 08 01 <addr hi> <addr lo> <value>
  AB CD`` (AB CD = no CRC check); address 0x0002 value 1 / 0 starts / stops a read,
  address 0x0000 bits 1-0 select the mode (01 command-triggered, 10 continuous); every
  write is answered ``02 00 00 01 00 33 31``.
* generic: a module configured by programming barcodes; it reads continuously and the
  driver can only ignore what arrives while no screen wants a code.

Answers carry no suffix, so they are stripped from the front of the next line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drivers.errors import ConfigError

MODES = ("continuous", "triggered")


@dataclass(frozen=True)
class ScannerProfile:
    """The command bytes one kind of module understands (empty = not supported)."""

    name: str
    trigger: bytes = b""
    stop: bytes = b""
    scanning_on: bytes = b""
    scanning_off: bytes = b""
    #: sent once when the line opens in triggered mode (module reads only when triggered)
    triggered_setup: bytes = b""
    #: regex for the module's answers to commands (matched at the start of a line)
    answer: re.Pattern[bytes] | None = None
    #: re-send the trigger this often while enabled in triggered mode (reads time out)
    retrigger_s: float = 20.0

    def supports(self, mode: str) -> bool:
        """Whether the module can run in ``mode``."""
        if mode == "triggered":
            return bool(self.trigger)
        return mode == "continuous"

    def enable_command(self, mode: str) -> bytes:
        """Bytes that start reading in ``mode`` (empty when the module has none)."""
        return self.trigger if mode == "triggered" else self.scanning_on

    def disable_command(self, mode: str) -> bytes:
        """Bytes that stop reading in ``mode``."""
        return self.stop if mode == "triggered" else self.scanning_off

    def strip_answers(self, line: bytes) -> tuple[bytes, int]:
        """Remove command answers from the front of ``line``; return (rest, count)."""
        count = 0
        if self.answer is None:
            return line, 0
        while line:
            match = self.answer.match(line)
            if match is None or match.end() == 0:
                break
            line = line[match.end():]
            count += 1
        return line, count

    def is_answer(self, data: bytes) -> bool:
        """True when ``data`` consists only of command answers."""
        rest, count = self.strip_answers(data)
        return count > 0 and not rest


def honeywell_menu(command: bytes) -> bytes:
    """A Honeywell serial menu command: ``[SYN]M[CR]`` + command + ``.`` (volatile)."""
    return b"\x16M\r" + command + b"."


def newland_command(command: bytes) -> bytes:
    """A Newland serial command frame (``#`` = not saved to flash)."""
    return b"\x7e\x01" + b"0000#" + command + b";\x03"


def gm65_write(address: int, value: int) -> bytes:
    """A GM65 zone-bit write of one byte, without CRC check (AB CD)."""
    return bytes([0x7E, 0x00, 0x08, 0x01, address >> 8 & 0xFF, address & 0xFF, value, 0xAB, 0xCD])


HONEYWELL = ScannerProfile(
    name="honeywell",
    trigger=b"\x16T\r",
    stop=b"\x16U\r",
    scanning_on=honeywell_menu(b"TRGMOD3"),
    scanning_off=honeywell_menu(b"TRGMOD0"),
    triggered_setup=honeywell_menu(b"TRGMOD0"),
    answer=re.compile(rb"[A-Z]{3}[A-Z0-9]{3}[0-9A-Za-z]*[\x06\x05\x15][.!;]"),
)
NEWLAND = ScannerProfile(
    name="newland",
    trigger=newland_command(b"SCNTRG1"),
    stop=newland_command(b"SCNTRG0"),
    scanning_on=newland_command(b"SCNENA1"),
    scanning_off=newland_command(b"SCNENA0"),
    triggered_setup=newland_command(b"SCNMOD0"),
    answer=re.compile(rb"\x02\x01[0-9]{4}[#@][A-Za-z0-9]+[\x06\x05\x15];\x03"),
)
GM65 = ScannerProfile(
    name="gm65",
    trigger=gm65_write(0x0002, 0x01),
    stop=gm65_write(0x0002, 0x00),
    scanning_on=gm65_write(0x0000, 0x02),
    scanning_off=gm65_write(0x0000, 0x01),
    triggered_setup=gm65_write(0x0000, 0x01),
    answer=re.compile(rb"\x02\x00\x00\x01\x00\x33\x31"),
)
GENERIC = ScannerProfile(name="generic")

PROFILES: dict[str, ScannerProfile] = {p.name: p for p in (HONEYWELL, NEWLAND, GM65, GENERIC)}


def get_profile(name: str | ScannerProfile) -> ScannerProfile:
    """Look a profile up by name; unknown names are a :class:`ConfigError`."""
    if isinstance(name, ScannerProfile):
        return name
    profile = PROFILES.get(str(name).lower())
    if profile is None:
        raise ConfigError(f"unknown scanner profile {name!r} (known: {', '.join(PROFILES)})")
    return profile


def check_mode(profile: ScannerProfile, mode: str) -> str:
    """Validate ``mode`` for ``profile``; raise :class:`ConfigError` otherwise."""
    if mode not in MODES:
        raise ConfigError(f"unknown scanner mode {mode!r} (known: {', '.join(MODES)})")
    if not profile.supports(mode):
        raise ConfigError(f"scanner profile {profile.name!r} has no {mode} mode")
    return mode
