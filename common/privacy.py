"""Masking of personal data for screens, receipts and CLIs, and wiping of buffers.

Everything that shows or prints an ID number, a name or an address goes through these
helpers: ``mask_id_number("53010219900101123X") == "530102********123X"``, ``mask_name``
keeps the first (and last) character, ``mask_address`` keeps the province / city / district
prefix. :func:`wipe_buffer` zeroes a mutable buffer (the card photo, raw replies) when a
session ends. None of these log their input.
"""

from __future__ import annotations

import re

MASK = "*"
#: how many mask characters replace the private part of an address (never its length)
ADDRESS_MASK_LEN = 6

_ADDRESS_PREFIX = re.compile(
    r"^(?:[^省区]{2,8}?(?:省|自治区|特别行政区))?"              # province
    r"(?:[^市州盟]{2,12}?(?:自治州|地区|市|州|盟))?"              # city / prefecture
    r"(?:[^区县市旗]{1,10}?(?:自治县|自治旗|区|县|市|旗))?"      # district / county
)


def mask_id_number(value: str) -> str:
    """Keep the 6-digit region and the last 4 characters; mask the rest."""
    text = value.strip()
    if len(text) <= 4:
        return MASK * len(text)
    if len(text) <= 10:
        return MASK * (len(text) - 2) + text[-2:]
    return text[:6] + MASK * (len(text) - 10) + text[-4:]


def mask_name(name: str) -> str:
    """张*明 for three characters, 张* for two, 欧**明 for four; a single character: *."""
    text = name.strip()
    if len(text) <= 1:
        return MASK * len(text)
    if len(text) == 2:
        return text[0] + MASK
    return text[0] + MASK * (len(text) - 2) + text[-1]


def address_prefix(address: str) -> str:
    """The province / city / district part of ``address`` (may be empty)."""
    match = _ADDRESS_PREFIX.match(address.strip())
    return match.group(0) if match else ""


def mask_address(address: str) -> str:
    """Keep the administrative prefix (省/市/区县); replace the rest with a fixed mask."""
    text = address.strip()
    if not text:
        return ""
    prefix = address_prefix(text)
    if not prefix:
        prefix = text[:3] if len(text) > 6 else ""
    if prefix == text:
        return text
    return prefix + MASK * ADDRESS_MASK_LEN


def wipe_buffer(buffer: bytearray | memoryview) -> None:
    """Overwrite a mutable buffer with zeros in place (the session wipe uses it)."""
    view = memoryview(buffer).cast("B")
    view[:] = bytes(len(view))
