"""One printed job as a thermal printer would lay it out, rendered to PNG and a transcript.

A :class:`JobPage` collects what the head printed — text lines (characters and ESC * bit
image slices), QR and barcode symbols, raster graphics, visible markers for content the
simulator cannot draw, blank feed — each with its height in dots (203 dpi, 8 dots per mm).
At the end of the job it draws a PNG (384 dots wide for 58 mm paper, 576 for 80 mm) with a
CJK font (Noto Sans Mono CJK: 12×24 for ASCII, 9×17 for font B, 24×24 for Chinese, scaled
by the character size), writes a UTF-8 transcript beside it, and decodes the barcodes and
QR codes in the rendered image so the transcript lists what a scanner or phone would read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

log = logging.getLogger(__name__)

FONT_REGULAR = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FONT_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
MONO_SC_INDEX = 7  # "Noto Sans Mono CJK SC" inside the collection
CELL = 24  # Font A: 12×24 ASCII, 24×24 Chinese
FONT_B_W = 9  # Font B: 9×17
GLYPH_H = 28  # drawn height of a cell: room for descenders below the 24-dot body
BASELINE = 21
LINE_PITCH = 30  # default line spacing in dots
DOTS_PER_MM = 203 / 25.4


@dataclass(frozen=True)
class Glyph:
    """One printed character: wide (2-byte code in Chinese mode), bold, size multipliers."""

    char: str
    wide: bool
    bold: bool = False
    w: int = 1
    h: int = 1
    underline: int = 0
    reverse: bool = False
    font_b: bool = False

    @property
    def dots(self) -> int:
        """Horizontal dots the character takes."""
        if self.wide:
            return CELL * self.w
        return (FONT_B_W if self.font_b else CELL // 2) * self.w

    @property
    def columns(self) -> int:
        """Transcript columns (12-dot cells) the character takes."""
        return (2 if self.wide else 1) * self.w

    @property
    def height(self) -> int:
        """Drawn height in dots."""
        return GLYPH_H * self.h


@dataclass(frozen=True)
class Band:
    """A slice of an ESC * bit image inside a text line."""

    image: Image.Image = field(compare=False)

    @property
    def dots(self) -> int:
        """Horizontal dots the slice takes."""
        return self.image.width

    @property
    def height(self) -> int:
        """Height in dots."""
        return self.image.height


@dataclass
class TextLine:
    """A printed line: characters and bit image slices; ``pitch`` is the line spacing."""

    glyphs: list[Glyph | Band]
    align: int = 0
    pitch: int = LINE_PITCH

    @property
    def height(self) -> int:
        """Paper fed for the line: the spacing, or more when its content is taller."""
        tallest = 0
        for item in self.glyphs:
            tallest = max(tallest, item.height + (2 if isinstance(item, Glyph) else 0))
        return max(self.pitch, tallest)

    @property
    def image_only(self) -> bool:
        """True for a line of bit image slices and nothing else."""
        return bool(self.glyphs) and all(isinstance(g, Band) for g in self.glyphs)


@dataclass
class Picture:
    """A symbol or image (mode "L", black on white): kind qr, barcode, image, marker."""

    image: Image.Image
    align: int = 0
    kind: str = "image"
    payload: str = ""

    @property
    def height(self) -> int:
        """Height in dots."""
        return self.image.height


@dataclass
class Note:
    """A line of the transcript only: something the printer refused to print."""

    text: str

    @property
    def height(self) -> int:
        """Nothing is fed."""
        return 0


@dataclass
class Blank:
    """Paper fed without printing."""

    dots: int

    @property
    def height(self) -> int:
        """Height in dots."""
        return self.dots


Item = TextLine | Picture | Note | Blank


@lru_cache(maxsize=8)
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = FONT_BOLD if bold and Path(FONT_BOLD).exists() else FONT_REGULAR
    try:
        return ImageFont.truetype(path, size, index=MONO_SC_INDEX)
    except OSError:  # no CJK font installed: Latin still renders, Chinese shows as boxes
        log.warning("CJK font %s not found; install fonts-noto-cjk", path)
        return ImageFont.load_default(size)


@lru_cache(maxsize=4096)
def _glyph_image(glyph: Glyph) -> Image.Image:
    base_w = glyph.dots // glyph.w
    cell = Image.new("L", (base_w, GLYPH_H), 255)
    draw = ImageDraw.Draw(cell)
    if glyph.char == "\ufffd":  # what a head prints for a code it cannot map
        draw.rectangle((1, 2, base_w - 2, CELL - 1), fill=0)
        draw.line((1, 2, base_w - 2, CELL - 1), fill=255, width=2)
    else:
        font = _font(glyph.bold, 16 if glyph.font_b else 22)
        draw.text((base_w / 2, BASELINE), glyph.char, font=font, fill=0, anchor="ms")
    if glyph.underline:
        draw.rectangle((0, CELL + 1, base_w - 1, CELL + glyph.underline), fill=0)
    if glyph.reverse:
        cell = ImageOps.invert(cell)
    if glyph.w != 1 or glyph.h != 1:
        cell = cell.resize((base_w * glyph.w, GLYPH_H * glyph.h), Image.Resampling.NEAREST)
    return cell


def marker_image(width: int, height: int, label: str) -> Image.Image:
    """A visible stand-in for content the simulator does not draw: hatched box + label."""
    width, height = max(48, width), max(40, height)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for x in range(-height, width, 12):
        draw.line((x, height, x + height, 0), fill=0, width=1)
    draw.rectangle((0, 0, width - 1, height - 1), outline=0, width=3)
    font = _font(True, 18)
    box = draw.textbbox((width / 2, height / 2), label, font=font, anchor="mm")
    draw.rectangle((box[0] - 4, box[1] - 4, box[2] + 4, box[3] + 4), fill=255)
    draw.text((width / 2, height / 2), label, font=font, fill=0, anchor="mm")
    return image


@dataclass
class JobPage:
    """The items of one job, in print order."""

    dots: int
    items: list[Item] = field(default_factory=list)

    @property
    def height(self) -> int:
        """Printed length in dots."""
        return sum(item.height for item in self.items)

    @property
    def empty(self) -> bool:
        """True when nothing at all was printed or fed."""
        return not self.items

    def add(self, item: Item) -> None:
        """Append a printed item."""
        self.items.append(item)

    def render(self) -> Image.Image:
        """Draw the job (mode "L", width = printable dots, 8 dots margin top and bottom)."""
        image = Image.new("L", (self.dots, max(1, self.height) + 16), 255)
        y = 8
        for item in self.items:
            if isinstance(item, TextLine):
                width = sum(g.dots for g in item.glyphs)
                x = _aligned(item.align, width, self.dots)
                base = y + item.height - (2 if not item.image_only else 0)
                for glyph in item.glyphs:
                    cell = glyph.image if isinstance(glyph, Band) else _glyph_image(glyph)
                    image.paste(cell, (x, base - cell.height))
                    x += cell.width
            elif isinstance(item, Picture):
                image.paste(item.image, (_aligned(item.align, item.image.width, self.dots), y))
            y += item.height
        return image

    def transcript_lines(self) -> list[str]:
        """The job as text: lines padded to their alignment, pictures as [markers]."""
        columns = self.dots // (CELL // 2)
        lines: list[str] = []
        band: list[int] = []  # width, height of a run of bit image lines
        for item in self.items:
            if isinstance(item, TextLine) and item.image_only:
                width = sum(g.dots for g in item.glyphs)
                if band and band[0] == width:
                    band[1] += item.height
                else:
                    band[:] = [width, item.height]
                    lines.append("")
                lines[-1] = f"[位图 bit image {band[0]}x{band[1]} (ESC *)]"
                continue
            band.clear()
            if isinstance(item, TextLine):
                text = "".join(
                    g.char + " " * (g.w - 1) * (2 if g.wide else 1) if isinstance(g, Glyph)
                    else f"[位图 bit image {g.dots}x{g.height}]" for g in item.glyphs)
                width = sum(g.columns for g in item.glyphs if isinstance(g, Glyph))
                pad = _aligned(item.align, width, columns)
                lines.append((" " * pad + text).rstrip())
            elif isinstance(item, Picture):
                lines.append(_describe(item))
            elif isinstance(item, Note):
                lines.append(f"[未打印 not printed: {item.text}]")
            else:
                lines.extend([""] * max(1, round(item.dots / LINE_PITCH)))
        return lines


def _describe(item: Picture) -> str:
    size = f"{item.image.width}x{item.image.height}"
    if item.kind == "qr":
        return f"[二维码 QR: {item.payload} {size}]"
    if item.kind == "barcode":
        return f"[条码 barcode {item.payload} {size}]"
    if item.kind == "marker":
        return f"[未模拟 NOT SIMULATED: {item.payload} {size}]"
    if item.kind == "image":
        return f"[图像 image {size}]"
    return f"[{item.kind} {item.payload} {size}]".replace("  ", " ")


def _aligned(align: int, width: int, total: int) -> int:
    if align == 1:
        return max(0, (total - width) // 2)
    if align == 2:
        return max(0, total - width)
    return 0


def decode_symbols(image: Image.Image) -> tuple[list[str], list[str]]:
    """(linear barcodes as "FORMAT: text", QR payloads) found in ``image``, top to bottom."""
    try:
        import zxingcpp

        found = zxingcpp.read_barcodes(image.convert("L"))
        ordered = sorted(found, key=lambda r: r.position.top_left.y)
        qr = [r.text for r in ordered if r.format == zxingcpp.BarcodeFormat.QRCode]
        linear = [f"{r.format.name}: {r.text}" for r in ordered
                  if r.format != zxingcpp.BarcodeFormat.QRCode]
        return linear, qr
    except ImportError:  # pragma: no cover - zxing-cpp is a project dependency
        from pyzbar import pyzbar

        return [], [c.data.decode("utf-8", "replace") for c in pyzbar.decode(image)]


def decode_qr(image: Image.Image) -> list[str]:
    """Payloads of the QR codes found in ``image``, top to bottom."""
    return decode_symbols(image)[1]


def write_job(
    page: JobPage, out_dir: Path, number: int, width_mm: int, note: str = ""
) -> tuple[Path, Path]:
    """Write ``<number>.png`` and ``<number>.txt``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    image = page.render().point(lambda v: 255 if v >= 140 else 0).convert("1")  # a head's dots
    png = out_dir / f"{number:04d}.png"
    txt = out_dir / f"{number:04d}.txt"
    image.save(png, dpi=(203, 203))
    length_mm = page.height / DOTS_PER_MM
    header = [
        f"# job {number:04d} — {width_mm} mm paper ({page.dots} dots at 203 dpi), "
        f"{length_mm:.1f} mm long",
        f"# status: {note or 'complete'}",
        "",
    ]
    linear, qr = decode_symbols(image)
    footer = []
    if linear:
        footer += ["", "--- 条码内容 barcodes decoded from the image ---", *linear]
    footer += ["", "--- 二维码内容 QR payloads decoded from the image ---"]
    footer += qr or ["(none)"]
    txt.write_text("\n".join(header + page.transcript_lines() + footer) + "\n", encoding="utf-8")
    return png, txt
