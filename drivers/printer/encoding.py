"""ESC/POS byte encoding for Chinese receipts.

python-escpos (pinned 3.1) encodes the commands it gets right: text style (ESC E, ESC a,
GS !), native QR codes (GS ( k) and raster images (GS v 0). What it gets wrong for Chinese
receipts is done here:

* Chinese mode is switched on explicitly (FS &) instead of trusting the power-on default;
* text is encoded in GB18030 restricted to its 1- and 2-byte area, because typical heads
  print 4-byte sequences as garbage: such characters are mapped to a printable look-alike
  (``¥`` → ``￥``) or replaced by ``□`` — or rejected with :class:`UnprintableText`;
* control characters are never passed through (a name cannot smuggle in an ESC command);
* layout is width-aware: a 2-byte character takes two columns (32 columns on 58 mm paper,
  48 on 80 mm), and wrapping never splits a character nor starts a line with closing
  punctuation;
* raster images never carry a real-time command (:func:`defuse_realtime`).
"""

from __future__ import annotations

import copy
import unicodedata

from escpos.capabilities import Profile
from escpos.printer import Dummy
from PIL import Image

from drivers.errors import ProtocolError

ESC = b"\x1b"
GS = b"\x1d"
FS = b"\x1c"
LF = b"\n"

INIT = ESC + b"@"
CHINESE_ON = FS + b"&"
CHINESE_OFF = FS + b"."

#: printable dots across the paper at 203 dpi, and Font A columns (12-dot cells)
DOTS_BY_WIDTH_MM = {58: 384, 80: 576}
COLUMNS_BY_WIDTH_MM = {58: 32, 80: 48}

#: what replaces a character the head cannot print
PLACEHOLDER = "□"

#: characters whose GB18030 code is 4 bytes (garbage on the head), mapped to printable ones
_LOOKALIKES = {
    "¥": "￥",
    "•": "·",
    "‧": "·",
    "–": "-",
    "‒": "-",
    "−": "-",
    "™": "TM",
    "©": "(C)",
    "®": "(R)",
    "½": "1/2",
    "¼": "1/4",
    "¾": "3/4",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\t": " ",
    "\u200b": "",
    "\ufeff": "",
}

#: punctuation that must not start a line (line-breaking rule for Chinese text)
_NO_LINE_START = set("，。、；：？！）》」』】〕’”…%,.;:?!)]}")


class UnprintableText(ProtocolError):
    """Text holds characters the printer cannot print (strict mode)."""


def _gb_width(char: str) -> int:
    """Bytes of ``char`` in GB18030 (1, 2 or 4)."""
    try:
        return len(char.encode("gb18030"))
    except UnicodeEncodeError:  # lone surrogates
        return 4


def printable(text: str, strict: bool = False) -> str:
    """Return ``text`` with every character printable on a GB18030 2-byte head.

    Look-alikes replace 4-byte characters where one exists; control characters are
    dropped; anything else becomes ``□``, or raises :class:`UnprintableText` when
    ``strict``. The message names the code points only, never the text (it may be personal).
    """
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    bad: list[str] = []
    for char in text:
        if char in _LOOKALIKES:
            out.append(_LOOKALIKES[char])
        elif ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0:
            continue
        elif _gb_width(char) <= 2:
            out.append(char)
        else:
            bad.append(f"U+{ord(char):04X}")
            out.append(PLACEHOLDER)
    if bad and strict:
        raise UnprintableText("text has characters the printer cannot print: " + ", ".join(bad))
    return "".join(out)


def encode_text(text: str, strict: bool = False) -> bytes:
    """GB18030 bytes of ``text`` after :func:`printable` (only 1- and 2-byte codes)."""
    return printable(text, strict).encode("gb18030")


def char_columns(char: str) -> int:
    """Columns a (printable) character takes: 1 for ASCII, 2 for any 2-byte code."""
    return 1 if ord(char) < 0x80 else 2


def display_width(text: str) -> int:
    """Columns ``text`` takes once printed (after :func:`printable`)."""
    return sum(char_columns(c) for c in printable(text))


def _is_word_char(char: str) -> bool:
    return ord(char) < 0x80 and (char.isalnum() or char in "-_/.@:*")


def wrap(text: str, columns: int, indent: int = 0) -> list[str]:
    """Split ``text`` into lines of at most ``columns`` columns.

    Never splits a character; keeps ASCII words together when they fit on a line; moves
    a character to the next line rather than starting a line with closing punctuation.
    Continuation lines start with ``indent`` spaces. Returns ``[""]`` for empty text.
    """
    if columns < 4:
        raise ValueError("columns must be at least 4")
    indent = max(0, min(indent, columns // 2))
    chars = printable(text)
    lines: list[str] = []
    prefix = ""
    avail = columns
    cur = ""
    width = 0
    i = 0
    while i < len(chars):
        char = chars[i]
        cw = char_columns(char)
        if width + cw <= avail or not cur:
            cur += char
            width += cw
            i += 1
            continue
        keep, carry = cur, ""
        if _is_word_char(char):
            start = len(cur)
            while start > 0 and _is_word_char(cur[start - 1]):
                start -= 1
            end = i
            while end < len(chars) and _is_word_char(chars[end]):
                end += 1
            if start > 0 and (len(cur) - start) + (end - i) <= columns - indent:
                keep, carry = cur[:start], cur[start:]
        elif char in _NO_LINE_START and len(cur) > 1 and cur[-1] not in _NO_LINE_START:
            keep, carry = cur[:-1], cur[-1]
        lines.append(prefix + keep.rstrip(" "))
        prefix, avail = " " * indent, columns - indent
        cur = carry.lstrip(" ")
        width = sum(char_columns(c) for c in cur)
        if char == " " and not cur:
            i += 1  # a space at a break is swallowed
    lines.append(prefix + cur.rstrip(" ") if cur or not lines else prefix.rstrip())
    return [line for line in lines if line or len(lines) == 1] or [""]


def defuse_realtime(raster: bytes) -> bytes:
    """GS v 0 blocks whose image data never holds a real-time command.

    A printer answers DLE EOT / DLE ENQ / DLE DC4 wherever the bytes arrive, even inside
    image data, so ``10 04 n`` in a picture would put a stray status byte on the line. The
    DLE byte of such a sequence loses its one black dot (0x10 -> 0x00): one dot of the
    picture, never a reply the driver did not ask for.
    """
    out = bytearray(raster)
    pos = 0
    while True:
        pos = out.find(b"\x1dv0", pos)
        if pos < 0 or pos + 8 > len(out):
            return bytes(out)
        start = pos + 8
        end = start + (out[pos + 4] + 256 * out[pos + 5]) * (out[pos + 6] + 256 * out[pos + 7])
        i = out.find(b"\x10", start, end)
        while 0 <= i < len(out) - 1:
            if out[i + 1] in (0x04, 0x05, 0x14):
                out[i] = 0x00
            i = out.find(b"\x10", i + 1, end)
        pos = end


def pad_between(left: str, right: str, columns: int) -> str | None:
    """``left`` and ``right`` on one line, right-aligned; None when they do not fit."""
    gap = columns - display_width(left) - display_width(right)
    if gap < 1:
        return None
    return left + " " * gap + right


class CommandEncoder:
    """ESC/POS command bytes, through python-escpos where its encoding is right.

    One encoder per paper width; methods return bytes and keep no job state.
    """

    def __init__(self, width_mm: int = 80) -> None:
        if width_mm not in DOTS_BY_WIDTH_MM:
            raise ValueError(f"paper width must be 58 or 80 mm, not {width_mm}")
        self.width_mm = width_mm
        self.dots = DOTS_BY_WIDTH_MM[width_mm]
        self.columns = COLUMNS_BY_WIDTH_MM[width_mm]
        profile = Profile(columns=self.columns)
        data = copy.deepcopy(profile.profile_data)
        data["media"] = {"dpi": 203, "width": {"mm": width_mm, "pixels": self.dots}}
        profile.profile_data = data  # an instance copy: the shared profile class is untouched
        profile.features = dict(data.get("features", {}))
        self._profile = profile

    def _capture(self) -> Dummy:
        return Dummy(profile=self._profile)

    def style(
        self,
        align: str = "left",
        bold: bool = False,
        size: int = 1,
        tall: bool = False,
    ) -> bytes:
        """Alignment (ESC a), bold (ESC E) and character size (GS !, for ANK and Chinese);
        ``tall`` doubles the height only."""
        if size not in (1, 2, 3):
            raise ValueError("size must be 1, 2 or 3")
        dummy = self._capture()
        dummy.set(align=align, bold=bold, custom_size=True, width=size,
                  height=size * 2 if tall else size)
        return bytes(dummy.output)

    def line(self, text: str, strict: bool = False) -> bytes:
        """One printed line: GB18030 text (2-byte area only) and LF."""
        return encode_text(text, strict) + LF

    def qr(self, payload: str, module: int = 6, ec: str = "M") -> bytes:
        """A native QR code (GS ( k: model 2, module size, error correction, store, print)."""
        levels = {"L": 0, "M": 1, "Q": 2, "H": 3}
        if ec not in levels:
            raise ValueError("error correction must be L, M, Q or H")
        if not payload or not payload.isascii():
            raise UnprintableText("a QR payload must be non-empty ASCII")
        dummy = self._capture()
        dummy.qr(payload, ec=levels[ec], size=module, native=True)
        return bytes(dummy.output)

    def raster(self, image: Image.Image) -> bytes:
        """A 1-bit raster image (GS v 0), scaled down to the paper width if wider."""
        mono = image.convert("L")
        if mono.width > self.dots:
            height = max(1, round(mono.height * self.dots / mono.width))
            mono = mono.resize((self.dots, height))
        dummy = self._capture()
        dummy.image(mono, impl="bitImageRaster", center=False)
        return defuse_realtime(bytes(dummy.output))

    def feed_dots(self, dots: int) -> bytes:
        """Print the buffer and feed ``dots`` dots of paper (ESC J n, in parts of ≤ 255)."""
        out = b""
        while dots > 0:
            step = min(255, dots)
            out += ESC + b"J" + bytes([step])
            dots -= step
        return out

    def feed(self, lines: int) -> bytes:
        """Print the buffer and feed ``lines`` lines (ESC d n)."""
        if not 0 <= lines <= 255:
            raise ValueError("feed must be 0..255 lines")
        return ESC + b"d" + bytes([lines])

    def cut(self, partial: bool = True) -> bytes:
        """Feed to the cutter and cut (GS V 66 0 partial, GS V 65 0 full)."""
        if partial:
            dummy = self._capture()
            dummy.cut(mode="PART", feed=False)  # python-escpos sends GS V 66 0
            return bytes(dummy.output)
        return GS + b"VA\x00"
