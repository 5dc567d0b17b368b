"""QR decoder benchmark: pyzbar vs zxing-cpp vs OpenCV on a generated camera corpus.

Run ``python bench/qr_decode.py`` (``--out bench/results/qr_decode.txt`` to save). For each
frame size (640×480 and 1280×720) it generates the same seeded corpus
(:mod:`simulator.camera.corpus`: clean, angle, blur, glare, noise, low contrast, small,
GBK payload, no code), pins itself to one CPU core with OpenCV single-threaded, and
decodes every frame with every decoder ``--runs`` times. It prints the decode rate (% of
frames with a code whose text came out right), false positives on frames without a code,
GBK payloads decoded right, and the median / p90 ms per frame (median over runs per frame,
then over frames). Then it runs the real camera pipeline (grab thread + decode worker with
the default decoder, 720p frames at 10 fps) and prints the time from a frame's arrival to
its ``scanner.code`` event next to the decode time. Figures only; nothing here passes or
fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common.events import EventBus
from drivers.camera.capture import OpenCvCamera
from drivers.camera.decoders import (
    DEFAULT_DECODER,
    Pipeline,
    ZxingDecoder,
    make_decoder,
)
from drivers.camera.qr_scanner import CameraQrScanner
from drivers.scanner.event import decode_payload
from simulator.camera.corpus import CONDITIONS, Sample, generate

SIZES = ((640, 480), (1280, 720))


def variants() -> list[tuple[str, Callable[[], Pipeline]]]:
    """The decoders compared: the three backends, then tuning variants of zxing-cpp."""
    return [
        ("zxing-cpp", lambda: make_decoder("zxing")),
        ("pyzbar", lambda: make_decoder("pyzbar")),
        ("opencv", lambda: make_decoder("opencv")),
        ("zxing-cpp max_side=640", lambda: make_decoder("zxing", max_side=640)),
        ("zxing-cpp no-invert", lambda: Pipeline(ZxingDecoder(try_invert=False))),
        ("pyzbar max_side=640", lambda: make_decoder("pyzbar", max_side=640)),
    ]


def text_of(raw: bytes) -> str:
    """The text the terminal would get from these bytes."""
    return decode_payload(raw)[0]


def measure(decoder: Pipeline, samples: Sequence[Sample], runs: int) -> dict[str, object]:
    """Decode every sample ``runs`` times; rate, false positives and timings."""
    times = np.zeros((len(samples), runs))
    correct: list[bool] = []
    false_pos = 0
    per_condition: dict[str, list[bool]] = {c: [] for c in CONDITIONS}
    for index, sample in enumerate(samples):
        found: list[bytes] = []
        for run in range(runs):
            start = time.perf_counter()
            results = decoder.decode(sample.frame)
            times[index, run] = (time.perf_counter() - start) * 1000
            found = [r.raw for r in results]
        if sample.expected is None:
            false_pos += bool(found)
            per_condition[sample.condition].append(not found)
        else:
            ok = text_of(sample.expected) in [text_of(raw) for raw in found]
            correct.append(ok)
            per_condition[sample.condition].append(ok)
    per_frame = np.median(times, axis=1)
    gbk = per_condition["gbk"]
    return {
        "rate": 100.0 * sum(correct) / max(1, len(correct)),
        "false_pos": false_pos,
        "gbk": f"{sum(gbk)}/{len(gbk)}",
        "median": float(np.median(per_frame)),
        "p90": float(np.percentile(per_frame, 90)),
        "conditions": {c: f"{sum(v)}/{len(v)}" for c, v in per_condition.items()},
    }


class _CorpusSource:
    """A live source cycling through code frames at ``fps`` (for the latency run)."""

    live = True
    ended = False

    def __init__(self, frames: list[np.ndarray], fps: float) -> None:
        self._frames = frames
        self._period = 1.0 / fps
        self._index = 0
        self._next = time.monotonic()

    def read(self) -> np.ndarray:
        delay = self._next - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self._next += self._period
        frame = self._frames[self._index % len(self._frames)]
        self._index += 1
        return frame

    def close(self) -> None:
        pass


def pipeline_latency(samples: Sequence[Sample], seconds: float) -> dict[str, object]:
    """Run grab thread + decode worker on code frames; return the worker's statistics."""
    frames = [s.frame for s in samples if s.expected is not None]
    bus = EventBus()
    events: list[object] = []
    bus.subscribe("scanner.code", lambda _t, p: events.append(p))
    camera = OpenCvCamera("bench", bus, opener=lambda *_: _CorpusSource(frames, 10.0))
    scanner = CameraQrScanner(camera, make_decoder(DEFAULT_DECODER), bus, dedupe_window_s=0.0)
    camera.attach_scanner(scanner)
    camera.start()
    scanner.enable()
    time.sleep(seconds)
    stats = scanner.stats()
    camera.close()
    stats["events"] = len(events)
    return stats


def main(argv: list[str] | None = None) -> int:
    """Generate the corpora, run every decoder, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=90, help="frames per size")
    parser.add_argument("--runs", type=int, default=3, help="decodes per frame")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--latency-seconds", type=float, default=8.0)
    parser.add_argument("--out", type=Path, help="also write the output to this file")
    args = parser.parse_args(argv)
    cpu = sorted(os.sched_getaffinity(0))[0]
    os.sched_setaffinity(0, {cpu})
    cv2.setNumThreads(1)
    lines: list[str] = []

    def emit(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    emit(f"QR decode benchmark  {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    emit(f"python {platform.python_version()}  opencv {cv2.__version__}  cpu {platform.machine()}"
         f"  pinned to core {cpu}, cv2 threads 1, {args.runs} runs per frame")
    emit(f"corpus: {args.count} frames per size, seed {args.seed}, conditions "
         f"{', '.join(CONDITIONS)} (every {len(CONDITIONS)}th frame has no code)")
    emit()
    header = f"{'decoder':<24}{'size':>10}{'decoded %':>11}{'false+':>8}{'GBK ok':>8}" \
             f"{'median ms':>11}{'p90 ms':>8}"
    emit(header)
    emit("-" * len(header))
    details: dict[tuple[str, tuple[int, int]], dict[str, str]] = {}
    corpora = {size: list(generate(args.count, size, args.seed)) for size in SIZES}
    for size in SIZES:
        for name, factory in variants():
            result = measure(factory(), corpora[size], args.runs)
            details[(name, size)] = result["conditions"]  # type: ignore[assignment]
            emit(f"{name:<24}{f'{size[0]}x{size[1]}':>10}{result['rate']:>10.1f} "
                 f"{result['false_pos']:>7}{result['gbk']:>8}{result['median']:>11.2f}"
                 f"{result['p90']:>8.2f}")
        emit()
    emit("decoded per condition (correct / frames; no_code = correctly empty)")
    emit(f"{'decoder':<24}{'size':>10}" + "".join(f"{c[:9]:>10}" for c in CONDITIONS))
    for size in SIZES:
        for name, _ in variants()[:3]:
            row = details[(name, size)]
            cells = "".join(f"{row[c]:>10}" for c in CONDITIONS)
            emit(f"{name:<24}{f'{size[0]}x{size[1]}':>10}" + cells)
    emit()
    stats = pipeline_latency(corpora[(1280, 720)], args.latency_seconds)
    emit(f"camera pipeline, default decoder {DEFAULT_DECODER}, 1280x720 at 10 fps, "
         f"{args.latency_seconds:g} s, same core:")
    emit(f"  frames decoded {stats['frames_decoded']}, skipped {stats['frames_skipped']}, "
         f"events {stats['events']}")
    emit(f"  median decode {stats['decode_ms_median']} ms, median wait before decode "
         f"{stats['wait_before_decode_ms_median']} ms, median frame arrival -> event "
         f"{stats['arrival_to_event_ms_median']} ms")
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
