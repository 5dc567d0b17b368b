"""Measuring the background behind a text from a frame (numpy arrays, no display)."""

from __future__ import annotations

import numpy as np

from kiosk.audit.pixels import background_of, inside, line_heights, over, overlaps, to_hex


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


def test_a_wide_label_on_a_small_card_is_measured_on_the_card() -> None:
    """Issue 13: 身份证 in yellow on the white card of the identify screen. The label's
    texture is as wide as the screen, and black around the card won the old vote."""
    frame = _frame((0, 0, 0), h=60, w=400)
    frame[5:55, 150:250] = (255, 255, 255)        # the card
    frame[20:40, 175:225] = (255, 230, 0)         # the glyphs
    frame[20:40, 174] = (255, 240, 120)           # their anti-aliased edge
    assert background_of(frame, (0, 10, 400, 40), (255, 230, 0)) == (255, 255, 255)


def test_line_heights_are_the_rows_holding_ink() -> None:
    frame = _frame((255, 255, 255), h=80, w=100)
    frame[10:30, 10:90:3] = (0, 0, 0)             # line 1: glyphs 20 px tall
    frame[14:16, 11:90:3] = (128, 128, 128)       # anti-aliasing beside the strokes
    frame[45:70, 10:50:3] = (0, 0, 0)             # line 2: 25 px
    frame[70, 10:50] = (220, 220, 220)            # faint edge: not ink
    assert line_heights(frame, (0, 0, 100, 80), (0, 0, 0), (255, 255, 255)) == [20, 25]


def test_line_heights_refuse_what_cannot_be_measured() -> None:
    frame = _frame((255, 255, 255), h=40, w=100)
    frame[:, 5] = (0, 0, 0)                       # a border across the whole box
    frame[10:30, 20:60] = (0, 0, 0)
    assert line_heights(frame, (0, 0, 100, 40), (0, 0, 0), (255, 255, 255)) == []
    assert line_heights(frame, (0, 0, 100, 40), (250, 250, 250), (255, 255, 255)) == []
    assert line_heights(frame, (90, 0, 20, 40), (0, 0, 0), (255, 255, 255)) == []
