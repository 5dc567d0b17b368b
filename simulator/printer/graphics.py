"""The printer's symbol and graphics commands: GS k, GS ( k, GS v 0, GS ( L / GS 8 L.

:class:`Graphics` keeps their settings (barcode height, module width and HRI position; QR
model, module size, error correction and stored data; other 2D symbols' data; the graphics
print buffer and defined NV / download graphics) and turns a print command into a
:class:`~simulator.printer.page.Picture` for the page, or a transcript-only
:class:`~simulator.printer.page.Note` when the printer prints nothing (bad data, a symbol
wider than the paper: Epson prints nothing rather than a cropped symbol). Content the
simulator cannot draw (QR model 1, Micro QR, MaxiCode, GS1 DataBar, multi-tone graphics,
UPC-E / CODE39 / ITF / CODABAR / CODE93 barcodes) is printed as a visible hatched marker,
named in the transcript. ``apply`` also returns the printer's answer (the QR size query).
"""

from __future__ import annotations

from PIL import Image

from simulator.printer import symbols
from simulator.printer.page import GLYPH_H, Glyph, Note, Picture, _glyph_image, marker_image
from simulator.printer.parser import Op

_QR_MODELS = {49: "model 1", 50: "model 2", 51: "Micro QR"}
_2D_NAMES = {48: "PDF417", 50: "MaxiCode", 51: "GS1 DataBar", 52: "Composite", 53: "Aztec",
             54: "DataMatrix"}
_EAN = {"EAN13", "EAN8", "UPC-A"}
Printed = Picture | Note | None


class Graphics:
    """Settings and drawing of symbols and graphics for one paper width (``dots``)."""

    def __init__(self, dots: int) -> None:
        self.dots = dots
        self.bar_height = 162
        self.bar_module = 3
        self.hri = 0
        self.hri_font_b = False
        self.qr_model = 50
        self.qr_module = 3
        self.qr_ec = 48
        self.qr_data = b""
        self.other_data: dict[int, bytes] = {}
        self.other_module: dict[int, int] = {}
        self.buffer: Picture | None = None
        self.stored: dict[tuple[int, int], Picture] = {}

    def apply(self, op: Op, align: int) -> tuple[Printed, bytes]:
        """Run one op; return what it prints (or None) and the printer's answer."""
        name, args = op.name, op.args
        if name == "GS h" and args[0]:
            self.bar_height = args[0]
        elif name == "GS w" and 1 <= args[0] <= 6:
            self.bar_module = args[0]
        elif name == "GS H" and args[0] % 48 <= 3:
            self.hri = args[0] % 48
        elif name == "GS f":
            self.hri_font_b = args[0] in (1, 49)
        elif name == "barcode":
            return self._barcode(args[0], op.data, align), b""
        elif name == "2d" and len(op.data) >= 2:
            return self._two_d(op.data, align)
        elif name == "raster":
            image = symbols.raster_image(args[0], args[1], args[2], op.data)
            return (self._fit(image, align, "image", "GS v 0") if image else None), b""
        elif name == "graphics" and len(op.data) >= 2:
            return self._graphics(op.data, align), b""
        return None, b""

    # -- barcodes --------------------------------------------------------------------------
    def _barcode(self, m: int, data: bytes, align: int) -> Printed:
        kind = symbols.SYMBOLOGIES.get(m, f"m={m}")
        if kind == "CODE128":
            modules = symbols.code128_modules(data)
            hri = _code128_text(data)
        elif kind in _EAN:
            found = symbols.ean_modules(kind, data)
            modules, hri = found if found else (None, "")
        else:
            label = f"{kind} {data.decode('latin-1')}"
            width = min(self.dots, max(96, len(data) * 11 * self.bar_module))
            return Picture(marker_image(width, self.bar_height, kind), align, "marker", label)
        if modules is None:
            return Note(f"barcode {kind}: data the printer rejects")
        bars = symbols.bars_image(modules, self.bar_module, self.bar_height)
        if bars.width > self.dots:
            return Note(f"barcode {kind} {bars.width} dots wide, paper {self.dots} dots")
        return Picture(self._with_hri(bars, hri), align, "barcode", f"{kind}: {hri}")

    def _with_hri(self, bars: Image.Image, text: str) -> Image.Image:
        if not self.hri or not text:
            return bars
        row = Image.new("L", (bars.width, GLYPH_H + 4), 255)
        glyphs = [_glyph_image(Glyph(c, False, font_b=self.hri_font_b)) for c in text]
        x = max(0, (bars.width - sum(g.width for g in glyphs)) // 2)
        for glyph in glyphs:
            row.paste(glyph, (x, 2))
            x += glyph.width
        parts = ([row] if self.hri in (1, 3) else []) + [bars] + ([row] if self.hri >= 2 else [])
        out = Image.new("L", (bars.width, sum(p.height for p in parts)), 255)
        y = 0
        for part in parts:
            out.paste(part, (0, y))
            y += part.height
        return out

    # -- 2D symbols ------------------------------------------------------------------------
    def _two_d(self, body: bytes, align: int) -> tuple[Printed, bytes]:
        cn, fn, rest = body[0], body[1], body[2:]
        if cn != 49:
            return self._other_2d(cn, fn, rest, align), b""
        if fn == 65 and rest and rest[0] in _QR_MODELS:
            self.qr_model = rest[0]
        elif fn == 67 and rest and 1 <= rest[0] <= 16:
            self.qr_module = rest[0]
        elif fn == 69 and rest and 48 <= rest[0] <= 51:
            self.qr_ec = rest[0]
        elif fn == 80 and rest:
            self.qr_data = bytes(rest[1:])
        elif fn == 81 and self.qr_data:
            return self._qr(align), b""
        elif fn == 82:
            return None, self._qr_size()
        return None, b""

    def _qr(self, align: int) -> Printed:
        payload = self.qr_data.decode("utf-8", "replace")
        image = symbols.qr_image(self.qr_data, self.qr_module, self.qr_ec)
        if image is None:
            return Note("QR code: more data than a QR code holds")
        if self.qr_model != 50:
            label = f"QR {_QR_MODELS[self.qr_model]}"
            return self._fit(marker_image(image.width, image.height, label), align, "marker",
                             f"{label}: {payload}")
        return self._fit(image, align, "qr", payload)

    def _qr_size(self) -> bytes:
        """The answer to GS ( k fn 82: 37 36 width 1F height 1F 31 1F printable NUL."""
        image = symbols.qr_image(self.qr_data, self.qr_module, self.qr_ec) if self.qr_data else None
        size = image.width if image is not None else 0
        printable = image is not None and size <= self.dots
        text = f"{size}".encode() + b"\x1f" + f"{size}".encode() + b"\x1f1\x1f"
        return b"\x37\x36" + text + (b"0" if printable else b"1") + b"\x00"

    def _other_2d(self, cn: int, fn: int, rest: bytes, align: int) -> Printed:
        name = _2D_NAMES.get(cn, f"2D cn={cn}")
        if fn == 67 and rest:
            self.other_module[cn] = rest[0]
        elif fn == 80 and rest:
            self.other_data[cn] = bytes(rest[1:])
        elif fn == 81 and self.other_data.get(cn):
            data = self.other_data[cn]
            image = symbols.other_2d_image(cn, data, self.other_module.get(cn, 3))
            payload = f"{name}: {data.decode('utf-8', 'replace')}"
            if image is None:
                return self._fit(marker_image(160, 96, name), align, "marker", payload)
            return self._fit(image, align, "barcode", payload)
        return None

    # -- graphics --------------------------------------------------------------------------
    def _graphics(self, body: bytes, align: int) -> Printed:
        fn, rest = body[1], body[2:]
        if fn in (112, 113):  # store in the print buffer (raster / column format)
            image = symbols.graphics_image(rest, column=fn == 113)
            self.buffer = _picture(image, rest, "GS ( L")
        elif fn == 50 and self.buffer is not None:  # print the buffer
            picture, self.buffer = self.buffer, None
            return self._fit(picture.image, align, picture.kind, picture.payload)
        elif fn in (67, 68, 83, 84) and len(rest) >= 9:  # define NV / download graphics
            a, key, (x_l, x_h, y_l, y_h), data = rest[0], (rest[1], rest[2]), rest[4:8], rest[9:]
            header = bytes([a, 1, 1, 49, x_l, x_h, y_l, y_h])
            image = symbols.graphics_image(header + data, column=fn in (68, 84))
            self.stored[key] = _picture(image, header, "NV graphics")
        elif fn in (69, 85) and len(rest) >= 4:  # print NV / download graphics
            stored = self.stored.get((rest[0], rest[1]))
            if stored is None:
                return Note(f"graphics key {rest[0]:02x}{rest[1]:02x} is not defined")
            scaled = stored.image.resize((stored.image.width * max(1, min(2, rest[2])),
                                          stored.image.height * max(1, min(2, rest[3]))))
            return self._fit(scaled, align, stored.kind, stored.payload)
        return None

    def _fit(self, image: Image.Image, align: int, kind: str, payload: str) -> Printed:
        """A symbol wider than the paper is not printed at all (as on an Epson)."""
        if image.width > self.dots:
            what = "QR code" if kind == "qr" else payload.split(":")[0]
            return Note(f"{what} {image.width} dots wide, paper {self.dots} dots")
        return Picture(image, align, kind, payload)


def _picture(image: Image.Image | None, header: bytes, what: str) -> Picture:
    """Graphics as stored: the image, or a marker for multi-tone / malformed data."""
    if image is not None:
        return Picture(image, 0, "image", what)
    width = header[4] + 256 * header[5] if len(header) > 5 else 96
    height = header[6] + 256 * header[7] if len(header) > 7 else 48
    label = f"{what} multi-tone graphics"
    return Picture(marker_image(min(width, 576), min(max(48, height), 400), label), 0,
                   "marker", label)


def _code128_text(data: bytes) -> str:
    """HRI of ESC/POS CODE128 data: the characters without the code set escapes."""
    out, i, code_set = [], 2, chr(data[1]) if len(data) > 1 else "B"
    while i < len(data):
        if data[i] == 0x7B and i + 1 < len(data):
            if data[i + 1] == 0x7B:
                out.append("{")
            elif chr(data[i + 1]) in "ABC":
                code_set = chr(data[i + 1])
            i += 2
            continue
        if code_set == "C":
            out.append(f"{data[i]:02d}")
        else:
            out.append(chr(data[i]) if data[i] >= 0x20 else " ")
        i += 1
    return "".join(out)

