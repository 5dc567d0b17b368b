"""Pluggable QR decoders for camera frames: zxing-cpp, pyzbar (zbar) and OpenCV.

Every backend implements :class:`Decoder` — ``decode(gray) -> list[Decoded]`` on an 8-bit
greyscale image — and :class:`Pipeline` adds the preparation that helps: BGR to grey, a
region of interest (fractions of the frame) and a downscale to ``max_side`` pixels.
:func:`make_decoder` builds one from config names (``"zxing"``, ``"pyzbar"``, ``"opencv"``).

Raw bytes: zxing-cpp returns the code's bytes exactly. zbar converts the payload to UTF-8
by its own charset guess (a GBK payload comes back as mojibake, see docs/scanners.md), and
OpenCV returns text, which is re-encoded as UTF-8 here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

from drivers.errors import ConfigError

DECODERS = ("zxing", "pyzbar", "opencv")
#: the default, chosen by bench/qr_decode.py (see docs/scanners.md)
DEFAULT_DECODER = "zxing"


@dataclass(frozen=True)
class Decoded:
    """One code found in a frame: its payload bytes."""

    raw: bytes


class Decoder(Protocol):
    """A QR decoding backend."""

    name: str

    def decode(self, gray: np.ndarray) -> list[Decoded]:
        """Every QR code found in an 8-bit greyscale image."""


class ZxingDecoder:
    """zxing-cpp: raw bytes, robust on hard images."""

    name = "zxing"

    def __init__(self, try_invert: bool = True) -> None:
        import zxingcpp

        self._zx = zxingcpp
        self._formats = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
        self._try_invert = try_invert

    def decode(self, gray: np.ndarray) -> list[Decoded]:
        """Decode with zxing-cpp (QR and Micro QR off: only QR Code)."""
        results = self._zx.read_barcodes(
            gray, formats=self._formats, try_invert=self._try_invert
        )
        return [Decoded(bytes(r.bytes)) for r in results if r.valid]


class PyzbarDecoder:
    """zbar through pyzbar (needs the system library libzbar0)."""

    name = "pyzbar"

    def __init__(self) -> None:
        from pyzbar import pyzbar

        self._zbar = pyzbar
        self._symbols = [pyzbar.ZBarSymbol.QRCODE]

    def decode(self, gray: np.ndarray) -> list[Decoded]:
        """Decode with zbar (payload already transcoded to UTF-8 by zbar)."""
        return [Decoded(bytes(r.data)) for r in self._zbar.decode(gray, symbols=self._symbols)]


class OpenCvDecoder:
    """OpenCV's built-in QRCodeDetector (no extra dependency, slower, weaker)."""

    name = "opencv"

    def __init__(self) -> None:
        self._detector = cv2.QRCodeDetector()

    def decode(self, gray: np.ndarray) -> list[Decoded]:
        """Detect and decode one code."""
        text, _points, _straight = self._detector.detectAndDecode(gray)
        if not text:
            return []
        return [Decoded(text.encode("utf-8", errors="surrogateescape"))]


def backend(name: str) -> Decoder:
    """A bare backend by name; unknown names are a :class:`ConfigError`."""
    if name == "zxing":
        return ZxingDecoder()
    if name == "pyzbar":
        return PyzbarDecoder()
    if name == "opencv":
        return OpenCvDecoder()
    raise ConfigError(f"unknown QR decoder {name!r} (known: {', '.join(DECODERS)})")


class Pipeline:
    """Frame preparation (grey, region of interest, downscale) in front of a backend."""

    def __init__(
        self,
        decoder: Decoder,
        max_side: int = 0,
        roi: Sequence[float] | None = None,
    ) -> None:
        if roi is not None and (len(roi) != 4 or not all(0.0 <= v <= 1.0 for v in roi)):
            raise ConfigError("camera roi must be [x, y, width, height] as fractions 0..1")
        self.decoder = decoder
        self.name = decoder.name
        self.max_side = max_side
        self.roi = tuple(roi) if roi is not None else None

    def prepare(self, image: np.ndarray) -> np.ndarray:
        """Grey, cropped to the ROI, downscaled so the longer side is <= max_side."""
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
        if self.roi is not None:
            height, width = gray.shape[:2]
            x, y, w, h = self.roi
            gray = gray[int(y * height):int((y + h) * height), int(x * width):int((x + w) * width)]
        longest = max(gray.shape[:2])
        if self.max_side and longest > self.max_side:
            scale = self.max_side / longest
            gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        return np.ascontiguousarray(gray)

    def decode(self, image: np.ndarray) -> list[Decoded]:
        """Prepare ``image`` (BGR or grey) and decode it."""
        return self.decoder.decode(self.prepare(image))


def make_decoder(
    name: str = DEFAULT_DECODER, max_side: int = 0, roi: Sequence[float] | None = None
) -> Pipeline:
    """The configured decoder: backend ``name`` behind a :class:`Pipeline`."""
    return Pipeline(backend(name), max_side=max_side, roi=roi)
