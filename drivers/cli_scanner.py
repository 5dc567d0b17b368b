"""Serial QR scanner diagnostics: listen for codes on a scanner line.

``python -m drivers scanner listen --url URL --count N --json`` prints one JSON object per
code (keys text, raw_hex, source, timestamp, encoding). Exits 0 after N codes, 1 when the
time runs out first, 2 when the scanner cannot be opened (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import json
import queue
import sys
import time
from typing import Any

from drivers.errors import DeviceError
from drivers.scanner.event import CODE_TOPIC, STATE_TOPIC, ScanEvent
from drivers.scanner.profiles import MODES, PROFILES
from drivers.scanner.serial_scanner import SerialScanner
from kiosk.events import EventBus


def register(parser: argparse.ArgumentParser) -> None:
    """Add the ``listen`` sub-command."""
    sub = parser.add_subparsers(dest="action", required=True)
    listen = sub.add_parser("listen", help="print codes read by the scanner")
    listen.add_argument("--url", required=True, help="/dev/ttyUSB0, a pty path or socket://h:p")
    listen.add_argument("--count", type=int, default=1, help="stop after N codes (0 = forever)")
    listen.add_argument("--timeout", type=float, default=30.0, help="give up after S seconds")
    listen.add_argument("--baud", type=int, default=9600)
    listen.add_argument("--suffix", default="CRLF", help="CR, LF or CRLF")
    listen.add_argument("--profile", default="generic", choices=sorted(PROFILES))
    listen.add_argument("--mode", default="continuous", choices=MODES)
    listen.add_argument("--dedupe", type=float, default=1.5, help="repeat window in seconds")
    listen.add_argument("--json", action="store_true", help="one JSON object per line")
    listen.set_defaults(handler=listen_command)


def listen_command(args: argparse.Namespace) -> int:
    """Open the scanner, enable it, print codes until --count or --timeout."""
    bus = EventBus()
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    bus.subscribe(CODE_TOPIC, lambda topic, payload: events.put((topic, payload)))
    bus.subscribe(STATE_TOPIC, lambda topic, payload: events.put((topic, payload)))
    config = {"type": "serial", "url": args.url, "baudrate": args.baud, "suffix": args.suffix,
              "profile": args.profile, "mode": args.mode, "dedupe_window_s": args.dedupe}
    try:
        scanner = SerialScanner.from_config(config, bus)
    except DeviceError as exc:
        print(f"scanner: {exc}", file=sys.stderr)
        return 2
    got = 0
    end = time.monotonic() + args.timeout if args.timeout > 0 else None
    try:
        scanner.enable()
        while args.count <= 0 or got < args.count:
            left = None if end is None else end - time.monotonic()
            if left is not None and left <= 0:
                print(f"scanner: timeout after {args.timeout:g} s ({got} of {args.count} codes)",
                      file=sys.stderr)
                return 1
            try:
                topic, payload = events.get(timeout=left)
            except queue.Empty:
                continue
            if topic == STATE_TOPIC:
                print(f"scanner: {payload.data['state']}: {payload.data['message']}",
                      file=sys.stderr)
                continue
            got += 1
            _print_event(payload, args.json)
    finally:
        scanner.close()
    return 0


def _print_event(event: ScanEvent, as_json: bool) -> None:
    if as_json:
        print(json.dumps(event.as_dict(), ensure_ascii=False), flush=True)
    else:
        text = event.text.encode("unicode_escape").decode("ascii") if not event.text.isprintable() \
            else event.text
        print(f"{event.source}\t{event.encoding}\t{text}", flush=True)
