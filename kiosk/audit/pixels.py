"""Pixel arithmetic for the audit probe (numpy only, no Kivy): rectangles in window
pixels and the background colour behind a text, measured from a read-back frame."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Rect = tuple[int, int, int, int]
NEAR_FG = 60  # RGB distance under which a pixel counts as (anti-aliased) text colour


def background_of(frame: np.ndarray, rect: Rect,
                  fg: tuple[int, int, int]) -> tuple[int, int, int] | None:
    """Most frequent colour in ``rect`` (x, y, w, h; window pixels) that is not near ``fg``.

    None when the rectangle is not fully inside the frame (scrolled or clipped away)."""
    x, y, w, h = rect
    height, width = frame.shape[:2]
    if w < 1 or h < 1 or x < 0 or y < 0 or x + w > width or y + h > height:
        return None
    pixels = frame[y : y + h, x : x + w].reshape(-1, 3).astype(np.int32)
    far = np.abs(pixels - np.array(fg)).sum(axis=1) > NEAR_FG
    candidates = pixels[far] if far.any() else pixels
    packed = (candidates[:, 0] << 16) | (candidates[:, 1] << 8) | candidates[:, 2]
    values, counts = np.unique(packed, return_counts=True)
    top = int(values[int(np.argmax(counts))])
    return (top >> 16) & 255, (top >> 8) & 255, top & 255


def inside(rect: Rect, area: Rect) -> bool:
    """True when ``rect`` lies entirely within ``area``."""
    return (rect[0] >= area[0] and rect[1] >= area[1]
            and rect[0] + rect[2] <= area[0] + area[2] and rect[1] + rect[3] <= area[1] + area[3])


def overlaps(rect: Rect, area: Rect) -> bool:
    """True when ``rect`` and ``area`` share at least one pixel."""
    return (rect[0] < area[0] + area[2] and area[0] < rect[0] + rect[2]
            and rect[1] < area[1] + area[3] and area[1] < rect[1] + rect[3])


def to_hex(rgb: tuple[int, int, int]) -> str:
    """"#RRGGBB" of an 8-bit RGB triple."""
    return "#" + "".join(f"{c:02X}" for c in rgb)


def over(rgba: Sequence[float], bg: tuple[int, int, int],
         opacity: float = 1.0) -> tuple[int, int, int]:
    """8-bit colour seen when ``rgba`` (0..1 floats) at ``opacity`` is drawn over ``bg``."""
    alpha = float(rgba[3]) * opacity
    r, g, b = (round(float(c) * 255 * alpha + under * (1 - alpha))
               for c, under in zip(rgba[:3], bg, strict=True))
    return r, g, b
