"""Serial QR scanner diagnostics: listen for codes on a scanner line.

``python -m drivers scanner listen --url URL --count N --json`` prints one JSON object per
code (keys text, raw_hex, source, timestamp, encoding). Exits 0 after N codes, 1 when the
time runs out first, 2 when the scanner cannot be opened (one line on stderr, no traceback).
The line ending is detected from the first code unless ``--suffix CR|LF|CRLF`` is given;
bytes that never end with it are reported once on stderr ("received 27 bytes without CR LF —
is the scanner set to CR?") instead of waiting in silence.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from common.events import EventBus
from drivers.errors import DeviceError
from drivers.scanner.event import NOTICE_TOPIC, STATE_TOPIC
from drivers.scanner.listen import collect_codes, event_queue
from drivers.scanner.profiles import MODES, PROFILES
from drivers.scanner.serial_scanner import SerialScanner


def register(parser: argparse.ArgumentParser) -> None:
    """Add the ``listen`` sub-command."""
    sub = parser.add_subparsers(dest="action", required=True)
    listen = sub.add_parser("listen", help="print codes read by the scanner")
    listen.add_argument("--url", required=True, help="/dev/ttyUSB0, a pty path or socket://h:p")
    listen.add_argument("--count", type=int, default=1, help="stop after N codes (0 = forever)")
    listen.add_argument("--timeout", type=float, default=30.0, help="give up after S seconds")
    listen.add_argument("--baud", type=int, default=9600)
    listen.add_argument("--suffix", default="auto",
                        help="auto (detect from the first code), CR, LF or CRLF")
    listen.add_argument("--profile", default="generic", choices=sorted(PROFILES))
    listen.add_argument("--mode", default="continuous", choices=MODES)
    listen.add_argument("--dedupe", type=float, default=1.5, help="repeat window in seconds")
    listen.add_argument("--json", action="store_true", help="one JSON object per line")
    listen.set_defaults(handler=listen_command)


def listen_command(args: argparse.Namespace) -> int:
    """Open the scanner, enable it, print codes until --count or --timeout."""
    bus = EventBus()
    events = event_queue(bus, STATE_TOPIC)
    bus.subscribe(NOTICE_TOPIC, lambda _topic, payload: print(
        f"scanner: {payload.data['message']}", file=sys.stderr, flush=True))
    config = {"type": "serial", "url": args.url, "baudrate": args.baud, "suffix": args.suffix,
              "profile": args.profile, "mode": args.mode, "dedupe_window_s": args.dedupe}
    try:
        scanner = SerialScanner.from_config(config, bus)
    except DeviceError as exc:
        print(f"scanner: {exc}", file=sys.stderr)
        return 2

    def on_state(payload: Any, _got: int) -> int | None:
        print(f"scanner: {payload.data['state']}: {payload.data['message']}", file=sys.stderr)
        return None

    return collect_codes("scanner", scanner, events, count=args.count, timeout=args.timeout,
                         as_json=args.json, state_topic=STATE_TOPIC, on_state=on_state)
