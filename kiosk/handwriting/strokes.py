"""Strokes as the pad records them, and the clean-up before recognition.

A stroke is the list of (x, y) points of one touch from down to up, in the pad's own pixels
with the origin at the top left and y pointing down (Kivy's y points up: the pad flips it).
Elderly citizens write large or small, centred or in a corner, on a pad of any shape; Zinnia
scales by the canvas size only, so :func:`normalise` moves the character's bounding box into
a fixed square (aspect ratio kept, a margin around) before classifying. On the 31 characters
of tests/data/handwriting written at 30 % size in a corner, this took the top-5 rate from
2 to 27 (see docs/handwriting.md).

Stroke files (tests, bench) are JSON: ``{"width": W, "height": H, "characters":
{"社": [[[x, y], ...], ...], ...}}``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

Point = tuple[float, float]
Stroke = Sequence[Point]

BOX = 1000          # side of the square Zinnia sees
MARGIN = 0.1        # share of the box left free on each side


def normalise(strokes: Sequence[Stroke], box: int = BOX, margin: float = MARGIN
              ) -> list[list[tuple[int, int]]]:
    """Integer strokes with the bounding box centred in a ``box`` square, aspect kept.

    Empty strokes are dropped, repeated points collapsed and a one-point stroke (a dot
    tapped rather than drawn) doubled, since Zinnia needs two points to see a direction.
    """
    kept = [list(s) for s in strokes if len(s)]
    if not kept:
        return []
    xs = [p[0] for s in kept for p in s]
    ys = [p[1] for s in kept for p in s]
    left, top = min(xs), min(ys)
    w, h = max(xs) - left, max(ys) - top
    side = max(w, h)
    inner = box * (1 - 2 * margin)
    scale = inner / side if side > 0 else 1.0
    ox = (box - w * scale) / 2
    oy = (box - h * scale) / 2
    out: list[list[tuple[int, int]]] = []
    for stroke in kept:
        points: list[tuple[int, int]] = []
        for x, y in stroke:
            p = (round((x - left) * scale + ox), round((y - top) * scale + oy))
            if not points or points[-1] != p:
                points.append(p)
        if len(points) == 1:
            points.append(points[0])
        out.append(points)
    return out


@dataclass(frozen=True)
class StrokeSet:
    """Characters and their strokes on one canvas size (a stroke file)."""

    width: int
    height: int
    characters: dict[str, list[list[Point]]]

    @classmethod
    def load(cls, path: str | Path) -> StrokeSet:
        """Read a stroke file."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        chars = {str(c): [[(float(x), float(y)) for x, y in stroke] for stroke in strokes]
                 for c, strokes in data["characters"].items()}
        return cls(int(data["width"]), int(data["height"]), chars)

    def dump(self, path: str | Path) -> None:
        """Write a stroke file (one character a line, so diffs stay readable)."""
        lines = [f"  {json.dumps(c, ensure_ascii=False)}: "
                 f"{json.dumps([[[round(x), round(y)] for x, y in s] for s in strokes])}"
                 for c, strokes in self.characters.items()]
        text = (f'{{"width": {self.width}, "height": {self.height}, "characters": {{\n'
                + ",\n".join(lines) + "\n}}\n")
        Path(path).write_text(text, encoding="utf-8")
