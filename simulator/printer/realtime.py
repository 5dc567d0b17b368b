"""Real-time commands, found in the bytes as they arrive — as a real printer does.

An Epson-class printer looks for ``DLE EOT n``, ``DLE ENQ n`` and ``DLE DC4 fn …`` in its
receive buffer, before and independently of command processing: they are answered even
while the printer waits for the rest of another command, even inside graphics data (where
the same bytes are also taken as data), and while printing is stopped. Only n = 1–4 is a
status request; other values are ignored. Sequences split across reads are completed by
the next read.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.printer.parser import DLE, DLE_DC4_LENGTHS

EOT, ENQ, DC4 = 0x04, 0x05, 0x14


@dataclass(frozen=True)
class Realtime:
    """One real-time command: ``kind`` "status" (n), "request" (n) or "dc4" (fn, data).

    ``end`` is the offset just after the command in the bytes handed to ``scan``.
    """

    kind: str
    n: int
    data: bytes = b""
    end: int = 0


class RealtimeScanner:
    """Finds real-time commands in a byte stream (keeps a split sequence for the next read)."""

    def __init__(self) -> None:
        self._tail = b""

    def reset(self) -> None:
        """Forget a split sequence."""
        self._tail = b""

    def scan(self, data: bytes) -> list[Realtime]:
        """Every real-time command completed by ``data``, in order."""
        buf = self._tail + data
        carried = len(self._tail)
        found: list[Realtime] = []
        pos = 0
        self._tail = b""
        while True:
            pos = buf.find(bytes([DLE]), pos)
            if pos < 0:
                return found
            if pos + 1 >= len(buf):
                self._tail = buf[pos:]
                return found
            kind = buf[pos + 1]
            if kind in (EOT, ENQ):
                if pos + 2 >= len(buf):
                    self._tail = buf[pos:]
                    return found
                found.append(Realtime("status" if kind == EOT else "request", buf[pos + 2],
                                     end=pos + 3 - carried))
                pos += 3
            elif kind == DC4:
                if pos + 2 >= len(buf):
                    self._tail = buf[pos:]
                    return found
                end = pos + DLE_DC4_LENGTHS.get(buf[pos + 2], 3)
                if end > len(buf):
                    self._tail = buf[pos:]
                    return found
                found.append(Realtime("dc4", buf[pos + 2], bytes(buf[pos:end]), end - carried))
                pos = end
            else:
                pos += 1
