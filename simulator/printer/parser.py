"""An incremental ESC/POS parser, as lenient and as strict as an Epson TM-T88 class printer.

It knows the lengths of the common ESC/POS set so that unknown or ignored commands are
skipped whole, and it decodes text the way a Chinese receipt printer does: in Chinese mode
(FS &; on at power-on, and again after ESC @) a lead byte 0x81–0xFE starts a 2-byte
GB18030 character; a 4-byte sequence (``81 30 84 36`` for ¥) is what a real head prints as
garbage, so it becomes :data:`GARBAGE`. Outside Chinese mode bytes above 0x7F follow the
code table chosen by ESC t (PC437 at power-on) and ESC R replaces the twelve national
ASCII positions (see :mod:`.charsets`). ESC @ returns all of that to the power-on state.

Real-time commands (DLE EOT, DLE ENQ, DLE DC4) are answered by
:class:`~simulator.printer.realtime.RealtimeScanner` as the bytes arrive, even inside
another command's data; here they are only skipped over when they stand between commands.
:meth:`EscPosParser.reset` forgets a half-received command (power cycle, DLE DC4 8).
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.printer.charsets import GARBAGE, decode_high, international

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10

#: DLE DC4 fn -> total length (fn 1 pulse, 2 power off, 3 buzzer, 7 status, 8 clear buffers)
DLE_DC4_LENGTHS = {1: 5, 2: 5, 3: 8, 7: 4, 8: 10}


@dataclass(frozen=True)
class Op:
    """One parsed operation: ``name`` plus arguments (``args``) or raw ``data``."""

    name: str
    args: tuple[int, ...] = ()
    data: bytes = b""
    text: str = ""


# fixed total lengths (including the command bytes) of commands with no data block
_ESC_FIXED = {
    ord("@"): 2, ord("!"): 3, ord("E"): 3, ord("a"): 3, ord("d"): 3, ord("J"): 3,
    ord("-"): 3, ord("M"): 3, ord("2"): 2, ord("3"): 3, ord("t"): 3, ord("R"): 3,
    ord("G"): 3, ord("{"): 3, ord("V"): 3, ord("p"): 5, ord(" "): 3, ord("$"): 4,
    ord("\\"): 4, ord("e"): 3, ord("U"): 3, ord("i"): 2, ord("m"): 2, ord("c"): 4,
    ord("r"): 3, ord("%"): 3, ord("="): 3, ord("L"): 2, ord("S"): 2, ord("T"): 3,
    ord("W"): 10, ord("?"): 3, 0x0C: 2, ord("K"): 3,
}
_GS_FIXED = {
    ord("!"): 3, ord("r"): 3, ord("B"): 3, ord("L"): 4, ord("W"): 4, ord("H"): 3,
    ord("h"): 3, ord("w"): 3, ord("f"): 3, ord("a"): 3, ord("I"): 3, ord("P"): 4,
    ord("/"): 3, ord("b"): 3, ord("$"): 4, ord("\\"): 4, ord("^"): 5, ord(":"): 2,
    ord("T"): 3, ord("Z"): 3, ord("E"): 3,
}
_FS_FIXED = {
    ord("&"): 2, ord("."): 2, ord("!"): 3, ord("-"): 3, ord("C"): 3, ord("S"): 4,
    ord("W"): 3, ord("p"): 4, ord("2"): 76, ord("?"): 4,
}

Parsed = tuple[Op | None, int] | None


class EscPosParser:
    """Feed bytes with :meth:`feed`; it returns the operations completed so far."""

    def __init__(self, chinese_default: bool = True) -> None:
        self._buf = bytearray()
        self.chinese_default = chinese_default
        self.chinese = chinese_default
        self.code_table = 0
        self.national: dict[int, str] = {}

    def reset(self) -> None:
        """Forget partial input (receive buffer cleared: power cycle, DLE DC4 8)."""
        self._buf.clear()

    def initialise(self) -> None:
        """ESC @: Chinese mode, code table and character set back to power-on values."""
        self.chinese = self.chinese_default
        self.code_table = 0
        self.national = {}

    @property
    def pending(self) -> int:
        """Bytes of a command still waiting for the rest of it."""
        return len(self._buf)

    def feed(self, data: bytes) -> list[Op]:
        """Parse as much as possible; incomplete commands wait for more bytes."""
        self._buf += data
        ops: list[Op] = []
        pos = 0
        while pos < len(self._buf):
            result = self._one(pos)
            if result is None:
                break
            op, pos = result
            if op is not None:
                ops.append(op)
        del self._buf[:pos]
        return ops

    # -- one command -----------------------------------------------------------------
    def _need(self, end: int) -> bool:
        return end <= len(self._buf)

    def _one(self, pos: int) -> Parsed:
        byte = self._buf[pos]
        if byte == DLE:
            return self._dle(pos)
        if byte == ESC:
            return self._esc(pos)
        if byte == GS:
            return self._gs(pos)
        if byte == FS:
            return self._fs(pos)
        if byte in (0x0A, 0x0C):
            return Op("newline"), pos + 1
        if byte == 0x09:
            return Op("text", (0,), text="    "), pos + 1
        if byte < 0x20 or byte == 0x7F:
            return Op("ignored", data=bytes([byte])), pos + 1
        return self._text(pos)

    def _dle(self, pos: int) -> Parsed:
        buf = self._buf
        if not self._need(pos + 2):
            return None
        kind = buf[pos + 1]
        if kind in (0x04, 0x05):  # DLE EOT n / DLE ENQ n (answered by the real-time scanner)
            if not self._need(pos + 3):
                return None
            return Op("status" if kind == 0x04 else "realtime", (buf[pos + 2],)), pos + 3
        if kind == 0x14:  # DLE DC4 fn …
            if not self._need(pos + 3):
                return None
            end = pos + DLE_DC4_LENGTHS.get(buf[pos + 2], 3)
            return (Op("realtime", data=bytes(buf[pos:end])), end) if self._need(end) else None
        return Op("ignored", data=bytes(buf[pos:pos + 1])), pos + 1

    def _fixed(self, pos: int, table: dict[int, int], name: str) -> Parsed:
        buf = self._buf
        if not self._need(pos + 2):
            return None
        cmd = buf[pos + 1]
        length = table.get(cmd)
        if length is None:
            return Op("unknown", data=bytes(buf[pos:pos + 2])), pos + 2
        if not self._need(pos + length):
            return None
        return Op(f"{name}{chr(cmd)}", tuple(buf[pos + 2:pos + length])), pos + length

    def _block(self, name: str, pos: int, start: int, size: int,
               args: tuple[int, ...] = ()) -> Parsed:
        """A command whose data runs from ``start`` for ``size`` bytes."""
        end = start + size
        return (Op(name, args, bytes(self._buf[start:end])), end) if self._need(end) else None

    def _esc(self, pos: int) -> Parsed:
        buf = self._buf
        if not self._need(pos + 2):
            return None
        cmd = buf[pos + 1]
        if cmd == ord("*"):  # ESC * m nL nH d1..dk (bit image, 8 or 24 dots high)
            if not self._need(pos + 5):
                return None
            m, n = buf[pos + 2], buf[pos + 3] + 256 * buf[pos + 4]
            return self._block("bitimage", pos, pos + 5, n * (3 if m in (32, 33) else 1), (m, n))
        if cmd == ord("D"):  # ESC D n1 … NUL (tab positions)
            end = buf.find(b"\x00", pos + 2)
            return (Op("ignored", data=b"ESC D"), end + 1) if end >= 0 else None
        if cmd == ord("B"):  # ESC B n t (buzzer)
            return (Op("ignored", data=b"ESC B"), pos + 4) if self._need(pos + 4) else None
        result = self._fixed(pos, _ESC_FIXED, "ESC ")
        if result is not None and result[0] is not None:
            op = result[0]
            if op.name == "ESC @":
                self.initialise()
            elif op.name == "ESC t":
                self.code_table = op.args[0]
            elif op.name == "ESC R":
                self.national = international(op.args[0])
        return result

    def _gs(self, pos: int) -> Parsed:
        buf = self._buf
        if not self._need(pos + 2):
            return None
        cmd = buf[pos + 1]
        if cmd == ord("V"):  # GS V m [n]
            if not self._need(pos + 3):
                return None
            m = buf[pos + 2]
            if m in (0, 1, 48, 49):
                return Op("cut", (m,)), pos + 3
            return (Op("cut", (m, buf[pos + 3])), pos + 4) if self._need(pos + 4) else None
        if cmd == ord("8"):  # GS 8 L p1 p2 p3 p4 m fn … (graphics, 4-byte length)
            if not self._need(pos + 7):
                return None
            if buf[pos + 2] != ord("L"):
                return Op("unknown", data=bytes(buf[pos:pos + 2])), pos + 2
            size = int.from_bytes(buf[pos + 3:pos + 7], "little")
            return self._block("graphics", pos, pos + 7, size)
        if cmd == ord("("):  # GS ( <fn class> pL pH data (GS ( k 2D codes, GS ( L graphics …)
            if not self._need(pos + 5):
                return None
            fn_class, size = buf[pos + 2], buf[pos + 3] + 256 * buf[pos + 4]
            name = {ord("k"): "2d", ord("L"): "graphics"}.get(fn_class, "ignored")
            return self._block(name, pos, pos + 5, size)
        if cmd == ord("v"):  # GS v 0 m xL xH yL yH d1…dk
            if not self._need(pos + 3):
                return None
            if buf[pos + 2] != 0x30:
                return Op("unknown", data=bytes(buf[pos:pos + 2])), pos + 2
            if not self._need(pos + 8):
                return None
            m = buf[pos + 3]
            width_bytes = buf[pos + 4] + 256 * buf[pos + 5]
            height = buf[pos + 6] + 256 * buf[pos + 7]
            return self._block("raster", pos, pos + 8, width_bytes * height,
                               (m, width_bytes, height))
        if cmd == ord("k"):  # GS k m d1…dk NUL (m ≤ 6) or GS k m n d1…dn (m ≥ 65)
            if not self._need(pos + 3):
                return None
            m = buf[pos + 2]
            if m <= 6:
                end = buf.find(b"\x00", pos + 3)
                return (Op("barcode", (m,), bytes(buf[pos + 3:end])), end + 1) if end >= 0 else None
            if 65 <= m <= 79:
                if not self._need(pos + 4):
                    return None
                return self._block("barcode", pos, pos + 4, buf[pos + 3], (m,))
            return Op("unknown", data=bytes(buf[pos:pos + 3])), pos + 3
        if cmd == ord("*"):  # GS * x y d… (downloaded bit image)
            if not self._need(pos + 4):
                return None
            return self._block("ignored", pos, pos + 4, buf[pos + 2] * buf[pos + 3] * 8)
        return self._fixed(pos, _GS_FIXED, "GS ")

    def _fs(self, pos: int) -> Parsed:
        if self._need(pos + 5) and self._buf[pos + 1] == ord("("):  # FS ( x pL pH …
            size = self._buf[pos + 3] + 256 * self._buf[pos + 4]
            return self._block("ignored", pos, pos + 5, size)
        if self._need(pos + 2) and self._buf[pos + 1] == ord("("):
            return None
        result = self._fixed(pos, _FS_FIXED, "FS ")
        if result is not None and result[0] is not None:
            if result[0].name == "FS &":
                self.chinese = True
            elif result[0].name == "FS .":
                self.chinese = False
        return result

    def _text(self, pos: int) -> Parsed:
        """A run of printable characters, up to the next control byte."""
        buf = self._buf
        chars: list[str] = []
        i = pos
        while i < len(buf):
            byte = buf[i]
            if byte < 0x20 or byte == 0x7F:
                break
            if byte < 0x80:
                chars.append(self.national.get(byte, chr(byte)))
                i += 1
                continue
            if not self.chinese or byte == 0x80 or byte == 0xFF:
                chars.append(decode_high(byte, self.code_table))
                i += 1
                continue
            if i + 1 >= len(buf):
                break  # wait for the trail byte
            trail = buf[i + 1]
            if 0x30 <= trail <= 0x39:  # 4-byte GB18030: garbage on a 2-byte head
                if i + 3 >= len(buf):
                    break
                chars.append(GARBAGE)
                i += 4
                continue
            if 0x40 <= trail <= 0xFE and trail != 0x7F:
                chars.append(bytes(buf[i:i + 2]).decode("gb18030", errors="replace"))
                i += 2
                continue
            chars.append(GARBAGE)  # a lead byte without a valid trail
            i += 1
        if i == pos:
            return None
        return Op("text", (1 if self.chinese else 0,), text="".join(chars)), i
