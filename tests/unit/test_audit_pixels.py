"""Measuring the background behind a text from a frame (numpy arrays, no display)."""

from __future__ import annotations

import numpy as np

from kiosk.audit.pixels import background_of, inside, over, overlaps, to_hex


def _frame(bg: tuple[int, int, int], h: int = 40, w: int = 60) -> np.ndarray:
    return np.tile(np.array(bg, dtype=np.uint8), (h, w, 1))


def test_background_is_the_dominant_non_text_colour() -> None:
    frame = _frame((11, 92, 173))
    frame[10:30, 10:20] = (255, 255, 255)         # glyph strokes in the text colour
    frame[10:30, 20:22] = (180, 200, 230)         # anti-aliasing, many shades
    frame[10:30, 22:24] = (120, 160, 210)
    assert background_of(frame, (0, 0, 60, 40), (255, 255, 255)) == (11, 92, 173)


def test_bold_text_covering_most_pixels_still_finds_the_background() -> None:
    frame = _frame((0, 0, 0))
    frame[:, :50] = (255, 230, 0)                 # 83 % of the box is yellow text
    assert background_of(frame, (0, 0, 60, 40), (255, 230, 0)) == (0, 0, 0)


def test_invisible_text_yields_its_own_colour() -> None:
    frame = _frame((30, 30, 30))
    assert background_of(frame, (0, 0, 60, 40), (30, 30, 30)) == (30, 30, 30)


def test_rect_outside_the_frame_is_not_measured() -> None:
    frame = _frame((0, 0, 0))
    assert background_of(frame, (50, 0, 20, 10), (255, 255, 255)) is None
    assert background_of(frame, (0, 0, 0, 10), (255, 255, 255)) is None


def test_geometry_and_compositing() -> None:
    assert inside((10, 10, 5, 5), (0, 0, 20, 20))
    assert not inside((18, 10, 5, 5), (0, 0, 20, 20))
    assert overlaps((18, 10, 5, 5), (0, 0, 20, 20))
    assert not overlaps((25, 10, 5, 5), (0, 0, 20, 20))
    assert over((0, 0, 0, 0.5), (255, 255, 255)) == (128, 128, 128)
    assert over((1, 1, 1, 1), (0, 0, 0), opacity=0.0) == (0, 0, 0)
    assert to_hex((255, 230, 0)) == "#FFE600"
