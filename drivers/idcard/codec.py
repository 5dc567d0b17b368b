"""Frame codec of the ID-card reader's SAM protocol (GA 467 family).

A frame is ``AA AA AA 96 69 | LEN (2 bytes, big-endian) | payload | CHK`` where LEN counts
every byte after itself (payload and CHK) and CHK is the XOR of the LEN bytes and the
payload. Requests carry ``CMD PARA DATA…`` as payload, replies ``SW1 SW2 SW3 DATA…``.

:class:`FrameDecoder` is incremental: feed it whatever the line delivered (partial reads,
split frames, garbage, lost bytes) and it returns whole, checksum-valid payloads. It always
knows how many more bytes complete the frame in progress (:meth:`FrameDecoder.bytes_needed`)
so a reader can ask the line for exactly that many, and it resynchronises on the preamble
after noise or a corrupt frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import xor

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_LEN = len(PREAMBLE) + 2
#: the smallest LEN: a status-only reply (SW1 SW2 SW3) plus CHK
MIN_LEN = 3
#: generous upper bound (base message + fingerprint is about 2.3 KiB); larger LEN = noise
MAX_LEN = 4096


def checksum(data: bytes) -> int:
    """XOR of every byte of ``data``."""
    return reduce(xor, data, 0)


def encode_frame(payload: bytes) -> bytes:
    """Wrap ``payload`` (request ``CMD PARA DATA`` or reply ``SW1 SW2 SW3 DATA``) in a frame."""
    length = len(payload) + 1
    if length > 0xFFFF:
        raise ValueError("payload too long for a SAM frame")
    body = length.to_bytes(2, "big") + payload
    return PREAMBLE + body + bytes([checksum(body)])


@dataclass(frozen=True)
class DecodeStats:
    """What the decoder threw away, for diagnostics and error messages."""

    frames: int = 0
    discarded_bytes: int = 0
    bad_checksums: int = 0
    bad_lengths: int = 0


class FrameDecoder:
    """Incremental, resynchronising decoder of SAM frames."""

    def __init__(self, max_len: int = MAX_LEN) -> None:
        self._buf = bytearray()
        self._max_len = max_len
        self.frames = 0
        self.discarded_bytes = 0
        self.bad_checksums = 0
        self.bad_lengths = 0

    def reset(self) -> None:
        """Forget buffered bytes (counters are kept)."""
        self._buf.clear()

    def stats(self) -> DecodeStats:
        """Counters since construction."""
        return DecodeStats(self.frames, self.discarded_bytes, self.bad_checksums,
                           self.bad_lengths)

    @property
    def buffered(self) -> int:
        """Bytes held while waiting for the rest of a frame."""
        return len(self._buf)

    def bytes_needed(self) -> int:
        """How many more bytes complete the frame in progress (at least 1)."""
        buf = self._buf
        start = buf.find(PREAMBLE)
        if start < 0:
            # keep the longest suffix that could still begin a preamble
            return max(1, HEADER_LEN - _preamble_prefix_len(buf))
        have = len(buf) - start
        if have < HEADER_LEN:
            return HEADER_LEN - have
        length = int.from_bytes(buf[start + 5:start + 7], "big")
        if not MIN_LEN <= length <= self._max_len:
            return 1
        return max(1, HEADER_LEN + length - have)

    def feed(self, data: bytes) -> list[bytes]:
        """Add bytes from the line; return every complete, valid payload now available."""
        self._buf += data
        out: list[bytes] = []
        while True:
            payload = self._next()
            if payload is None:
                return out
            out.append(payload)

    def _discard(self, count: int) -> None:
        del self._buf[:count]
        self.discarded_bytes += count

    def _next(self) -> bytes | None:
        buf = self._buf
        while True:
            start = buf.find(PREAMBLE)
            if start < 0:
                keep = _preamble_prefix_len(buf)
                self._discard(len(buf) - keep)
                return None
            if start:
                self._discard(start)
            if len(buf) < HEADER_LEN:
                return None
            length = int.from_bytes(buf[5:7], "big")
            if not MIN_LEN <= length <= self._max_len:
                self.bad_lengths += 1
                self._discard(1)  # a false preamble: look for the next one
                continue
            end = HEADER_LEN + length
            if len(buf) < end:
                return None
            body = bytes(buf[5:end - 1])
            if checksum(body) != buf[end - 1]:
                self.bad_checksums += 1
                self._discard(1)  # the real frame may start inside this one
                continue
            del buf[:end]
            self.frames += 1
            return body[2:]


def _preamble_prefix_len(buf: bytearray) -> int:
    """Length of the longest suffix of ``buf`` that is a proper prefix of the preamble."""
    for size in range(min(len(buf), len(PREAMBLE) - 1), 0, -1):
        if buf[-size:] == PREAMBLE[:size]:
            return size
    return 0
