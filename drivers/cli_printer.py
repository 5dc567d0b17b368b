"""Receipt printer diagnostics: ``status`` (paper, cover, state) and a Chinese ``test`` receipt.

``python -m drivers printer status --url tcp://127.0.0.1:9100 --json`` prints the state,
paper (ok, low, out, unknown) and cover_open; it exits 2 when the printer does not answer
(or cannot be reached) and 3 when it answers but cannot print (paper out, cover open …).
``python -m drivers printer test --url URL [--width 58|80]`` prints a test receipt with a
QR code and exits non-zero unless the printer confirmed it — or, for a write-only printer
(``file://``, a write-only lp device, ``--status none``), unless it was sent: that is
reported as "sent, not confirmed", with the paper state unknown. ``--status`` is the
driver's ``status`` setting: auto (default: write-only when the line cannot answer),
dle_eot or none. The citizens' sample receipts
are printed by ``python -m kiosk receipts sample`` (their content is the terminal's, not the
device layer's).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from drivers.base import DeviceState
from drivers.printer.driver import STATUS_MODES, EscPosPrinter
from drivers.printer.logo import emblem
from drivers.printer.test_page import test_page


def register(parser: argparse.ArgumentParser) -> None:
    """Add the ``status`` and ``test`` sub-commands."""
    sub = parser.add_subparsers(dest="printer_command", required=True)
    status = sub.add_parser("status", help="show state, paper and cover of the printer")
    add_printer_arguments(status)
    status.add_argument("--json", action="store_true", help="print one JSON object")
    status.set_defaults(handler=_status)
    test = sub.add_parser("test", help="print a Chinese test receipt with a QR code")
    add_printer_arguments(test)
    test.add_argument("--width", type=int, choices=(58, 80), default=80, help="paper width in mm")
    test.set_defaults(handler=_test)


def add_printer_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", required=True,
                        help="tcp://host:9100, /dev/ttyUSB0, a pty, usb://VID:PID or /dev/usb/lp0")
    parser.add_argument("--baud", type=int, default=115200, help="baud rate of a serial line")
    parser.add_argument("--timeout", type=float, default=1.0, help="seconds to wait for a reply")
    parser.add_argument("--status", default="auto", choices=STATUS_MODES,
                        help="how the printer's state is learnt: auto (write-only when the "
                             "line cannot answer), dle_eot, none (write-only)")


def printer_from_args(args: argparse.Namespace, width: int = 80) -> EscPosPrinter:
    """The printer that ``add_printer_arguments`` describes."""
    return EscPosPrinter(args.url, None, width_mm=width, baudrate=args.baud,
                         status_timeout=args.timeout, status_mode=args.status)


def _status(args: argparse.Namespace) -> int:
    printer = printer_from_args(args)
    try:
        status = printer.status()
    finally:
        printer.close()
    answered = bool(status.details.get("answered"))
    if status.details.get("write_only") and status.state is DeviceState.ONLINE:
        if args.json:
            print(json.dumps({"url": args.url, **status.as_dict()}, ensure_ascii=False))
        else:
            print(f"{status.state.value}: paper unknown, cover unknown — {status.message}")
        return 0
    if args.json:
        print(json.dumps({"url": args.url, **status.as_dict()}, ensure_ascii=False))
    else:
        d = status.details
        print(f"{status.state.value}: paper {d.get('paper')}, cover "
              f"{'open' if d.get('cover_open') else 'closed' if answered else 'unknown'}"
              f" — {status.message}")
    if not answered:
        print(f"printer at {args.url} does not answer: {one_line(status.message)}",
              file=sys.stderr)
        return 2
    if status.state is not DeviceState.ONLINE or status.details.get("paper") == "out":
        print(f"printer at {args.url} cannot print: {one_line(status.message)}", file=sys.stderr)
        return 3
    return 0


def _test(args: argparse.Namespace) -> int:
    printer = printer_from_args(args, args.width)
    try:
        result = printer.print_document(test_page(datetime.now(), args.url, emblem()), timeout=60)
    finally:
        printer.close()
    if not result.ok:
        print(f"test receipt failed ({result.completion.value}): {one_line(result.message)}",
              file=sys.stderr)
        return 2 if result.completion.value == "device_not_ready" else 1
    value = result.value or {}
    if value.get("confirmed") is False:
        print(f"test receipt sent to {args.url} ({value.get('bytes')} bytes) — "
              f"{one_line(result.message)}")
        return 0
    print(f"test receipt printed on {args.url} ({value.get('bytes')} bytes)")
    return 0


def one_line(message: str) -> str:
    """A message on one line, whatever the library below said."""
    return " ".join(message.split())
