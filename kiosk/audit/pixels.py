"""Pixel arithmetic for the audit probe (numpy only, no Kivy): rectangles in window
pixels, the background colour behind a text's glyphs and the heights of its rendered lines,
measured from a read-back frame."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Rect = tuple[int, int, int, int]
NEAR_FG = 60  # RGB distance under which a pixel counts as (anti-aliased) text colour


def _region(frame: np.ndarray, rect: Rect) -> np.ndarray | None:
    x, y, w, h = rect
    height, width = frame.shape[:2]
    if w < 1 or h < 1 or x < 0 or y < 0 or x + w > width or y + h > height:
        return None
    return frame[y : y + h, x : x + w].astype(np.int32)


def ink_box(frame: np.ndarray, rect: Rect, fg: tuple[int, int, int]) -> Rect | None:
    """The box (window pixels) around the pixels of ``rect`` drawn in the text colour
    ``fg`` (the glyphs' cores), or None when there are none."""
    region = _region(frame, rect)
    if region is None:
        return None
    near = np.abs(region - np.array(fg)).sum(axis=2) <= NEAR_FG
    rows, cols = np.nonzero(near.any(axis=1))[0], np.nonzero(near.any(axis=0))[0]
    if not len(rows):
        return None
    return (rect[0] + int(cols[0]), rect[1] + int(rows[0]),
            int(cols[-1] - cols[0]) + 1, int(rows[-1] - rows[0]) + 1)


def background_of(frame: np.ndarray, rect: Rect,
                  fg: tuple[int, int, int]) -> tuple[int, int, int] | None:
    """The colour behind the glyphs of a text whose texture covers ``rect`` (x, y, w, h;
    window pixels): the most frequent colour that is not near ``fg`` around the glyphs
    (their box, widened by a quarter of its height, within ``rect``), or in the whole
    rectangle when no glyph pixel is found. A wide label (text_size = its width) whose
    few characters sit on a small card is measured on the card, not on the screen around it.

    None when the rectangle is not fully inside the frame (scrolled or clipped away)."""
    if _region(frame, rect) is None:
        return None
    box = ink_box(frame, rect, fg)
    if box is not None:
        margin = max(2, box[3] // 4)
        x0, y0 = max(rect[0], box[0] - margin), max(rect[1], box[1] - margin)
        x1 = min(rect[0] + rect[2], box[0] + box[2] + margin)
        y1 = min(rect[1] + rect[3], box[1] + box[3] + margin)
        rect = (x0, y0, x1 - x0, y1 - y0)
    x, y, w, h = rect
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


def line_heights(frame: np.ndarray, rect: Rect, fg: tuple[int, int, int],
                 bg: tuple[int, int, int]) -> list[int]:
    """Heights in pixels of the lines of glyphs drawn in ``rect``: runs of rows holding
    ink (a pixel more than half-way from ``bg`` to ``fg``), one run per laid-out line.
    For a CJK line this is the height of its tallest glyph, as rendered. Empty when the
    text cannot be told from its background, or when something crosses the whole
    rectangle (a run from its top row to its bottom row is a border, not a line)."""
    region = _region(frame, rect)
    if region is None:
        return []
    span = int(np.abs(np.array(fg) - np.array(bg)).sum())
    if span < 2 * NEAR_FG:
        return []
    ink = 2 * np.abs(region - np.array(bg)).sum(axis=2) > span
    rows = ink.any(axis=1)
    runs: list[int] = []
    start: int | None = None
    for index, on in enumerate([*rows.tolist(), False]):
        if on and start is None:
            start = index
        elif not on and start is not None:
            runs.append(index - start)
            start = None
    if rows[0] and rows[-1] and len(runs) == 1:
        return []
    return runs
