"""Turn stroke-file medians into what a finger on the pad produces: placed somewhere on a
canvas of another size, resampled as touch-move events arrive (every few pixels), with a
hand's wobble. Deterministic for a given seed (tests and bench share it)."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence

Point = tuple[float, float]


def resample(stroke: Sequence[Point], step: float) -> list[Point]:
    """Points every ``step`` units along the polyline (ends kept)."""
    out = [stroke[0]]
    for (x0, y0), (x1, y1) in itertools.pairwise(stroke):
        pieces = max(1, int(math.hypot(x1 - x0, y1 - y0) / step))
        out += [(x0 + (x1 - x0) * k / pieces, y0 + (y1 - y0) * k / pieces)
                for k in range(1, pieces + 1)]
    return out


def as_written(strokes: Sequence[Sequence[Point]], source_size: float, place: Point,
               size: float, seed: int, step: float = 6.0, wobble: float = 0.012
               ) -> list[list[Point]]:
    """The character scaled to ``size`` pixels at ``place`` (top left), resampled every
    ``step`` pixels, each point moved by a Gaussian of ``wobble`` × size and each stroke
    shifted a little as a whole (a hand never lands twice where the model expects)."""
    rng = random.Random(seed)
    scale = size / source_size
    written = []
    for stroke in strokes:
        dx, dy = rng.gauss(0, 2 * wobble * size), rng.gauss(0, 2 * wobble * size)
        placed = [(place[0] + x * scale + dx, place[1] + y * scale + dy) for x, y in stroke]
        written.append([(x + rng.gauss(0, wobble * size), y + rng.gauss(0, wobble * size))
                        for x, y in resample(placed, step)])
    return written
