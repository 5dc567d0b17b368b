"""A receipt as data: a list of elements, independent of paper width and printer bytes.

Templates build a :class:`Document`; :mod:`drivers.printer.render` lays it out for 58 or
80 mm paper and encodes it. Personal data must already be masked when it is put into a
document (templates do that) — a document may be kept for a reprint.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from PIL import Image

Align = Literal["left", "center", "right"]
#: blank modules around every QR code (ISO/IEC 18004 asks for 4)
QUIET_MODULES = 4


@dataclass(frozen=True)
class Text:
    """A paragraph, wrapped to the paper width. ``size`` 2 is double width and height;
    ``tall`` doubles the height only (a 20-digit number stays on one line of 58 mm paper)."""

    text: str
    align: Align = "left"
    bold: bool = False
    size: int = 1
    tall: bool = False


@dataclass(frozen=True)
class KeyValue:
    """A labelled field: ``key key_en：value``; long values wrap under themselves.

    The English label is dropped on paper too narrow to keep it beside the value.
    """

    key: str
    value: str
    bold_value: bool = False
    key_en: str = ""


@dataclass(frozen=True)
class Rule:
    """A horizontal line across the paper, drawn with ``char``."""

    char: str = "-"


@dataclass(frozen=True)
class QrCode:
    """A QR code printed natively by the printer, centred, with an optional caption below.

    The renderer gives it a quiet zone of :data:`QUIET_MODULES` modules on every side (blank
    paper fed above and below, the module shrunk when the symbol would not fit the width
    with it): a printer prints the bare symbol."""

    payload: str
    module: int = 6
    ec: str = "M"
    caption: tuple[str, ...] = ()


@dataclass(frozen=True)
class Logo:
    """A raster image (printed as 1-bit, centred)."""

    image: Image.Image = field(compare=False)
    name: str = "logo"


@dataclass(frozen=True)
class Feed:
    """Blank paper: ``lines`` empty lines."""

    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """Feed to the cutter and cut (partial by default)."""

    partial: bool = True


Element = Text | KeyValue | Rule | QrCode | Logo | Feed | Cut


@dataclass
class Document:
    """A receipt: its kind (for logs and counters, never personal) and its elements."""

    kind: str
    elements: list[Element] = field(default_factory=list)

    def add(self, element: Element) -> Document:
        """Append an element; returns self so calls chain."""
        self.elements.append(element)
        return self

    def text(self, text: str, align: Align = "left", bold: bool = False, size: int = 1,
             tall: bool = False) -> Document:
        """Append a :class:`Text` paragraph."""
        return self.add(Text(text, align, bold, size, tall))

    def kv(self, key: str, value: str, bold_value: bool = False, en: str = "") -> Document:
        """Append a :class:`KeyValue` row (``en``: the English label)."""
        return self.add(KeyValue(key, value, bold_value, en))

    def rule(self, char: str = "-") -> Document:
        """Append a :class:`Rule`."""
        return self.add(Rule(char))

    def qr(self, payload: str, caption: tuple[str, ...] = (), module: int = 6) -> Document:
        """Append a :class:`QrCode`."""
        return self.add(QrCode(payload, module=module, caption=caption))

    def logo(self, image: Image.Image, name: str = "logo") -> Document:
        """Append a :class:`Logo`."""
        return self.add(Logo(image, name))

    def feed(self, lines: int = 1) -> Document:
        """Append a :class:`Feed`."""
        return self.add(Feed(lines))

    def cut(self, partial: bool = True) -> Document:
        """Append a :class:`Cut`."""
        return self.add(Cut(partial))

    def qr_payloads(self) -> list[str]:
        """Payloads of every QR code, in print order."""
        return [e.payload for e in self.elements if isinstance(e, QrCode)]

    def texts(self) -> Iterator[str]:
        """Every piece of text the receipt prints (paragraphs, keys and values, captions)."""
        for element in self.elements:
            if isinstance(element, Text):
                yield element.text
            elif isinstance(element, KeyValue):
                yield element.key
                yield element.value
            elif isinstance(element, QrCode):
                yield from element.caption

    @property
    def ends_with_cut(self) -> bool:
        """True when the last element is a :class:`Cut`."""
        return bool(self.elements) and isinstance(self.elements[-1], Cut)
