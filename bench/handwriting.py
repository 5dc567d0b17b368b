"""Handwriting recognition time per character (target: median <= 50 ms on this machine).

    python bench/handwriting.py [--runs 5] [--top 10]

For each of the 31 characters of tests/data/handwriting, two inputs are recognised:
the stroke medians as stored (few points a stroke) and the same character as a finger
writes it on a 600 x 400 pad (resampled every 6 px like touch-move events, wobbling), which
is the pad's real load. Each run times every character once (model opened beforehand, as
the terminal keeps it open); the figures are medians and p95 over all runs, plus the
top-5 and top-1 counts. Model opening is timed separately.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.handwriting import DEFAULT_MODEL, HandwritingRecogniser, StrokeSet  # noqa: E402
from tests.unit.handwriting_writer import as_written  # noqa: E402

STROKES = ROOT / "tests" / "data" / "handwriting" / "strokes.json"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=10, help="candidates asked for")
    args = parser.parse_args()

    start = time.perf_counter()
    rec = HandwritingRecogniser(DEFAULT_MODEL)
    opened_ms = (time.perf_counter() - start) * 1000
    data = StrokeSet.load(STROKES)
    inputs = {
        "medians": {c: (s, data.width, data.height) for c, s in data.characters.items()},
        "finger on pad": {c: (as_written(s, data.width, (80, 40), 320, seed=i), 600, 400)
                          for i, (c, s) in enumerate(data.characters.items())},
    }
    print(f"model {DEFAULT_MODEL.name}: {rec.known_characters} characters, "
          f"opened in {opened_ms:.1f} ms")
    for label, chars in inputs.items():
        times: list[float] = []
        top5 = top1 = 0
        for run in range(args.runs):
            for char, (strokes, w, h) in chars.items():
                t0 = time.perf_counter()
                out = rec.recognise(strokes, w, h, top_n=args.top)
                times.append((time.perf_counter() - t0) * 1000)
                if run == 0:
                    ranked = [c.char for c in out]
                    top5 += char in ranked[:5]
                    top1 += bool(ranked) and ranked[0] == char
        points = sum(len(s) for strokes, _w, _h in chars.values() for s in strokes)
        print(f"{label:14s} {len(chars)} chars x {args.runs} runs, "
              f"{points / len(chars):.0f} points/char: median {statistics.median(times):.1f} ms"
              f", p95 {percentile(times, 95):.1f} ms, max {max(times):.1f} ms; "
              f"top-5 {top5}/{len(chars)}, top-1 {top1}/{len(chars)}")
    rec.close()


if __name__ == "__main__":
    main()
