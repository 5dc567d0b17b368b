"""Synthetic camera: serve frames on sim://, write a test corpus, or render sample frames.

``python -m simulator camera serve [--qr TEXT | --face]`` prints the sim:// URL as one JSON
line and reads commands from stdin: ``qr TEXT``, ``gbk TEXT``, ``face``, ``nothing``,
``quit``. ``python -m simulator camera corpus --out DIR --count N --size 1280x720`` writes
labelled PNG frames (and labels.jsonl) for tests and benchmarks.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2

from simulator.camera.corpus import generate
from simulator.camera.source import SyntheticCameraSource


def register(parser: argparse.ArgumentParser) -> None:
    """Sub-commands ``serve`` and ``corpus``."""
    sub = parser.add_subparsers(dest="action", required=True)
    serve = sub.add_parser("serve", help="stream synthetic frames on sim://")
    serve.add_argument("--size", default="640x480", help="WIDTHxHEIGHT")
    serve.add_argument("--fps", type=float, default=10.0)
    serve.add_argument("--qr", help="start showing this payload")
    serve.add_argument("--face", action="store_true", help="start showing a face")
    serve.set_defaults(handler=serve_command)
    corpus = sub.add_parser("corpus", help="write a labelled corpus of frames")
    corpus.add_argument("--out", required=True, type=Path)
    corpus.add_argument("--count", type=int, default=45)
    corpus.add_argument("--size", default="1280x720", help="WIDTHxHEIGHT")
    corpus.add_argument("--seed", type=int, default=0)
    corpus.set_defaults(handler=corpus_command)


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    return int(width), int(height)


def serve_command(args: argparse.Namespace) -> int:
    """Serve frames until stdin ends or ``quit``."""
    try:
        camera = SyntheticCameraSource(size=_size(args.size), fps=args.fps)
        url = camera.url
    except (OSError, ValueError) as exc:
        print(f"camera simulator: {exc}", file=sys.stderr)
        return 2
    if args.qr:
        camera.show_qr(args.qr)
    elif args.face:
        camera.show_face()
    print(json.dumps({"camera": url}), flush=True)
    try:
        for line in sys.stdin:
            verb, _, rest = line.strip().partition(" ")
            if verb in ("quit", "exit"):
                break
            if verb == "qr":
                camera.show_qr(rest)
            elif verb == "gbk":
                camera.show_qr(rest.encode("gbk", errors="replace"))
            elif verb == "face":
                camera.show_face()
            elif verb == "nothing":
                camera.show_nothing()
            elif verb:
                print(f"error: unknown command {verb!r}", flush=True)
                continue
            if verb:
                print(f"showing {camera.showing}", flush=True)
    finally:
        camera.stop()
    return 0


def corpus_command(args: argparse.Namespace) -> int:
    """Write ``count`` frames and a labels.jsonl (expected payload as hex, condition)."""
    try:
        size = _size(args.size)
        args.out.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as exc:
        print(f"camera corpus: {exc}", file=sys.stderr)
        return 2
    with (args.out / "labels.jsonl").open("w", encoding="utf-8") as labels:
        for index, sample in enumerate(generate(args.count, size, args.seed)):
            name = f"frame_{index:04d}_{sample.condition}.png"
            cv2.imwrite(str(args.out / name), sample.frame)
            labels.write(json.dumps({
                "file": name, "condition": sample.condition,
                "expected_hex": sample.expected.hex() if sample.expected else None}) + "\n")
    print(f"wrote {args.count} frames to {args.out}")
    return 0
