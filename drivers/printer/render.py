"""Lay a :class:`~drivers.printer.document.Document` out for 58/80 mm paper and encode it.

The result is a :class:`RenderedJob`: one byte segment per element, so the driver can
check the printer's status and the caller's cancel token between elements (never inside
a multi-byte command). A job starts with ESC @ and FS & (Chinese mode on, explicitly) and
every element leaves the text style back at left / normal / not bold.
"""

from __future__ import annotations

from dataclasses import dataclass

import qrcode
from PIL import Image

from drivers.printer.document import (
    QUIET_MODULES,
    Cut,
    Document,
    Element,
    Feed,
    KeyValue,
    Logo,
    QrCode,
    Rule,
)
from drivers.printer.document import Text as TextElement
from drivers.printer.encoding import (
    CHINESE_ON,
    ESC,
    INIT,
    CommandEncoder,
    char_columns,
    display_width,
    encode_text,
    printable,
    wrap,
)

BOLD_ON = ESC + b"E\x01"
BOLD_OFF = ESC + b"E\x00"


@dataclass(frozen=True)
class RenderedJob:
    """The bytes of one receipt, split at element boundaries."""

    kind: str
    width_mm: int
    segments: tuple[bytes, ...]

    @property
    def data(self) -> bytes:
        """The whole job as one byte string."""
        return b"".join(self.segments)


class Renderer:
    """Turns documents into ESC/POS bytes for one paper width."""

    def __init__(self, width_mm: int = 80, strict: bool = False) -> None:
        self.encoder = CommandEncoder(width_mm)
        self.width_mm = width_mm
        self.columns = self.encoder.columns
        self.strict = strict
        self._normal = self.encoder.style()

    def render(self, document: Document) -> RenderedJob:
        """Encode ``document``; raises UnprintableText in strict mode."""
        segments = [INIT + CHINESE_ON + self._normal]
        segments.extend(self.element(e) for e in document.elements)
        return RenderedJob(document.kind, self.width_mm, tuple(segments))

    def element(self, element: Element) -> bytes:
        """The bytes of one element."""
        if isinstance(element, TextElement):
            return self._text(element)
        if isinstance(element, KeyValue):
            return self._key_value(element)
        if isinstance(element, Rule):
            return self._rule(element)
        if isinstance(element, QrCode):
            return self._qr(element)
        if isinstance(element, Logo):
            return self._logo(element.image)
        if isinstance(element, Feed):
            return self.encoder.feed(element.lines)
        if isinstance(element, Cut):
            return self.encoder.cut(element.partial)
        raise TypeError(f"unknown receipt element {type(element).__name__}")

    def _lines(self, lines: list[str]) -> bytes:
        return b"".join(self.encoder.line(line, self.strict) for line in lines)

    def _text(self, element: TextElement) -> bytes:
        columns = self.columns // element.size
        style = self.encoder.style(element.align, element.bold, element.size, element.tall)
        text = printable(element.text, self.strict)
        return style + self._lines(wrap(text, columns)) + self._normal

    def _key_value(self, element: KeyValue) -> bytes:
        label = printable(element.key, self.strict) + "："
        value = printable(element.value, self.strict)
        if element.key_en:  # the English label only where the row still fits on one line
            both = f"{printable(element.key, self.strict)} {printable(element.key_en)}："
            width = display_width(both)
            if width <= self.columns // 2 and width + display_width(value) <= self.columns:
                label = both
        label_width = display_width(label)
        if label_width > self.columns // 2:
            return self._lines([label]) + self._value_lines(
                wrap(value, self.columns - 2), "  ", element.bold_value
            )
        lines = wrap(label + value, self.columns, indent=label_width)
        first = lines[0][len(label):]
        rest = [line[label_width:] for line in lines[1:]]
        out = encode_text(label) + self._styled(first, element.bold_value) + b"\n"
        return out + self._value_lines(rest, " " * label_width, element.bold_value)

    def _value_lines(self, lines: list[str], prefix: str, bold: bool) -> bytes:
        return b"".join(encode_text(prefix) + self._styled(line, bold) + b"\n" for line in lines)

    def _styled(self, text: str, bold: bool) -> bytes:
        body = encode_text(text)
        return BOLD_ON + body + BOLD_OFF if bold and body else body

    def _rule(self, element: Rule) -> bytes:
        char = printable(element.char or "-", self.strict)[:1] or "-"
        return self._lines([char * (self.columns // char_columns(char))])

    def _qr(self, element: QrCode) -> bytes:
        """The symbol centred with its quiet zone: QUIET_MODULES modules of paper fed above
        and below (ESC J, in dots) and at least as much beside it (the module shrinks when
        the symbol and its margins would not fit the width)."""
        module = qr_module_that_fits(element.payload, element.ec, element.module,
                                     self.encoder.dots)
        code = self.encoder.qr(element.payload, module, element.ec)
        quiet = self.encoder.feed_dots(QUIET_MODULES * module)
        out = self.encoder.style("center") + quiet + code + quiet
        captions = [printable(line, self.strict) for line in element.caption]
        out += self._lines([part for line in captions for part in wrap(line, self.columns)])
        return out + self._normal

    def _logo(self, image: Image.Image) -> bytes:
        dots = self.encoder.dots
        mono = image.convert("L")
        if mono.width > dots:
            mono = mono.resize((dots, max(1, round(mono.height * dots / mono.width))))
        canvas = Image.new("L", (dots, mono.height), 255)
        canvas.paste(mono, ((dots - mono.width) // 2, 0))
        return self.encoder.raster(canvas)


def qr_modules(payload: str, ec: str = "M") -> int:
    """Modules across the smallest QR symbol holding ``payload`` (as the printer picks it)."""
    levels = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
              "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}
    symbol = qrcode.QRCode(error_correction=levels[ec], border=0)
    symbol.add_data(payload)
    symbol.make(fit=True)
    return int(symbol.modules_count)


def qr_module_that_fits(payload: str, ec: str, module: int, dots: int) -> int:
    """The largest module size ≤ ``module`` (dots) at which the symbol and its quiet zone
    on both sides fit ``dots`` (at least 1)."""
    across = qr_modules(payload, ec) + 2 * QUIET_MODULES
    return max(1, min(module, dots // across))


def render_document(document: Document, width_mm: int = 80, strict: bool = False) -> RenderedJob:
    """Convenience: render ``document`` for ``width_mm`` paper."""
    return Renderer(width_mm, strict).render(document)
