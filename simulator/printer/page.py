"""One printed job as a thermal printer would lay it out, rendered to PNG and a transcript.

A :class:`JobPage` collects what the head printed — text lines of glyphs, QR symbols,
raster images, blank feed — each with its height in dots (203 dpi, 8 dots per mm). At the
end of the job it draws a PNG (384 dots wide for 58 mm paper, 576 for 80 mm) with a CJK
font (Noto Sans Mono CJK: 12×24 for ASCII, 24×24 for Chinese, scaled by the character
size), writes a UTF-8 transcript beside it, and decodes the QR codes in the rendered image
so the transcript lists what a phone would read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

log = logging.getLogger(__name__)

FONT_REGULAR = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FONT_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
MONO_SC_INDEX = 7  # "Noto Sans Mono CJK SC" inside the collection
CELL = 24  # Font A: 12×24 ASCII, 24×24 Chinese
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

    @property
    def dots(self) -> int:
        """Horizontal dots the character takes."""
        return (CELL if self.wide else CELL // 2) * self.w

    @property
    def columns(self) -> int:
        """Transcript columns (12-dot cells) the character takes."""
        return (2 if self.wide else 1) * self.w


@dataclass
class TextLine:
    """A printed text line."""

    glyphs: list[Glyph]
    align: int = 0

    @property
    def height(self) -> int:
        """Line pitch in dots (tall characters make the line taller)."""
        tallest = max((g.h for g in self.glyphs), default=1)
        return max(LINE_PITCH, GLYPH_H * tallest + 2)


@dataclass
class Picture:
    """A QR symbol or raster image (mode "L", black on white)."""

    image: Image.Image
    align: int = 0
    kind: str = "image"
    payload: str = ""

    @property
    def height(self) -> int:
        """Height in dots."""
        return self.image.height


@dataclass
class Blank:
    """Paper fed without printing."""

    dots: int

    @property
    def height(self) -> int:
        """Height in dots."""
        return self.dots


Item = TextLine | Picture | Blank


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
    base_w = CELL if glyph.wide else CELL // 2
    cell = Image.new("L", (base_w, GLYPH_H), 255)
    draw = ImageDraw.Draw(cell)
    if glyph.char == "\ufffd":  # what a head prints for a code it cannot map
        draw.rectangle((1, 2, base_w - 2, CELL - 1), fill=0)
        draw.line((1, 2, base_w - 2, CELL - 1), fill=255, width=2)
    else:
        font = _font(glyph.bold, 22)
        draw.text((base_w / 2, BASELINE), glyph.char, font=font, fill=0, anchor="ms")
    if glyph.w != 1 or glyph.h != 1:
        cell = cell.resize((base_w * glyph.w, GLYPH_H * glyph.h), Image.Resampling.NEAREST)
    return cell


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
                base = y + item.height - 2
                for glyph in item.glyphs:
                    cell = _glyph_image(glyph)
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
        for item in self.items:
            if isinstance(item, TextLine):
                text = "".join(g.char + " " * (g.w - 1) * (2 if g.wide else 1) for g in item.glyphs)
                width = sum(g.columns for g in item.glyphs)
                pad = _aligned(item.align, width, columns)
                lines.append((" " * pad + text).rstrip())
            elif isinstance(item, Picture):
                what = {"qr": f"二维码 QR: {item.payload}", "image": "图像 image"}.get(
                    item.kind, item.kind
                )
                lines.append(f"[{what} {item.image.width}x{item.image.height}]")
            else:
                lines.extend([""] * max(1, round(item.dots / LINE_PITCH)))
        return lines


def _aligned(align: int, width: int, total: int) -> int:
    if align == 1:
        return max(0, (total - width) // 2)
    if align == 2:
        return max(0, total - width)
    return 0


def decode_qr(image: Image.Image) -> list[str]:
    """Payloads of the QR codes found in ``image``, top to bottom."""
    try:
        import zxingcpp

        found = zxingcpp.read_barcodes(image.convert("L"))
        ordered = sorted(found, key=lambda r: r.position.top_left.y)
        return [r.text for r in ordered if r.format == zxingcpp.BarcodeFormat.QRCode]
    except ImportError:  # pragma: no cover - zxing-cpp is a project dependency
        from pyzbar import pyzbar

        return [c.data.decode("utf-8", "replace") for c in pyzbar.decode(image)]


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
    decoded = decode_qr(image)
    footer = ["", "--- 二维码内容 QR payloads decoded from the image ---"]
    footer += decoded or ["(none)"]
    txt.write_text("\n".join(header + page.transcript_lines() + footer) + "\n", encoding="utf-8")
    return png, txt
