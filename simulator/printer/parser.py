"""An incremental ESC/POS parser: bytes in (in any chunking), operations out.

It knows the command lengths of the common ESC/POS set so that unknown or ignored commands
are skipped whole, and it decodes text the way a Chinese receipt printer does: in Chinese
mode (FS &) a lead byte 0x81–0xFE starts a 2-byte GB18030 character; a 4-byte sequence
(``81 30 84 36`` for ¥) is what a real head prints as garbage, so it becomes
:data:`GARBAGE`. Outside Chinese mode bytes above 0x7F are code page 437.
"""

from __future__ import annotations

from dataclasses import dataclass

GARBAGE = "\ufffd"

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10


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
}
_GS_FIXED = {
    ord("!"): 3, ord("r"): 3, ord("B"): 3, ord("L"): 4, ord("W"): 4, ord("H"): 3,
    ord("h"): 3, ord("w"): 3, ord("f"): 3, ord("a"): 3, ord("I"): 3, ord("P"): 4,
    ord("/"): 3, ord("b"): 3, ord("$"): 4, ord("\\"): 4, ord("^"): 5, ord(":"): 2,
}
_FS_FIXED = {
    ord("&"): 2, ord("."): 2, ord("!"): 3, ord("-"): 3, ord("C"): 3, ord("S"): 4,
    ord("W"): 3, ord("p"): 4, ord("2"): 76,
}


class EscPosParser:
    """Feed bytes with :meth:`feed`; it returns the operations completed so far."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self.chinese = False

    def reset(self) -> None:
        """Forget partial input (the printer was re-initialised by power or fault)."""
        self._buf.clear()

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
    def _one(self, pos: int) -> tuple[Op | None, int] | None:
        buf = self._buf
        byte = buf[pos]
        if byte == DLE:
            if pos + 1 >= len(buf):
                return None
            if buf[pos + 1] in (0x04, 0x05):  # DLE EOT n / DLE ENQ n
                if pos + 2 >= len(buf):
                    return None
                name = "status" if buf[pos + 1] == 0x04 else "realtime_request"
                return Op(name, (buf[pos + 2],)), pos + 3
            if buf[pos + 1] == 0x14:  # DLE DC4 fn m t
                end = pos + 5
                return (Op("ignored", data=bytes(buf[pos:end])), end) if end <= len(buf) else None
            return Op("ignored", data=bytes(buf[pos:pos + 1])), pos + 1
        if byte == ESC:
            return self._esc(pos)
        if byte == GS:
            return self._gs(pos)
        if byte == FS:
            return self._fs(pos)
        if byte == 0x0A:
            return Op("newline"), pos + 1
        if byte == 0x0C:
            return Op("newline"), pos + 1
        if byte == 0x09:
            return Op("text", (0,), text="    "), pos + 1
        if byte < 0x20 or byte == 0x7F:
            return Op("ignored", data=bytes([byte])), pos + 1
        return self._text(pos)

    def _fixed(self, pos: int, table: dict[int, int], name: str) -> tuple[Op | None, int] | None:
        buf = self._buf
        if pos + 1 >= len(buf):
            return None
        cmd = buf[pos + 1]
        length = table.get(cmd)
        if length is None:
            return Op("unknown", data=bytes(buf[pos:pos + 2])), pos + 2
        if pos + length > len(buf):
            return None
        args = tuple(buf[pos + 2:pos + length])
        return Op(f"{name}{chr(cmd)}", args), pos + length

    def _esc(self, pos: int) -> tuple[Op | None, int] | None:
        buf = self._buf
        if pos + 1 >= len(buf):
            return None
        if buf[pos + 1] == ord("*"):  # ESC * m nL nH d1..dk (bit image)
            if pos + 5 > len(buf):
                return None
            m, n = buf[pos + 2], buf[pos + 3] + 256 * buf[pos + 4]
            end = pos + 5 + n * (3 if m in (32, 33) else 1)
            return (Op("ignored", data=b"ESC *"), end) if end <= len(buf) else None
        if buf[pos + 1] == ord("D"):  # ESC D n1 … NUL (tab positions)
            end = buf.find(b"\x00", pos + 2)
            return (Op("ignored", data=b"ESC D"), end + 1) if end >= 0 else None
        if buf[pos + 1] == ord("B"):  # ESC B n t (buzzer)
            return (Op("ignored", data=b"ESC B"), pos + 4) if pos + 4 <= len(buf) else None
        return self._fixed(pos, _ESC_FIXED, "ESC ")

    def _gs(self, pos: int) -> tuple[Op | None, int] | None:
        buf = self._buf
        if pos + 1 >= len(buf):
            return None
        cmd = buf[pos + 1]
        if cmd == ord("V"):  # GS V m [n]
            if pos + 2 >= len(buf):
                return None
            m = buf[pos + 2]
            if m in (0, 1, 48, 49):
                return Op("cut", (m,)), pos + 3
            return (Op("cut", (m, buf[pos + 3])), pos + 4) if pos + 3 < len(buf) else None
        if cmd == ord("8"):  # GS 8 L p1 p2 p3 p4 … (large graphics data, 4-byte length)
            if pos + 7 > len(buf):
                return None
            size = int.from_bytes(buf[pos + 3:pos + 7], "little")
            end = pos + 7 + size
            return (Op("ignored", data=b"GS 8"), end) if end <= len(buf) else None
        if cmd == ord("("):  # GS ( k / GS ( L … pL pH data
            if pos + 5 > len(buf):
                return None
            fn_class = buf[pos + 2]
            size = buf[pos + 3] + 256 * buf[pos + 4]
            end = pos + 5 + size
            if end > len(buf):
                return None
            body = bytes(buf[pos + 5:end])
            name = "2d" if fn_class == ord("k") and cmd == ord("(") else "ignored"
            return Op(name, data=body), end
        if cmd == ord("v"):  # GS v 0 m xL xH yL yH d1…dk
            if pos + 8 > len(buf):
                return None
            m = buf[pos + 3]
            width_bytes = buf[pos + 4] + 256 * buf[pos + 5]
            height = buf[pos + 6] + 256 * buf[pos + 7]
            end = pos + 8 + width_bytes * height
            if end > len(buf):
                return None
            return Op("raster", (m, width_bytes, height), bytes(buf[pos + 8:end])), end
        if cmd == ord("k"):  # barcodes: skipped whole
            if pos + 3 > len(buf):
                return None
            m = buf[pos + 2]
            if m <= 6:
                end = buf.find(b"\x00", pos + 3)
                return (Op("barcode", data=b""), end + 1) if end >= 0 else None
            if pos + 4 > len(buf):
                return None
            end = pos + 4 + buf[pos + 3]
            return (Op("barcode", data=b""), end) if end <= len(buf) else None
        if cmd == ord("*"):  # GS * x y d… (downloaded bit image)
            if pos + 4 > len(buf):
                return None
            end = pos + 4 + buf[pos + 2] * buf[pos + 3] * 8
            return (Op("ignored", data=b"GS *"), end) if end <= len(buf) else None
        return self._fixed(pos, _GS_FIXED, "GS ")

    def _fs(self, pos: int) -> tuple[Op | None, int] | None:
        result = self._fixed(pos, _FS_FIXED, "FS ")
        if result is not None and result[0] is not None:
            if result[0].name == "FS &":
                self.chinese = True
            elif result[0].name == "FS .":
                self.chinese = False
        return result

    def _text(self, pos: int) -> tuple[Op | None, int] | None:
        """A run of printable characters, up to the next control byte."""
        buf = self._buf
        chars: list[str] = []
        i = pos
        while i < len(buf):
            byte = buf[i]
            if byte < 0x20 or byte == 0x7F:
                break
            if byte < 0x80:
                chars.append(chr(byte))
                i += 1
                continue
            if not self.chinese or byte == 0x80 or byte == 0xFF:
                chars.append(bytes([byte]).decode("cp437"))
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
