"""What the printer draws for barcodes, 2D symbols and bit images (as 1-bit-style images).

Written from the ESC/POS command descriptions, independently of the driver:

* GS k: CODE128 (with the ESC/POS code set prefixes ``{A`` ``{B`` ``{C`` and ``{1``–``{4``,
  ``{S``, ``{{``; set C characters are binary 0–99), EAN-13 / JAN13, EAN-8 / JAN8 and UPC-A
  drawn bar by bar at the GS w module width and GS h height; other symbologies are left to
  the caller to mark. Invalid data gives ``None`` (a real printer prints nothing);
* ESC * bit image slices (8-dot and 24-dot, single and double density);
* GS v 0 and GS ( L / GS 8 L raster and column graphics;
* QR codes at the module size with no quiet zone (a printer adds none);
* PDF417, DataMatrix and Aztec through zxing-cpp's writer.

Images are mode "L", black (0) on white (255).
"""

from __future__ import annotations

from barcode.charsets import code128 as c128
from barcode.charsets import ean as ean_tables
from PIL import Image

CODE128_STOP = c128.STOP + "11"
#: GS k m -> symbology name (format A m, and format B m)
SYMBOLOGIES = {
    0: "UPC-A", 1: "UPC-E", 2: "EAN13", 3: "EAN8", 4: "CODE39", 5: "ITF", 6: "CODABAR",
    65: "UPC-A", 66: "UPC-E", 67: "EAN13", 68: "EAN8", 69: "CODE39", 70: "ITF",
    71: "CODABAR", 72: "CODE93", 73: "CODE128", 74: "GS1-128", 75: "GS1 DataBar Omni",
    76: "GS1 DataBar Truncated", 77: "GS1 DataBar Limited", 78: "GS1 DataBar Expanded",
    79: "CODE128 auto",
}
_SWITCH = {  # (current set, wanted set) -> symbol value
    ("A", "B"): 100, ("A", "C"): 99, ("B", "A"): 101, ("B", "C"): 99,
    ("C", "A"): 101, ("C", "B"): 100,
}


def _value(char: int, code_set: str) -> int | None:
    if code_set == "A":
        if char < 0x20:
            return char + 64
        return char - 0x20 if char < 0x60 else None
    if code_set == "B":
        return char - 0x20 if 0x20 <= char < 0x80 else None
    return char if char < 100 else None


def code128_values(data: bytes) -> list[int] | None:
    """Symbol values (start code first, no check or stop) of ESC/POS CODE128 data."""
    if len(data) < 2 or data[0] != 0x7B or data[1] not in b"ABC":
        return None
    code_set = chr(data[1])
    values = [c128.START_CODES[code_set]]
    shift = False
    i = 2
    while i < len(data):
        char = data[i]
        if char == 0x7B and i + 1 < len(data) and data[i + 1] != 0x7B:
            escape = chr(data[i + 1])
            i += 2
            if escape in "ABC":
                if escape != code_set:
                    values.append(_SWITCH[(code_set, escape)])
                    code_set = escape
            elif escape == "1":
                values.append(102)
            elif escape in "23" and code_set != "C":
                values.append(97 if escape == "2" else 96)
            elif escape == "4" and code_set != "C":
                values.append(101 if code_set == "A" else 100)
            elif escape == "S" and code_set != "C":
                values.append(98)
                shift = True
            else:
                return None
            continue
        i += 2 if char == 0x7B else 1  # "{{" is a literal brace
        use = ("B" if code_set == "A" else "A") if shift else code_set
        shift = False
        value = _value(char, use)
        if value is None:
            return None
        values.append(value)
    return values if len(values) > 1 else None


def code128_modules(data: bytes) -> str | None:
    """The bar/space modules ("1" bar) of an ESC/POS CODE128 symbol, or None if invalid."""
    values = code128_values(data)
    if values is None:
        return None
    check = (values[0] + sum(i * v for i, v in enumerate(values[1:], start=1))) % 103
    return "".join(c128.CODES[v] for v in [*values, check]) + CODE128_STOP


def ean_check(digits: str) -> str:
    """The EAN / UPC check digit of ``digits`` (without it)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def ean_modules(kind: str, data: bytes) -> tuple[str, str] | None:
    """(modules, human-readable digits) of an EAN13 / EAN8 / UPC-A symbol, or None."""
    text = data.decode("ascii", "replace")
    body = {"EAN13": 12, "EAN8": 7, "UPC-A": 11}[kind]
    if not text.isdigit() or len(text) not in (body, body + 1):
        return None
    if len(text) == body + 1 and text[-1] != ean_check(text[:-1]):
        return None  # a wrong check digit: the printer refuses the symbol
    full = text[:body] + ean_check(text[:body])
    digits = "0" + full if kind == "UPC-A" else full
    if kind == "EAN8":
        left, right, parity = digits[:4], digits[4:], "AAAA"
    else:
        left, right, parity = digits[1:7], digits[7:], ean_tables.LEFT_PATTERN[int(digits[0])]
    bars = "101" + "".join(ean_tables.CODES[p][int(d)] for p, d in zip(parity, left, strict=True))
    bars += "01010" + "".join(ean_tables.CODES["C"][int(d)] for d in right) + "101"
    return bars, full


def bars_image(modules: str, module_dots: int, height: int) -> Image.Image:
    """Draw ``modules`` (one char per module, "1" black) ``module_dots`` wide each."""
    row = bytes(0 if m == "1" else 255 for m in modules for _ in range(module_dots))
    line = Image.frombytes("L", (len(row), 1), row)
    return line.resize((len(row), max(1, height)), Image.Resampling.NEAREST)


def _from_bits(data: bytes, width: int, height: int) -> Image.Image:
    """Row-major 1-bit data (``width`` a multiple of 8, 1 = black) as an "L" image."""
    bits = Image.frombytes("1", (width, height), data)
    return Image.eval(bits.convert("L"), lambda v: 255 - v)


def bit_image_band(m: int, columns: int, data: bytes) -> Image.Image | None:
    """An ESC * slice: m 0/1 = 8 dots (×3 tall), 32/33 = 24 dots; 0/32 single density."""
    if m not in (0, 1, 32, 33):
        return None
    rows = 24 if m >= 32 else 8
    per_column = rows // 8
    column_major = Image.frombytes("1", (rows, columns), bytes(data[:columns * per_column]))
    image = Image.eval(column_major.convert("L"), lambda v: 255 - v).transpose(
        Image.Transpose.TRANSPOSE)
    x_scale = 2 if m in (0, 32) else 1
    y_scale = 3 if m < 32 else 1
    return image.resize((columns * x_scale, rows * y_scale), Image.Resampling.NEAREST)


def raster_image(mode: int, width_bytes: int, height: int, data: bytes) -> Image.Image | None:
    """A GS v 0 raster image (mode bit 0 double width, bit 1 double height)."""
    if not width_bytes or not height:
        return None
    image = _from_bits(data, width_bytes * 8, height)
    w = image.width * (2 if mode & 1 else 1)
    h = image.height * (2 if mode & 2 else 1)
    return image.resize((w, h), Image.Resampling.NEAREST)


def graphics_image(body: bytes, column: bool) -> Image.Image | None:
    """GS ( L fn 112 (raster) / 113 (column) data: ``a bx by c xL xH yL yH d…``, mono only."""
    if len(body) < 8 or body[0] != 48:  # a = 48: monochrome (multi-tone is not drawn)
        return None
    bx, by = body[1], body[2]
    width, height = body[4] + 256 * body[5], body[6] + 256 * body[7]
    if not width or not height or bx not in (1, 2) or by not in (1, 2):
        return None
    data = body[8:]
    if column:  # column format: each column top to bottom, height / 8 bytes
        if height % 8:
            return None
        columns = Image.frombytes("1", (height, width), data[:width * height // 8].ljust(
            width * height // 8, b"\x00"))
        image = Image.eval(columns.convert("L"), lambda v: 255 - v).transpose(
            Image.Transpose.TRANSPOSE)
    else:
        row = (width + 7) // 8
        image = _from_bits(data[:row * height].ljust(row * height, b"\x00"), row * 8, height)
        image = image.crop((0, 0, width, height))
    return image.resize((width * bx, height * by), Image.Resampling.NEAREST)


def qr_image(data: bytes, module: int, ec: int) -> Image.Image | None:
    """A model 2 QR symbol, ``module`` dots per module, no quiet zone (None: cannot encode)."""
    import qrcode
    import qrcode.exceptions

    levels = {48: qrcode.constants.ERROR_CORRECT_L, 49: qrcode.constants.ERROR_CORRECT_M,
              50: qrcode.constants.ERROR_CORRECT_Q, 51: qrcode.constants.ERROR_CORRECT_H}
    code = qrcode.QRCode(error_correction=levels.get(ec, levels[48]), box_size=module, border=0)
    code.add_data(data)
    try:
        code.make(fit=True)
    except (ValueError, qrcode.exceptions.DataOverflowError):
        return None
    return code.make_image().get_image().convert("L")


def other_2d_image(cn: int, data: bytes, module: int) -> Image.Image | None:
    """PDF417 (cn 48), Aztec (53) or DataMatrix (54) through zxing-cpp; None for the rest."""
    import numpy as np
    import zxingcpp

    formats = {48: zxingcpp.BarcodeFormat.PDF417, 53: zxingcpp.BarcodeFormat.Aztec,
               54: zxingcpp.BarcodeFormat.DataMatrix}
    if cn not in formats or not data:
        return None
    try:
        symbol = zxingcpp.create_barcode(data.decode("latin-1"), formats[cn])
        pixels = zxingcpp.write_barcode_to_image(symbol, scale=max(1, module),
                                                 add_quiet_zones=False)
    except Exception:  # zxing rejects what it cannot encode
        return None
    return Image.fromarray(np.array(pixels, dtype=np.uint8), "L")
