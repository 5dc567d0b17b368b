"""Write a character on a :class:`~screens.handwriting_pad.WritingSurface` with synthetic
touches, as a finger would: one touch per stroke through the window, points every few
pixels. For the demo's handwriting journey, the UI tests and the bench.

    from functools import partial
    write_strokes(driver.on_main, pad.surface, strokes.characters["社"], strokes.width)
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Sequence
from typing import Any

from kivy.tests.common import UnitTestTouch

Point = tuple[float, float]
OnMain = Callable[[Callable[[], Any]], Any]


def _resample(stroke: Sequence[Point], step: float) -> list[Point]:
    out = [stroke[0]]
    for (x0, y0), (x1, y1) in itertools.pairwise(stroke):
        pieces = max(1, int(math.hypot(x1 - x0, y1 - y0) / step))
        out += [(x0 + (x1 - x0) * k / pieces, y0 + (y1 - y0) * k / pieces)
                for k in range(1, pieces + 1)]
    return out


def write_strokes(on_main: OnMain, surface: Any, strokes: Sequence[Sequence[Point]],
                  source_size: float, fill: float = 0.8, step_px: float = 6.0,
                  pause_s: float = 0.05) -> int:
    """Draw ``strokes`` (y down, in a ``source_size`` square) centred on ``surface`` at
    ``fill`` of its shorter side. ``on_main`` runs a function on Kivy's main thread (a
    UiDriver's ``on_main`` or ``MainThread().call``); call from a script thread. Returns
    the number of touch points sent."""
    x, y, w, h = on_main(lambda: (*surface.to_window(surface.x, surface.y),
                                  surface.width, surface.height))
    side = fill * min(w, h)
    left, top = x + (w - side) / 2, y + h - (h - side) / 2
    scale = side / source_size
    sent = 0
    for stroke in strokes:
        points = [(left + px * scale, top - py * scale)        # y down → window y up
                  for px, py in _resample(stroke, step_px / scale)]

        def write(points: list[Point] = points) -> None:
            touch = UnitTestTouch(*points[0])
            touch.touch_down()
            for px, py in points[1:]:
                touch.touch_move(px, py)
            touch.touch_up()

        on_main(write)
        sent += len(points)
        time.sleep(pause_s)
    return sent
