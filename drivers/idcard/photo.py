"""Plug-in point for decoding the card's WLT photo.

The photo arrives as 1024 bytes of WLT, a format only a licensed vendor library decodes
(to a 102 × 126 BMP). No decoder ships with the project; a terminal that holds a licence
provides an object with :meth:`PhotoDecoder.decode` and hands it to whoever needs the
picture (face check, screens). Without one, the photo stays as received.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from drivers.idcard.record import IdCardRecord

WLT_LEN = 1024
BMP_SIZE = (102, 126)


@runtime_checkable
class PhotoDecoder(Protocol):
    """Turns WLT bytes into an image file's bytes (BMP or PNG)."""

    def decode(self, wlt: bytes) -> bytes:
        """Decode one WLT photo; raise ValueError when the data is not a photo."""


def decode_photo(record: IdCardRecord, decoder: PhotoDecoder | None) -> bytes | None:
    """The decoded picture, or None when there is no decoder or no photo."""
    if decoder is None or not record.photo:
        return None
    return decoder.decode(bytes(record.photo))
