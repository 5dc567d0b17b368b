"""Frames on the simulator's side of the line: parse requests, build replies.

Written independently of the driver's codec (``drivers/idcard/codec.py``) from the protocol
notes, so that the simulator checks the driver instead of sharing its mistakes.
"""

from __future__ import annotations

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
#: the longest request the simulator accepts (requests are 10 bytes in practice)
MAX_REQUEST_LEN = 512


def _xor(data: bytes) -> int:
    chk = 0
    for byte in data:
        chk ^= byte
    return chk


def reply_frame(sw3: int, data: bytes = b"") -> bytes:
    """A reply frame: preamble, LEN, 00 00 SW3, data, XOR checksum."""
    body = (len(data) + 4).to_bytes(2, "big") + bytes([0, 0, sw3]) + data
    return PREAMBLE + body + bytes([_xor(body)])


def next_request(buf: bytearray) -> bytes | None:
    """Take the next request from ``buf``: its payload (``CMD PARA …``), ``b""`` for a
    request with a bad checksum, or None when no whole request is buffered yet."""
    while True:
        start = buf.find(PREAMBLE)
        if start < 0:
            del buf[:max(0, len(buf) - 4)]
            return None
        del buf[:start]
        if len(buf) < 7:
            return None
        length = int.from_bytes(buf[5:7], "big")
        if not 3 <= length <= MAX_REQUEST_LEN:
            del buf[:1]
            continue
        if len(buf) < 7 + length:
            return None
        frame = bytes(buf[:7 + length])
        del buf[:7 + length]
        return frame[7:-1] if _xor(frame[5:-1]) == frame[-1] else b""
