"""Camera QR diagnostics: decode QR codes from a camera, a video / image file or sim://.

``python -m drivers camera scan --source SRC --count N --json`` prints one JSON object per
code (keys text, raw_hex, source, timestamp, encoding). SRC is a device index (``0``), a
device path (``/dev/video0``), a video or image file, or ``sim://host:port``. Exits 0 after
N codes, 1 on timeout or end of file, 2 when the camera cannot be opened (one line on
stderr, no traceback). ``--decoder`` picks zxing, pyzbar or opencv.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from common.events import EventBus
from drivers.camera.capture import STATE_TOPIC, OpenCvCamera
from drivers.camera.decoders import DECODERS, DEFAULT_DECODER
from drivers.errors import DeviceError
from drivers.scanner.listen import collect_codes, event_queue


def register(parser: argparse.ArgumentParser) -> None:
    """Add the ``scan`` sub-command."""
    sub = parser.add_subparsers(dest="action", required=True)
    scan = sub.add_parser("scan", help="print QR codes seen by the camera")
    scan.add_argument("--source", required=True, help="0, /dev/video0, FILE or sim://host:port")
    scan.add_argument("--count", type=int, default=1, help="stop after N codes (0 = forever)")
    scan.add_argument("--timeout", type=float, default=30.0, help="give up after S seconds")
    scan.add_argument("--decoder", default=DEFAULT_DECODER, choices=DECODERS)
    scan.add_argument("--max-side", type=int, default=0, help="downscale to this many pixels")
    scan.add_argument("--dedupe", type=float, default=2.0, help="repeat window in seconds")
    scan.add_argument("--json", action="store_true", help="one JSON object per line")
    scan.set_defaults(handler=scan_command)


def scan_command(args: argparse.Namespace) -> int:
    """Open the camera, decode until --count codes, --timeout or the end of a file."""
    bus = EventBus()
    events = event_queue(bus, STATE_TOPIC)
    config = {"type": "opencv", "source": args.source, "decoder": args.decoder,
              "max_side": args.max_side, "dedupe_window_s": args.dedupe}
    try:
        camera = OpenCvCamera.from_config(config, bus)
    except DeviceError as exc:
        print(f"camera: {exc}", file=sys.stderr)
        return 2

    def on_state(payload: Any, got: int) -> int | None:
        print(f"camera: {payload.data['message']} ({got} of {args.count} codes)",
              file=sys.stderr)
        if camera.ended:
            return 1 if got < args.count or args.count <= 0 else 0
        return None

    return collect_codes("camera", camera, events, count=args.count, timeout=args.timeout,
                         as_json=args.json, state_topic=STATE_TOPIC, on_state=on_state)
